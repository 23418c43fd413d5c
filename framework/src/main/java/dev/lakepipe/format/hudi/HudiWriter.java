package dev.lakepipe.format.hudi;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import dev.lakepipe.format.AbstractTableWriter;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.SchemaChanges;
import dev.lakepipe.format.SqlMerge;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.spec.Storage;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.apache.hudi.common.config.ConfigProperty;
import org.apache.hudi.common.config.HoodieMetadataConfig;
import org.apache.hudi.common.config.HoodieStorageConfig;
import org.apache.hudi.common.model.HoodieRecord;
import org.apache.hudi.common.model.HoodieTableType;
import org.apache.hudi.config.HoodieIndexConfig;
import org.apache.hudi.config.HoodieWriteConfig;
import org.apache.hudi.exception.HoodieWriteConflictException;
import org.apache.hudi.common.util.ObjectSizeCalculator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * Writes a Hudi table with the Spark data source, one Hudi write operation per method. Every write passes
 * the table's whole configuration, so the first one creates the table with it; the spec's options win. The table
 * type and the buckets follow the layout when the table is created and the table itself afterwards; merge-on-read
 * tables compact every {@value #COMPACTION_DELTA_COMMITS} delta commits, so that reads stay fast: inline, or beside
 * the writes where a {@link HudiBackgroundCompaction} runs the compactions they schedule.
 */
final class HudiWriter extends AbstractTableWriter {
  private static final String TABLE_TYPE = "hoodie.datasource.write.table.type";
  /** Whether a write compacts a merge-on-read table when it is due; a target's options may turn it off. */
  static final String INLINE_COMPACTION = "hoodie.compact.inline";
  /** Whether a table's options ask that its writes compact it; empty when they leave it to lakepipe. */
  static Optional<Boolean> inlineCompaction(Map<String, String> options) {
    return Optional.ofNullable(options.get(INLINE_COMPACTION)).map(Boolean::parseBoolean);
  }

  /** The option that says after how many delta commits a compaction is due. */
  static final String COMPACTION_DELTA_COMMITS_OPTION = "hoodie.compact.inline.max.delta.commits";
  /** How many delta commits a merge-on-read table takes before a write compacts it, or schedules its compaction. */
  static final int COMPACTION_DELTA_COMMITS = 10;

  /**
   * The metadata table off: Hudi keeps it for the record-level index and for listing files without listing folders.
   * A table that needs no global index does not pay for it: it is a second table that every write commits to, and
   * every task that sizes or writes a file group reads (measured: an hourly increment 2.3 times slower with it).
   */
  private static final Map<String, String> NO_METADATA_TABLE = Map.of(
      "hoodie.metadata.enable", "false",
      // Markers are then files; a timeline server, started and stopped at each write, would only add its cost.
      HoodieWriteConfig.EMBEDDED_TIMELINE_SERVER_ENABLE.key(), "false",
      // No index reads the bloom filters of the base files' footers.
      HoodieStorageConfig.PARQUET_WITH_BLOOM_FILTER_ENABLED.key(), "false");

  /**
   * The index of a keyed table whose keys name every partition column, or that has no partition columns: such a key
   * never moves between partitions, so looking it up in the partition the incoming row names is exact. The bloom
   * index does that with the filters and key ranges that every base file carries in its footer, so a write
   * maintains no index of its own, and the table keeps no metadata table. A base file's filter starts sized for
   * 1,000 keys and grows with its rows (Hudi's dynamic filter): Hudi's default of 60,000 keys put 430 KB in the footer
   * of every base file, whatever it held (a group table's file of 200 rows), which every read of the file reads
   * (measured: an hourly increment read 44.7 MB of storage with it, 29.7 MB without).
   */
  private static final Map<String, String> PARTITIONED_INDEX = Map.of(
      "hoodie.index.type", "BLOOM",
      HoodieStorageConfig.BLOOM_FILTER_NUM_ENTRIES_VALUE.key(), "1000",
      "hoodie.metadata.enable", "false",
      HoodieWriteConfig.EMBEDDED_TIMELINE_SERVER_ENABLE.key(), "false");

  /**
   * The index of any other keyed table: the global record-level index (in the metadata table) finds a key in
   * whatever partition holds it, finds a key to delete without its partition, and moves a row whose partition an
   * upsert changes; every commit maintains it. The write's tasks ask the driver's embedded timeline server for the
   * table's file slices, which it reads from the metadata table once, instead of each task reading the metadata
   * table (measured: a plain upsert of 1.2 % of 2 M rows 8.0-8.3 s with it against 12.7-14.0 s without).
   */
  private static final Map<String, String> GLOBAL_INDEX = Map.of(
      "hoodie.index.type", "GLOBAL_RECORD_LEVEL_INDEX",
      "hoodie.metadata.global.record.level.index.enable", "true",
      "hoodie.record.index.update.partition.path", "true",
      HoodieWriteConfig.EMBEDDED_TIMELINE_SERVER_ENABLE.key(), "true",
      // The index finds keys without the bloom filters of the base files' footers.
      HoodieStorageConfig.PARQUET_WITH_BLOOM_FILTER_ENABLED.key(), "false");

  /**
   * The commit property in which every write of a table with buckets records how many it has per partition: Hudi
   * keeps the count in no table setting, and every writer must hash into the same buckets.
   */
  static final String BUCKETS = CommitContext.PREFIX + "buckets";

  /**
   * What every write client of a table passes: the metadata table's indexes follow the last client that wrote, so
   * all clients must agree.
   */
  static final Map<String, String> CLIENT_SETTINGS = Map.of(
      // Reads do not skip files by column statistics (see HudiReader), so no commit needs to maintain them.
      HoodieMetadataConfig.ENABLE_METADATA_INDEX_COLUMN_STATS.key(), "false");

  /**
   * Marks the rows of an upsert that delete their key: Hudi's delete marker, which becomes a column of the table. Every
   * data write of a keyed table carries it (false), since Hudi refuses a write that leaves out a column of the table;
   * {@link HudiReader} drops it.
   */
  static final String DELETED = HoodieRecord.HOODIE_IS_DELETED_FIELD;

  private static final ConfigProperty<String> RECONCILE_PARALLELISM =
      HoodieIndexConfig.GLOBAL_INDEX_RECONCILE_PARALLELISM;
  private static final List<String> ONE_TASK_SHUFFLES = Stream.of(HoodieWriteConfig.UPSERT_PARALLELISM_VALUE,
      HoodieWriteConfig.INSERT_PARALLELISM_VALUE, HoodieWriteConfig.DELETE_PARALLELISM_VALUE,
      HoodieIndexConfig.BLOOM_INDEX_PARALLELISM, HoodieIndexConfig.SIMPLE_INDEX_PARALLELISM,
      HoodieWriteConfig.MARKERS_DELETE_PARALLELISM_VALUE, HoodieWriteConfig.FINALIZE_WRITE_PARALLELISM_VALUE)
      .map(ConfigProperty::key).toList();

  private final SparkSession spark;
  private final HudiReader table;
  private final Optional<HudiBackgroundCompaction> background;

  static {
    sizeObjectsQuietly();
  }

  /** @param background compacts the table beside its writes; empty: the writes compact it */
  HudiWriter(SparkSession spark, TableAddress address, TableLayout layout, HudiReader reader,
      Optional<HudiBackgroundCompaction> background) {
    super(address, reader, layout);
    this.spark = spark;
    this.table = reader;
    this.background = background;
  }

  /**
   * Hudi sizes the records it buffers with JOL, which on first use prints "# WARNING: Unable to ..." lines to
   * System.out (the JVM flags, {@code -Djol.skipDynamicAttach} and {@code -Djol.skipHotspotSAAttach}, keep it from
   * attaching to its own JVM, which can make the JVM print a whole thread dump to standard output). Sizing one object
   * here, with System.out muted, makes that first use silent.
   */
  private static void sizeObjectsQuietly() {
    PrintStream out = System.out;
    System.setOut(new PrintStream(OutputStream.nullOutputStream()));
    try {
      ObjectSizeCalculator.getObjectSize(new Object());
    } finally {
      System.setOut(out);
    }
  }

  /**
   * The index settings of a table with these keys (none for a table without keys, which has no index and no
   * metadata table), partition columns (none for an unpartitioned table, whose one partition every key is looked
   * up in) and buckets (keys hashed, not looked up). Every write client of a table must name the same settings, or
   * Hudi drops the record-level index, or the whole metadata table, or builds it again (a table written before with
   * other settings takes these at its next write).
   */
  static Map<String, String> indexSettings(List<String> keys, List<String> partitionBy, OptionalInt buckets) {
    if (keys.isEmpty()) {
      return NO_METADATA_TABLE;
    }
    if (buckets.isPresent()) {
      return bucketIndex(keys, buckets.getAsInt());
    }
    return keys.containsAll(partitionBy) ? PARTITIONED_INDEX : GLOBAL_INDEX;
  }

  /** Whether a table of this layout keeps a metadata table: the global record-level index is kept in it. */
  static boolean keepsMetadataTable(TableLayout layout) {
    return indexSettings(layout.keys(), layout.partitionBy(), layout.buckets()) == GLOBAL_INDEX;
  }

  /**
   * Hudi's bucket index for a table whose keys name every partition column: a key's file group is the hash of the
   * key modulo the buckets of its partition, so a write looks nothing up (no footers read, no metadata table), and a
   * merge-on-read table appends new keys to their bucket's log files instead of starting a file group per write
   * (measured: a micro-batch of ~400 rows in 5 Spark jobs instead of 10).
   */
  private static Map<String, String> bucketIndex(List<String> keys, int buckets) {
    return Map.of(
        "hoodie.index.type", "BUCKET",
        "hoodie.index.bucket.engine", "SIMPLE",
        "hoodie.bucket.index.num.buckets", Integer.toString(buckets),
        // The keys are hashed; Hudi checks them against the record key option, which table services' clients need too.
        "hoodie.datasource.write.recordkey.field", String.join(",", keys),
        "hoodie.metadata.enable", "false",
        HoodieWriteConfig.EMBEDDED_TIMELINE_SERVER_ENABLE.key(), "false",
        HoodieStorageConfig.PARQUET_WITH_BLOOM_FILTER_ENABLED.key(), "false");
  }

  /** Hudi finds conflicts only under optimistic concurrency control, which needs a lock provider in the options. */
  @Override
  protected boolean isCommitConflict(Throwable failure) {
    return failure instanceof HoodieWriteConflictException;
  }

  /**
   * Hudi's writer checks that the table's Avro schema can read the new one: a DECIMAL is an Avro fixed whose size
   * follows its precision, so a wider one fails the check (seen with Hudi 1.1.1).
   */
  @Override
  protected Optional<String> wideningLimit(DataType from, DataType to) {
    return from instanceof DecimalType ? Optional.of("Hudi 1.1 does not widen a DECIMAL's precision (the Avro fixed"
        + " that holds it changes size, which its schema compatibility check refuses)") : Optional.empty();
  }

  /** Hudi takes the rows' schema as the table's in the commit that writes them (schema evolution on write). */
  @Override
  protected void evolveSchema(SchemaChanges changes) {}

  @Override
  protected void writeAppend(Dataset<Row> rows, CommitContext context) {
    write(rows, "insert", context);
  }

  @Override
  protected void writeOverwrite(Dataset<Row> rows, CommitContext context) {
    write(rows, "insert_overwrite_table", context);
  }

  @Override
  protected void writeOverwritePartitions(Dataset<Row> rows, CommitContext context) {
    write(rows, "insert_overwrite", context);
  }

  @Override
  protected void writeUpsert(Dataset<Row> rows, CommitContext context) {
    write(rows, "upsert", context);
  }

  /**
   * No row is read: with the partitioned index the keys name the partition; with the global one the index finds
   * the stored partition of each key, and the partition columns are there (null) only for the key generator.
   */
  @Override
  protected void writeDelete(Dataset<Row> keys, CommitContext context) {
    StructType schema = reader.schema();
    Column[] columns = Stream.concat(
            layout.requireKeys().stream().map(key -> col(SqlMerge.quote(key))),
            layout.partitionBy().stream().filter(column -> !layout.keys().contains(column))
                .map(column -> lit(null).cast(schema.apply(column).dataType()).as(column)))
        .toArray(Column[]::new);
    write(keys.select(columns), "delete", context);
  }

  /**
   * Upserts and deletes go in one commit, the deletes as marked rows, where a delete row names its key's partition
   * (the keys name every partition column, or there is none: the bloom index looks the key up there; the global index
   * would move the key to the delete row's partition), wins over the stored row under Hudi's event time ordering
   * (the order-by column's type has a greatest value, which the delete row carries) and has a value for every column
   * that cannot be null. Elsewhere they are two commits.
   */
  @Override
  public boolean upsertsAndDeletesAtOnce() {
    if (layout.keys().isEmpty() || !layout.keys().containsAll(layout.partitionBy())) {
      return false;
    }
    if (!reader.exists()) {
      return true;
    }
    StructType schema = reader.schema();
    for (StructField field : schema.fields()) {
      boolean ordering = layout.orderBy().equals(Optional.of(field.name()));
      if (ordering ? greatest(field.dataType()).isEmpty()
          : !field.nullable() && !layout.keys().contains(field.name()) && placeholder(field.dataType()).isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /**
   * One upsert of the rows and of a marked row per deleted key: its keys, the order-by column's greatest value, and
   * in other columns null, or an empty value of the type where the column cannot be null (the marked row's values
   * are not stored).
   *
   * @throws UnsupportedOperationException when {@link #upsertsAndDeletesAtOnce()} is false for the rows' schema
   */
  @Override
  protected void writeUpsertAndDelete(Dataset<Row> rows, Dataset<Row> keys, CommitContext context) {
    List<String> keyColumns = layout.requireKeys();
    List<Column> deletes = new ArrayList<>();
    for (StructField field : rows.schema().fields()) {
      String name = field.name();
      Column value;
      if (keyColumns.contains(name)) {
        value = col(SqlMerge.quote(name));
      } else if (layout.orderBy().equals(Optional.of(name))) {
        value = greatest(field.dataType()).orElseThrow(() -> new UnsupportedOperationException(
            "a delete row of Hudi table " + address.name() + " cannot outrank order-by column " + name));
      } else {
        value = field.nullable() ? lit(null) : placeholder(field.dataType()).orElseThrow(() ->
            new UnsupportedOperationException("a delete row of Hudi table " + address.name() + " has no value for"
                + " column " + name + ", which cannot be null"));
      }
      deletes.add(value.cast(field.dataType()).as(name));
    }
    deletes.add(nullable(true).as(DELETED));
    write(rows.withColumn(DELETED, nullable(false)).unionByName(keys.select(deletes.toArray(Column[]::new))),
        "upsert", context);
  }

  /** A boolean that may be null as far as Hudi's schema goes: a new column of an existing table must be. */
  private static Column nullable(boolean value) {
    return when(lit(true), lit(value));
  }

  /** A value of a column that cannot be null, for a row whose values are not stored: zero, empty or false. */
  private static Optional<Column> placeholder(DataType type) {
    if (type instanceof ArrayType) {
      return Optional.of(array().cast(type));
    } else if (type instanceof MapType) {
      return Optional.of(map().cast(type));
    } else if (type instanceof StructType struct) {
      List<Column> fields = new ArrayList<>();
      for (StructField field : struct.fields()) {
        Optional<Column> value = field.nullable() ? Optional.of(lit(null)) : placeholder(field.dataType());
        if (value.isEmpty()) {
          return Optional.empty();
        }
        fields.add(value.get().cast(field.dataType()).as(field.name()));
      }
      return Optional.of(struct(fields.toArray(Column[]::new)).cast(type));
    } else if (type instanceof BinaryType) {
      return Optional.of(lit(new byte[0]));
    } else if (type instanceof NumericType) {
      return Optional.of(lit(0).cast(type));
    } else if (type instanceof StringType) {
      return Optional.of(lit(""));
    } else if (type instanceof BooleanType) {
      return Optional.of(lit(false));
    } else if (type instanceof DateType || type instanceof TimestampType || type instanceof TimestampNTZType) {
      return Optional.of(lit("1970-01-01").cast(type));
    }
    return Optional.empty();
  }

  /** The greatest value of a type that orders Hudi's records, if it has one. */
  private static Optional<Column> greatest(DataType type) {
    if (type instanceof TimestampType || type instanceof TimestampNTZType) {
      return Optional.of(lit("9999-12-31 23:59:59.999999").cast(type));
    } else if (type instanceof DateType) {
      return Optional.of(lit("9999-12-31").cast(type));
    } else if (type instanceof ByteType) {
      return Optional.of(lit(Byte.MAX_VALUE).cast(type));
    } else if (type instanceof ShortType) {
      return Optional.of(lit(Short.MAX_VALUE).cast(type));
    } else if (type instanceof IntegerType) {
      return Optional.of(lit(Integer.MAX_VALUE));
    } else if (type instanceof LongType) {
      return Optional.of(lit(Long.MAX_VALUE));
    } else if (type instanceof DecimalType decimal) {
      String whole = decimal.precision() > decimal.scale() ? "9".repeat(decimal.precision() - decimal.scale()) : "0";
      String fraction = decimal.scale() > 0 ? "." + "9".repeat(decimal.scale()) : "";
      return Optional.of(lit(new BigDecimal(whole + fraction)).cast(type));
    }
    return Optional.empty();
  }

  private void write(Dataset<Row> rows, String operation, CommitContext context) {
    table.clearInterruptedCreation();
    if (!layout.keys().isEmpty() && !operation.equals("delete") && !List.of(rows.columns()).contains(DELETED)) {
      rows = rows.withColumn(DELETED, nullable(false));
    }
    Map<String, String> options = options(operation, context);
    // Rows that come as one partition (a small micro-batch) go through Hudi's shuffles in one task each, not in the
    // session's shuffle partitions; the spec's settings win.
    if (rows.queryExecution().executedPlan().outputPartitioning().numPartitions() == 1) {
      ONE_TASK_SHUFFLES.forEach(key -> options.putIfAbsent(key, "1"));
    }
    // Append keeps the table and its history; the operation decides what is replaced.
    rows.write().format("hudi").options(options).mode(SaveMode.Append).save(address.requirePath());
    background.ifPresent(HudiBackgroundCompaction::afterWrite);
  }

  private Map<String, String> options(String operation, CommitContext context) {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("hoodie.table.name", address.table().replace('.', '_'));
    options.put("hoodie.datasource.write.operation", operation);
    String tableType = tableType();
    options.put(TABLE_TYPE, tableType);
    if (tableType.equals(HoodieTableType.MERGE_ON_READ.name())) {
      options.put(INLINE_COMPACTION, Boolean.toString(background.isEmpty()));
      options.put("hoodie.compact.schedule.inline", Boolean.toString(background.isPresent()));
      options.put(COMPACTION_DELTA_COMMITS_OPTION, Integer.toString(COMPACTION_DELTA_COMMITS));
    }
    // Pre-images are what incremental runs of aggregates subtract; they exist only if the table starts with CDC.
    options.put("hoodie.table.cdc.enabled", "true");
    options.put("hoodie.table.cdc.supplemental.logging.mode", "DATA_BEFORE_AFTER");
    if (!layout.keys().isEmpty()) {
      options.put("hoodie.datasource.write.recordkey.field", String.join(",", layout.keys()));
      // With an ordering field Hudi merges by event time: an older incoming row never replaces a newer one.
      layout.orderBy().ifPresent(orderBy -> options.put("hoodie.datasource.write.precombine.field", orderBy));
      // Read by the global index only.
      options.put(RECONCILE_PARALLELISM.key(), Integer.toString(reconcileParallelism()));
    }
    if (layout.isPartitioned()) {
      options.put("hoodie.datasource.write.partitionpath.field", String.join(",", layout.partitionBy()));
      options.put("hoodie.datasource.write.hive_style_partitioning", "true");
    }
    options.put("hoodie.datasource.write.commitmeta.key.prefix", CommitContext.PREFIX);
    OptionalInt buckets = buckets();
    options.putAll(indexSettings(layout.keys(), layout.partitionBy(), buckets));
    buckets.ifPresent(n -> options.put(BUCKETS, Integer.toString(n)));
    // A commit lists its markers, then deletes them, one folder per partition written, in Spark jobs of a task per
    // folder up to Hudi's defaults (200, 100): more tasks than cores only queue, and were paid per partition.
    options.put(HoodieWriteConfig.FINALIZE_WRITE_PARALLELISM_VALUE.key(),
        Integer.toString(parallelismUpTo(HoodieWriteConfig.FINALIZE_WRITE_PARALLELISM_VALUE.defaultValue())));
    options.put(HoodieWriteConfig.MARKERS_DELETE_PARALLELISM_VALUE.key(),
        Integer.toString(parallelismUpTo(HoodieWriteConfig.MARKERS_DELETE_PARALLELISM_VALUE.defaultValue())));
    options.putAll(CLIENT_SETTINGS);
    options.putAll(context.properties());
    options.putAll(address.options());
    return options;
  }

  /**
   * The global index reconciles the incoming keys with the stored ones in three shuffles of a fixed parallelism
   * at every write, whatever its size; more tasks than cores only queue.
   */
  private int reconcileParallelism() {
    return parallelismUpTo(RECONCILE_PARALLELISM.defaultValue());
  }

  /** Hudi's default parallelism of a step, but no more tasks than Spark's cores. */
  private int parallelismUpTo(String hudiDefault) {
    return Math.min(Integer.parseInt(hudiDefault), spark.sparkContext().defaultParallelism());
  }

  /** The table's own buckets once it exists; before, the layout's. */
  private OptionalInt buckets() {
    return table.tableType().isPresent() ? table.buckets() : layout.buckets();
  }

  /** The table's own type once it exists; before, the spec's option or else the layout's storage. */
  private String tableType() {
    return table.tableType().map(HoodieTableType::name).orElseGet(() -> address.options().getOrDefault(TABLE_TYPE,
        (layout.storage() == Storage.MERGE_ON_READ ? HoodieTableType.MERGE_ON_READ
            : HoodieTableType.COPY_ON_WRITE).name()));
  }
}
