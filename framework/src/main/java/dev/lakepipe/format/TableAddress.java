package dev.lakepipe.format;

import java.util.Map;
import java.util.Optional;

/**
 * Where a table lives, resolved from a spec: an absolute path for {@link Addressing#PATH} formats, a
 * catalog identifier for {@link Addressing#CATALOG} formats. {@code options} are the spec's format
 * options, passed through to the format untouched.
 *
 * @param name the source or target name in the spec
 * @param table the logical table name ({@code db.name}), used for naming the table inside the format
 */
public record TableAddress(
    String name, String table, Optional<String> path, Optional<String> identifier, Map<String, String> options) {
  public TableAddress {
    options = Map.copyOf(options);
    if (path.isPresent() == identifier.isPresent()) {
      throw new IllegalArgumentException("a table address has exactly one of path and identifier: " + name);
    }
  }

  /** The path, for path-addressed formats. @throws IllegalStateException for a catalog-addressed table */
  public String requirePath() {
    return path.orElseThrow(() -> new IllegalStateException(name + " is addressed by catalog identifier"));
  }

  /** The catalog identifier. @throws IllegalStateException for a path-addressed table */
  public String requireIdentifier() {
    return identifier.orElseThrow(() -> new IllegalStateException(name + " is addressed by path"));
  }

  /** The path or identifier, for messages. */
  public String location() {
    return path.orElseGet(identifier::orElseThrow);
  }
}
