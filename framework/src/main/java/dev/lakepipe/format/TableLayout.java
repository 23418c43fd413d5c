package dev.lakepipe.format;

import java.util.List;
import java.util.Optional;

/**
 * How a target table is organised: its record keys, the column whose greatest value wins among rows of
 * the same key, and its partition columns.
 */
public record TableLayout(List<String> keys, Optional<String> orderBy, List<String> partitionBy) {
  public TableLayout {
    keys = List.copyOf(keys);
    partitionBy = List.copyOf(partitionBy);
  }

  public static TableLayout unkeyed(List<String> partitionBy) {
    return new TableLayout(List.of(), Optional.empty(), partitionBy);
  }

  public boolean isPartitioned() {
    return !partitionBy.isEmpty();
  }

  /** @throws IllegalStateException when the layout has no keys (upsert and delete need them) */
  public List<String> requireKeys() {
    if (keys.isEmpty()) {
      throw new IllegalStateException("this operation needs keys");
    }
    return keys;
  }

  /** @throws IllegalStateException when the layout has no partition columns */
  public List<String> requirePartitionBy() {
    if (partitionBy.isEmpty()) {
      throw new IllegalStateException("this operation needs partition columns");
    }
    return partitionBy;
  }
}
