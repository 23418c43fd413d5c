package dev.lakepipe.format;

import dev.lakepipe.spec.Storage;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a target table is organised: its record keys, the column whose greatest value wins among rows of
 * the same key, its partition columns, and how it stores updates and deletes. The storage is chosen when the first
 * write creates the table; later writes keep the table's own.
 */
public record TableLayout(List<String> keys, Optional<String> orderBy, List<String> partitionBy, Storage storage) {
  public TableLayout {
    keys = List.copyOf(keys);
    partitionBy = List.copyOf(partitionBy);
    Objects.requireNonNull(storage, "storage");
  }

  /** A copy-on-write layout. */
  public TableLayout(List<String> keys, Optional<String> orderBy, List<String> partitionBy) {
    this(keys, orderBy, partitionBy, Storage.COPY_ON_WRITE);
  }

  /** This layout with another storage. */
  public TableLayout withStorage(Storage storage) {
    return new TableLayout(keys, orderBy, partitionBy, storage);
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
