package dev.lakepipe.spec;

import java.util.Optional;

/**
 * A point in a table's history to read: a version (Delta version, Iceberg snapshot id, Hudi instant)
 * or a timestamp. Exactly one of the two is present.
 */
public record AsOf(Optional<String> version, Optional<String> timestamp) {
  public AsOf {
    if (version.isPresent() == timestamp.isPresent()) {
      throw new IllegalArgumentException("as-of needs exactly one of version and timestamp");
    }
  }

  public static AsOf version(String version) {
    return new AsOf(Optional.of(version), Optional.empty());
  }

  public static AsOf timestamp(String timestamp) {
    return new AsOf(Optional.empty(), Optional.of(timestamp));
  }

  @Override
  public String toString() {
    return version.map(v -> "version " + v).orElseGet(() -> "timestamp " + timestamp.orElseThrow());
  }
}
