package dev.lakepipe.format.hudi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableMaintainer;
import dev.lakepipe.format.TableWriter;
import dev.lakepipe.spec.Storage;
import dev.lakepipe.testing.HudiFileGroups;
import dev.lakepipe.testing.TestSpark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The index of a keyed Hudi table follows its keys: keys that name every partition column are looked up in the
 * partition their rows name (bloom index, no metadata table), as are the keys of an unpartitioned table; other keys
 * keep the global record-level index in the metadata table, which finds a key in any partition and moves its row
 * when an upsert changes its partition. A table written with the record-level index takes the bloom index at its
 * next write, its rows intact and its metadata table gone. A table without keys keeps no metadata table. Only
 * bloom-indexed tables keep bloom filters in their base files, sized for their rows. A table with buckets hashes each
 * key into one of its partition's buckets, one file group each, and keeps them through later writes and compaction.
 */
class HudiIndexTest {
  /** Where Hudi keeps a base file's bloom filter in its Parquet footer. */
  private static final String BLOOM_FILTER_KEY = "org.apache.hudi.bloomfilter";
  private static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.LongType, false)
      .add("day", DataTypes.StringType, false)
      .add("status", DataTypes.StringType)
      .add("version", DataTypes.IntegerType);

  @Test
  void keysThatNameThePartitionAreLookedUpInItWithoutARecordLevelIndex() {
    Path table = TestSpark.newFolder("hudi-bloom-").resolve("orders");
    TableWriter writer = writer(table, List.of("id", "day"));
    writer.upsert(rows(RowFactory.create(1L, "d1", "created", 1), RowFactory.create(2L, "d1", "created", 1),
        RowFactory.create(3L, "d2", "created", 1)), context(1));
    // An update, an older version that loses to the stored one, a new key, and a delete, in one increment each.
    writer.upsert(rows(RowFactory.create(1L, "d1", "paid", 2), RowFactory.create(3L, "d2", "stale", 0),
        RowFactory.create(4L, "d2", "created", 1)), context(2));
    writer.delete(rows(RowFactory.create(2L, "d1", null, null)), context(3));

    assertEquals(List.of("1|d1|paid|2", "3|d2|created|1", "4|d2|created|1"), stored(table));
    assertFalse(Files.exists(table.resolve(".hoodie/metadata")), "no metadata table is kept");
    // Sized for 1,000 keys: Hudi's default of 60,000 keys takes 430 KB of every footer.
    List<Integer> filters = bloomFilterSizes(table);
    assertTrue(!filters.isEmpty() && filters.stream().allMatch(size -> size > 0 && size < 20_000), filters.toString());
  }

  @Test
  void keysOfAnUnpartitionedTableAreLookedUpInItsOnePartitionWithoutARecordLevelIndex() {
    Path table = TestSpark.newFolder("hudi-unpartitioned-").resolve("orders");
    TableWriter writer = writer(table, List.of("id"), List.of());
    writer.upsert(rows(RowFactory.create(1L, "d1", "created", 1), RowFactory.create(2L, "d1", "created", 1)),
        context(1));
    writer.upsert(rows(RowFactory.create(1L, "d2", "paid", 2), RowFactory.create(2L, "d1", "stale", 0),
        RowFactory.create(3L, "d2", "created", 1)), context(2));
    writer.delete(rows(RowFactory.create(2L, "d1", null, null)), context(3));

    assertEquals(List.of("1|d2|paid|2", "3|d2|created|1"), stored(table));
    assertFalse(Files.exists(table.resolve(".hoodie/metadata")), "no metadata table is kept");
  }

  @Test
  void otherKeysKeepTheGlobalRecordLevelIndexAndMoveBetweenPartitions() {
    Path table = TestSpark.newFolder("hudi-global-").resolve("orders");
    TableWriter writer = writer(table, List.of("id"));
    writer.upsert(rows(RowFactory.create(1L, "d1", "created", 1), RowFactory.create(2L, "d1", "created", 1)),
        context(1));
    writer.upsert(rows(RowFactory.create(1L, "d2", "paid", 2)), context(2));
    writer.delete(rows(RowFactory.create(2L, "d9", null, null)), context(3));

    assertEquals(List.of("1|d2|paid|2"), stored(table));
    assertTrue(Files.isDirectory(table.resolve(".hoodie/metadata/record_index")), "the record-level index is kept");
    List<Integer> filters = bloomFilterSizes(table);
    assertTrue(!filters.isEmpty() && filters.stream().allMatch(size -> size == 0), "no bloom filters: " + filters);
  }

  @Test
  void aTableWrittenWithTheRecordLevelIndexTakesTheBloomIndexAtItsNextWrite() {
    Path table = TestSpark.newFolder("hudi-switch-").resolve("orders");
    // Written as lakepipe wrote every keyed table before its index followed the keys.
    rows(RowFactory.create(1L, "d1", "created", 1), RowFactory.create(2L, "d1", "created", 1)).write()
        .format("hudi").options(Map.of(
            "hoodie.table.name", "idx_orders",
            "hoodie.datasource.write.table.type", "MERGE_ON_READ",
            "hoodie.datasource.write.recordkey.field", "id,day",
            "hoodie.datasource.write.precombine.field", "version",
            "hoodie.datasource.write.partitionpath.field", "day",
            "hoodie.datasource.write.hive_style_partitioning", "true",
            "hoodie.table.cdc.enabled", "true",
            "hoodie.table.cdc.supplemental.logging.mode", "DATA_BEFORE_AFTER",
            "hoodie.index.type", "GLOBAL_RECORD_LEVEL_INDEX",
            "hoodie.metadata.global.record.level.index.enable", "true"))
        .mode(org.apache.spark.sql.SaveMode.Append).save(table.toString());
    assertTrue(Files.isDirectory(table.resolve(".hoodie/metadata/record_index")));

    TableWriter writer = writer(table, List.of("id", "day"));
    writer.upsert(rows(RowFactory.create(1L, "d1", "paid", 2), RowFactory.create(3L, "d2", "created", 1)),
        context(1));
    writer.delete(rows(RowFactory.create(2L, "d1", null, null)), context(2));

    assertEquals(List.of("1|d1|paid|2", "3|d2|created|1"), stored(table));
    assertFalse(Files.exists(table.resolve(".hoodie/metadata")), "the metadata table is gone");
  }

  @ParameterizedTest
  @EnumSource(Storage.class)
  void bucketsHashEachKeyIntoOneOfItsPartitionsFileGroups(Storage storage) {
    Path table = TestSpark.newFolder("hudi-buckets-").resolve("orders");
    TableLayout layout = new TableLayout(List.of("id", "day"), Optional.of("version"), List.of("day"), storage)
        .withBuckets(2);
    TableWriter writer = TableFormats.get("hudi").writer(TestSpark.session(), address(table), layout);
    writer.upsert(rows(RowFactory.create(1L, "d1", "created", 1), RowFactory.create(2L, "d1", "created", 1),
        RowFactory.create(3L, "d2", "created", 1), RowFactory.create(5L, "d1", "created", 1)), context(1));
    writer.upsert(rows(RowFactory.create(1L, "d1", "paid", 2), RowFactory.create(3L, "d2", "stale", 0),
        RowFactory.create(4L, "d2", "created", 1)), context(2));
    writer.delete(rows(RowFactory.create(2L, "d1", null, null)), context(3));
    writer.upsertAndDelete(rows(RowFactory.create(5L, "d1", "paid", 2)), rows(RowFactory.create(4L, "d2", null,
        null)), context(4));
    // A writer whose layout names no buckets keeps the table's own.
    TableWriter unbucketed = writer(table, List.of("id", "day"));
    unbucketed.upsert(rows(RowFactory.create(1L, "d1", "shipped", 3), RowFactory.create(6L, "d2", "created", 1)),
        context(5));

    List<String> expected = List.of("1|d1|shipped|3", "3|d2|created|1", "5|d1|paid|2", "6|d2|created|1");
    assertEquals(expected, stored(table));
    assertBucketFileGroups(table, 2);
    assertFalse(Files.exists(table.resolve(".hoodie/metadata")), "no metadata table is kept");

    // Compaction merges the log files into each bucket's base file; no clustering moves rows between file groups.
    TableFormats.get("hudi").maintainer(TestSpark.session(), address(table)).compact(OptionalLong.empty(), List.of());
    assertEquals(expected, stored(table));
    assertEquals(expected, stored(TestSpark.session().read().format("hudi")
        .option("hoodie.datasource.query.type", "read_optimized").load(table.toString())), "all in base files");
    assertBucketFileGroups(table, 2);

    // Full runs: a partition replaced, then the whole table; the keys written after them land in their buckets.
    writer.overwritePartitions(rows(RowFactory.create(7L, "d1", "created", 1)), context(6));
    assertEquals(List.of("3|d2|created|1", "6|d2|created|1", "7|d1|created|1"), stored(table));
    writer.overwrite(rows(RowFactory.create(8L, "d1", "created", 1), RowFactory.create(9L, "d2", "created", 1)),
        context(7));
    writer.upsert(rows(RowFactory.create(8L, "d1", "paid", 2), RowFactory.create(10L, "d2", "created", 1)),
        context(8));
    assertEquals(List.of("10|d2|created|1", "8|d1|paid|2", "9|d2|created|1"), stored(table));
    assertBucketFileGroups(table, 2);
  }

  @Test
  void aTableWithoutKeysKeepsNoMetadataTable() {
    Path table = TestSpark.newFolder("hudi-keyless-").resolve("orders");
    TableWriter writer = writer(table, List.of());
    writer.append(rows(RowFactory.create(1L, "d1", "created", 1)), context(1));
    writer.append(rows(RowFactory.create(1L, "d1", "paid", 2)), context(2));

    assertEquals(List.of("1|d1|created|1", "1|d1|paid|2"), stored(table));
    assertFalse(Files.exists(table.resolve(".hoodie/metadata")), "no metadata table is kept");
    List<Integer> filters = bloomFilterSizes(table);
    assertTrue(!filters.isEmpty() && filters.stream().allMatch(size -> size == 0), "no bloom filters: " + filters);
  }

  private static TableWriter writer(Path table, List<String> keys) {
    return writer(table, keys, List.of("day"));
  }

  private static TableWriter writer(Path table, List<String> keys, List<String> partitionBy) {
    return TableFormats.get("hudi").writer(TestSpark.session(), address(table),
        new TableLayout(keys, Optional.of("version"), partitionBy, Storage.MERGE_ON_READ));
  }

  private static TableAddress address(Path table) {
    return new TableAddress("orders", "idx.orders", Optional.of(table.toString()), Optional.empty(), Map.of());
  }

  /**
   * Every data file (base and log files) of every partition belongs to a file group named by its bucket, below the
   * number of buckets, and the table has data files.
   */
  private static void assertBucketFileGroups(Path table, int buckets) {
    Map<String, List<String>> groups = HudiFileGroups.byPartition(table);
    assertEquals(Set.of("day=d1", "day=d2"), groups.keySet());
    HudiFileGroups.assertInBuckets(groups, buckets);
  }

  private static Dataset<Row> rows(Row... rows) {
    return TestSpark.session().createDataFrame(List.of(rows), SCHEMA);
  }

  private static CommitContext context(int n) {
    return new CommitContext("writer", "write-" + n, Instant.parse("2026-11-22T00:00:00Z").plusSeconds(n));
  }

  /** The size of the bloom filter in the footer of each of the table's base files, 0 where there is none. */
  private static List<Integer> bloomFilterSizes(Path table) {
    Configuration conf = TestSpark.session().sparkContext().hadoopConfiguration();
    try (Stream<Path> files = Files.walk(table)) {
      List<Path> baseFiles = files.filter(file -> !table.relativize(file).startsWith(".hoodie")
          && file.getFileName().toString().endsWith(".parquet")).toList();
      List<Integer> sizes = new ArrayList<>();
      for (Path file : baseFiles) {
        try (ParquetFileReader footer = ParquetFileReader.open(
            HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), conf))) {
          String filter = footer.getFooter().getFileMetaData().getKeyValueMetaData().get(BLOOM_FILTER_KEY);
          sizes.add(filter == null ? 0 : filter.length());
        }
      }
      return sizes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> stored(Path table) {
    return stored(TestSpark.session().read().format("hudi").load(table.toString()));
  }

  private static List<String> stored(Dataset<Row> rows) {
    return rows.selectExpr("concat_ws('|', id, day, status, version)").collectAsList().stream()
        .map(row -> row.getString(0)).sorted().toList();
  }
}
