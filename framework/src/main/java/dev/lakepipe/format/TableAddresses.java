package dev.lakepipe.format;

import dev.lakepipe.spec.EngineSettings;
import dev.lakepipe.spec.FormatTraits;
import java.util.Map;
import java.util.Optional;

/** Resolves where a source or target lives, from its spec and the engine settings. */
public final class TableAddresses {
  private TableAddresses() {}

  /**
   * A path-addressed table is at its {@code path} (relative paths are under the warehouse), or at
   * {@code <warehouse>/db/name} for {@code table = db.name}; a catalog-addressed one is {@code <catalog>.db.name}.
   *
   * @param name the source or target name, which also names the table when neither path nor table is given
   */
  public static TableAddress resolve(EngineSettings settings, FormatTraits format, String name, Optional<String> path,
      Optional<String> table, Map<String, String> options) {
    String logical = table.orElse(name);
    if (format.isStream()) {
      // Located by its options; the name stands for it in messages.
      return new TableAddress(name, logical, Optional.empty(), Optional.of(name), options);
    }
    if (format.catalogAddressed()) {
      return new TableAddress(name, logical, Optional.empty(), Optional.of(settings.catalog() + "." + logical),
          options);
    }
    String location = path.map(p -> isAbsolute(p) ? p : settings.warehouse() + "/" + p)
        .orElseGet(() -> settings.warehouse() + "/" + logical.replace('.', '/'));
    return new TableAddress(name, logical, Optional.of(location), Optional.empty(), options);
  }

  private static boolean isAbsolute(String path) {
    return path.startsWith("/") || path.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*");
  }
}
