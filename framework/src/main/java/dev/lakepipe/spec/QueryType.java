package dev.lakepipe.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Which view of a merge-on-read table a source reads ({@code query-type}, for formats that {@link
 * FormatTraits#supportsReadOptimized()}).
 */
public enum QueryType {
  /** The latest rows: base files merged with the changes logged since (real time). */
  SNAPSHOT("snapshot"),
  /** Base files only: faster, but as of the table's last compaction. */
  READ_OPTIMIZED("read-optimized");

  private final String specName;

  QueryType(String specName) {
    this.specName = specName;
  }

  /** The name used in job specs, e.g. {@code read-optimized}. */
  public String specName() {
    return specName;
  }

  public static Optional<QueryType> fromSpecName(String name) {
    return Arrays.stream(values()).filter(q -> q.specName.equals(name)).findFirst();
  }

  public static List<String> specNames() {
    return Arrays.stream(values()).map(QueryType::specName).toList();
  }
}
