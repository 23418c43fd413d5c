package dev.lakepipe.format;

import dev.lakepipe.spec.SchemaEvolution;
import dev.lakepipe.spec.Storage;
import dev.lakepipe.spec.TargetSpec;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How a target table is organised: its record keys, the column whose greatest value wins among rows of
 * the same key, its partition columns, how it stores updates and deletes, what a write may change in its schema, and
 * how many buckets per partition its keys are hashed into (formats that {@link
 * dev.lakepipe.spec.FormatTraits#supportsBuckets() support buckets}). The storage and the buckets are chosen when the
 * first write creates the table; later writes keep the table's own.
 *
 * @throws IllegalArgumentException when buckets are given without keys, with keys that leave out a partition column
 *     (a key's bucket is within its partition), or fewer than 1
 */
public record TableLayout(List<String> keys, Optional<String> orderBy, List<String> partitionBy, Storage storage,
    SchemaEvolution schemaEvolution, OptionalInt buckets) {
  public TableLayout {
    keys = List.copyOf(keys);
    partitionBy = List.copyOf(partitionBy);
    Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(schemaEvolution, "schemaEvolution");
    Objects.requireNonNull(buckets, "buckets");
    if (buckets.isPresent() && (buckets.getAsInt() < 1 || keys.isEmpty() || !keys.containsAll(partitionBy))) {
      throw new IllegalArgumentException("buckets (at least 1) need keys that name every partition column");
    }
  }

  /** The layout a target declares. */
  public static TableLayout of(TargetSpec target) {
    return new TableLayout(target.keys(), target.orderBy(), target.partitionBy(), target.storage(),
        target.schemaEvolution(), target.buckets());
  }

  /** A layout without buckets. */
  public TableLayout(List<String> keys, Optional<String> orderBy, List<String> partitionBy, Storage storage,
      SchemaEvolution schemaEvolution) {
    this(keys, orderBy, partitionBy, storage, schemaEvolution, OptionalInt.empty());
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
    return new TableLayout(keys, orderBy, partitionBy, storage, schemaEvolution, buckets);
  }

  /** This layout with another schema evolution. */
  public TableLayout withSchemaEvolution(SchemaEvolution schemaEvolution) {
    return new TableLayout(keys, orderBy, partitionBy, storage, schemaEvolution, buckets);
  }

  /** This layout with its keys hashed into this many buckets per partition. */
  public TableLayout withBuckets(int buckets) {
    return new TableLayout(keys, orderBy, partitionBy, storage, schemaEvolution, OptionalInt.of(buckets));
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
