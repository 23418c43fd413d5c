package dev.lakepipe.format;

import dev.lakepipe.spec.SchemaEvolution;
import dev.lakepipe.spec.Storage;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a target table is organised: its record keys, the column whose greatest value wins among rows of
 * the same key, its partition columns, how it stores updates and deletes, and what a write may change in its schema.
 * The storage is chosen when the first write creates the table; later writes keep the table's own.
 */
public record TableLayout(List<String> keys, Optional<String> orderBy, List<String> partitionBy, Storage storage,
    SchemaEvolution schemaEvolution) {
  public TableLayout {
    keys = List.copyOf(keys);
    partitionBy = List.copyOf(partitionBy);
    Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(schemaEvolution, "schemaEvolution");
  }

  /** A layout with the default schema evolution ({@link SchemaEvolution#DEFAULT}). */
  public TableLayout(List<String> keys, Optional<String> orderBy, List<String> partitionBy, Storage storage) {
    this(keys, orderBy, partitionBy, storage, SchemaEvolution.DEFAULT);
  }

  /** A copy-on-write layout. */
  public TableLayout(List<String> keys, Optional<String> orderBy, List<String> partitionBy) {
    this(keys, orderBy, partitionBy, Storage.COPY_ON_WRITE);
  }

  /** This layout with another storage. */
  public TableLayout withStorage(Storage storage) {
    return new TableLayout(keys, orderBy, partitionBy, storage, schemaEvolution);
  }

  /** This layout with another schema evolution. */
  public TableLayout withSchemaEvolution(SchemaEvolution schemaEvolution) {
    return new TableLayout(keys, orderBy, partitionBy, storage, schemaEvolution);
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
