package dev.lakepipe.format.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.format.TableWriter;
import dev.lakepipe.spec.AsOf;
import dev.lakepipe.spec.Storage;
import dev.lakepipe.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaConcurrentModificationException;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A key replacement commits in the transaction that listed the files it marked: a commit into the partitions it read,
 * made after it started, fails it and it commits nothing; a commit into other partitions does not. An upsert into a
 * table with deletion vectors is a replacement too, of the keys whose stored row is not newer. Both, and snapshot
 * reads, list a version's files from its checksum when it holds them.
 */
class DeltaKeyReplacementTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.LongType, false)
      .add("status", DataTypes.StringType)
      .add("day", DataTypes.DateType, false);
  private static final TableLayout LAYOUT =
      new TableLayout(List.of("id", "day"), Optional.empty(), List.of("day"), Storage.MERGE_ON_READ);

  @Test
  void aConcurrentCommitIntoThePartitionsReadFailsTheReplacementAndOneElsewhereDoesNot() {
    SparkSession spark = TestSpark.session();
    Path folder = TestSpark.newFolder("delta-key-replacement-");
    String path = folder.resolve("orders").toString();
    TableWriter writer = TableFormats.get("delta").writer(spark,
        new TableAddress("orders", "replace.orders", Optional.of(path), Optional.empty(), Map.of()), LAYOUT);
    writer.upsert(rows("1|created|1", "2|created|1", "3|created|2"), context(1));

    DeltaKeyReplacement losing = new DeltaKeyReplacement(spark, DeltaLog.forTable(spark, path).startTransaction(),
        LAYOUT);
    writer.append(rows("4|created|1"), context(2));
    assertThrows(DeltaConcurrentModificationException.class,
        () -> losing.commit(rows("1|paid|1"), rows("2|-|1").select("id", "day"), Map.of()));
    assertEquals(List.of("1|created|1", "2|created|1", "3|created|2", "4|created|1"), stored(spark, path));

    DeltaKeyReplacement winning = new DeltaKeyReplacement(spark, DeltaLog.forTable(spark, path).startTransaction(),
        LAYOUT);
    writer.append(rows("5|created|3"), context(3));
    winning.commit(rows("1|paid|1"), rows("2|-|1").select("id", "day"), Map.of());
    assertEquals(List.of("1|paid|1", "3|created|2", "4|created|1", "5|created|3"), stored(spark, path));
  }

  @Test
  void aTableWithoutDeletionVectorsOrWithColumnsTheRowsLackIsLeftToMerge() {
    SparkSession spark = TestSpark.session();
    Path folder = TestSpark.newFolder("delta-key-replacement-");
    String copyOnWrite = folder.resolve("copy").toString();
    TableFormats.get("delta").writer(spark, new TableAddress("copy", "replace.copy", Optional.of(copyOnWrite),
            Optional.empty(), Map.of()), LAYOUT.withStorage(Storage.COPY_ON_WRITE))
        .upsert(rows("1|created|1"), context(1));
    assertFalse(new DeltaKeyReplacement(spark, DeltaLog.forTable(spark, copyOnWrite).startTransaction(), LAYOUT)
        .applies(SCHEMA));

    String mergeOnRead = folder.resolve("mor").toString();
    TableFormats.get("delta").writer(spark, new TableAddress("mor", "replace.mor", Optional.of(mergeOnRead),
            Optional.empty(), Map.of()), LAYOUT)
        .upsert(rows("1|created|1"), context(1));
    DeltaKeyReplacement replacement =
        new DeltaKeyReplacement(spark, DeltaLog.forTable(spark, mergeOnRead).startTransaction(), LAYOUT);
    assertTrue(replacement.applies(SCHEMA));
    assertFalse(replacement.applies(new StructType().add("id", DataTypes.LongType).add("day", DataTypes.DateType)));
  }

  /** @param listed whether each commit's checksum lists the table's files, or they are read from its state */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void anUpsertReplacesTheStoredRowsThatAreNotNewerInOneCommitWithoutChangeDataFiles(boolean listed)
      throws Throwable {
    withFilesListed(listed, () -> upsertsReplacingStoredRows(TestSpark.session(), listed));
  }

  /**
   * A snapshot is planned from the files that the latest version's checksum lists, deletion vectors applied and
   * files pruned by partition, or by Delta from the table's state when the checksum lists none; a read as of a version
   * alike, from that version's checksum.
   *
   * @param listed whether each commit's checksum lists the table's files
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aSnapshotIsPlannedFromTheFilesTheChecksumListsWithTheirDeletionVectors(boolean listed) throws Throwable {
    withFilesListed(listed, () -> {
      SparkSession spark = TestSpark.session();
      String path = TestSpark.newFolder("delta-reader-").resolve("orders").toString();
      TableAddress address = new TableAddress("orders", "read.orders", Optional.of(path), Optional.empty(), Map.of());
      TableWriter writer = TableFormats.get("delta").writer(spark, address, LAYOUT);
      writer.upsert(rows("1|created|1", "2|created|1", "3|created|2", "4|created|3"), context(1));
      writer.upsert(rows("1|paid|1", "3|paid|2"), context(2));
      writer.delete(rows("2|-|1").select("id", "day"), context(3));

      TableReader reader = TableFormats.get("delta").reader(spark, address);
      Dataset<Row> snapshot = reader.snapshot();
      String plan = snapshot.queryExecution().executedPlan().toString();
      assertEquals(listed, plan.contains("TahoeBatchFileIndex"), plan);
      // The stored rows that the upsert and the delete marked in deletion vectors are left out.
      assertEquals(List.of("1|paid|1", "3|paid|2", "4|created|3"), strings(snapshot));
      assertEquals(List.of("1|paid|1"), strings(snapshot.where("day = DATE'2026-01-01'")));

      // A version before the delete, from that version's checksum.
      Dataset<Row> beforeDelete = reader.asOf(AsOf.version("1"));
      String versionPlan = beforeDelete.queryExecution().executedPlan().toString();
      assertEquals(listed, versionPlan.contains("TahoeBatchFileIndex"), versionPlan);
      assertEquals(List.of("1|paid|1", "2|created|1", "3|paid|2", "4|created|3"), strings(beforeDelete));
    });
  }

  /**
   * A read planned from the checksum belongs to the reader's session, whatever session is active on the thread: an
   * incremental run refreshes targets side by side, each in a clone of the run's session whose temporary views its
   * steps read (Delta builds such a dataset in the active session).
   */
  @Test
  void aReadPlannedFromTheChecksumBelongsToTheReadersSession() {
    SparkSession spark = TestSpark.session();
    String path = TestSpark.newFolder("delta-reader-").resolve("sessions").toString();
    TableAddress address = new TableAddress("sessions", "read.sessions", Optional.of(path), Optional.empty(), Map.of());
    TableWriter writer = TableFormats.get("delta").writer(spark, address, LAYOUT);
    writer.upsert(rows("1|created|1", "2|created|1"), context(1));
    writer.upsert(rows("1|paid|1", "3|paid|2"), context(2));

    SparkSession clone = spark.cloneSession();
    SparkSession.setActiveSession(spark);
    TableReader reader = TableFormats.get("delta").reader(clone, address);
    Dataset<Row> latest = reader.snapshot();
    Dataset<Row> first = reader.asOf(AsOf.version("0"));
    assertTrue(latest.queryExecution().executedPlan().toString().contains("TahoeBatchFileIndex"));
    assertTrue(first.queryExecution().executedPlan().toString().contains("TahoeBatchFileIndex"));
    assertTrue(latest.sparkSession() == clone && first.sparkSession() == clone, "the reader's session");

    // The views are the clone's: a view of the same name in the active session is not what the clone's SQL reads.
    spark.sql("SELECT 9 AS id, 'other' AS status").createOrReplaceTempView("orders");
    try {
      latest.createOrReplaceTempView("orders");
      first.createOrReplaceTempView("orders_then");
      assertEquals(List.of("1|paid|1", "2|created|1", "3|paid|2"), strings(clone.sql("SELECT * FROM orders")));
      assertEquals(List.of("1|created|1", "2|created|1"), strings(clone.sql("SELECT * FROM orders_then")));
    } finally {
      // The test session is shared by the JVM's suites.
      spark.catalog().dropTempView("orders");
      spark.catalog().dropTempView("orders_then");
    }
  }

  /**
   * A target's options named {@code delta.*} are the properties of the table its first write creates, not read
   * options: its reads stay planned from the checksum. Any other option is a read option, which Delta's path takes.
   */
  @Test
  void optionsThatAreTablePropertiesLeaveTheReadPlannedFromTheChecksum() {
    SparkSession spark = TestSpark.session();
    String path = TestSpark.newFolder("delta-reader-").resolve("properties").toString();
    Map<String, String> properties = Map.of("delta.checkpointInterval", "100");
    TableAddress address = new TableAddress("properties", "read.properties", Optional.of(path), Optional.empty(),
        properties);
    TableFormats.get("delta").writer(spark, address, LAYOUT).upsert(rows("1|created|1", "2|paid|2"), context(1));
    assertEquals("100", DeltaLog.forTable(spark, path).update(false, scala.Option.empty(), scala.Option.empty())
        .metadata().configuration().get("delta.checkpointInterval").get());

    Dataset<Row> planned = TableFormats.get("delta").reader(spark, address).snapshot();
    String plan = planned.queryExecution().executedPlan().toString();
    assertTrue(plan.contains("TahoeBatchFileIndex"), plan);
    assertEquals(List.of("1|created|1", "2|paid|2"), strings(planned));

    Dataset<Row> withReadOption = TableFormats.get("delta").reader(spark, new TableAddress("properties",
        "read.properties", Optional.of(path), Optional.empty(), Map.of("delta.checkpointInterval", "100",
        "mergeSchema", "false"))).snapshot();
    String deltaPlan = withReadOption.queryExecution().executedPlan().toString();
    assertFalse(deltaPlan.contains("TahoeBatchFileIndex"), deltaPlan);
    assertEquals(List.of("1|created|1", "2|paid|2"), strings(withReadOption));
  }

  /** A table that maps its columns by name reads a renamed column from the files written before the rename. */
  @Test
  void aSnapshotPlannedFromTheChecksumReadsColumnsMappedByName() {
    SparkSession spark = TestSpark.session();
    String path = TestSpark.newFolder("delta-reader-").resolve("mapped").toString();
    String table = "delta.`" + path + "`";
    spark.sql("CREATE TABLE " + table + " (id BIGINT, status STRING) USING delta TBLPROPERTIES ("
        + "'delta.columnMapping.mode' = 'name', 'delta.minReaderVersion' = '2', 'delta.minWriterVersion' = '5')");
    spark.sql("INSERT INTO " + table + " VALUES (1, 'created'), (2, 'paid')");
    spark.sql("ALTER TABLE " + table + " RENAME COLUMN status TO state");
    spark.sql("INSERT INTO " + table + " VALUES (3, 'shipped')");

    Dataset<Row> snapshot = TableFormats.get("delta").reader(spark,
        new TableAddress("mapped", "read.mapped", Optional.of(path), Optional.empty(), Map.of())).snapshot();
    String plan = snapshot.queryExecution().executedPlan().toString();
    assertTrue(plan.contains("TahoeBatchFileIndex"), plan);
    assertEquals(List.of("1|created", "2|paid", "3|shipped"), snapshot.orderBy("id")
        .selectExpr("concat_ws('|', id, state)").as(Encoders.STRING()).collectAsList());
  }

  /** Runs with each commit's checksum listing the table's files, as lakepipe's sessions have it, or not. */
  private static void withFilesListed(boolean listed, Executable body) throws Throwable {
    SparkSession spark = TestSpark.session();
    String listedFiles = "spark.databricks.delta.allFilesInCrc.thresholdNumFiles";
    String threshold = spark.conf().get(listedFiles);
    spark.conf().set(listedFiles, listed ? threshold : "0");
    try {
      body.execute();
    } finally {
      spark.conf().set(listedFiles, threshold);
    }
  }

  private static void upsertsReplacingStoredRows(SparkSession spark, boolean listed) throws IOException {
    String path = TestSpark.newFolder("delta-key-replacement-").resolve("versions").toString();
    // The key does not name the partition: every file is a candidate, and a row can move between partitions.
    TableWriter writer = TableFormats.get("delta").writer(spark,
        new TableAddress("versions", "replace.versions", Optional.of(path), Optional.empty(), Map.of()),
        new TableLayout(List.of("id"), Optional.of("version"), List.of("day"), Storage.MERGE_ON_READ));
    writer.upsert(versioned("1|created|1|5", "2|created|1|5", "3|created|2|5", "4|created|2|-", "5|created|1|5"),
        context(1));
    String checksum = Files.readString(Path.of(path, "_delta_log", String.format("%020d.crc", 0)));
    assertEquals(listed, checksum.contains("\"allFiles\":["), checksum);

    // Newer (1), older (2), a tie that moves partition (3), a stored null (4), an incoming null (5), a new key (6).
    writer.upsert(versioned("1|paid|1|6", "2|late|1|4", "3|moved|1|5", "4|paid|2|7", "5|nulled|1|-",
        "6|created|2|1"), context(2));

    assertEquals(List.of("1|paid|1|6", "2|created|1|5", "3|moved|1|5", "4|created|2|null", "5|created|1|5",
        "6|created|2|1"), spark.read().format("delta").load(path).orderBy("id")
        .selectExpr("concat_ws('|', id, status, day(day), coalesce(cast(version AS STRING), 'null'))")
        .as(Encoders.STRING()).collectAsList());
    // Not a MERGE, which writes the updates' images to change data files: deletion vectors and new files only.
    String upsert = Files.readString(Path.of(path, "_delta_log", String.format("%020d.json", 1)));
    assertTrue(upsert.contains("\"deletionVector\":{"), upsert);
    assertFalse(upsert.contains("\"cdc\":"), upsert);
    // A file given a deletion vector keeps its statistics, as bounds that are no longer tight.
    List<JsonNode> marked = actions(upsert, "add").stream().filter(add -> add.has("deletionVector")).toList();
    assertEquals(2, marked.size(), upsert);
    for (JsonNode add : marked) {
      JsonNode stats = JSON.readTree(add.get("stats").asText());
      assertEquals(2, stats.get("numRecords").asLong(), upsert);
      assertTrue(stats.get("minValues").has("id") && stats.get("maxValues").has("version"), upsert);
      assertFalse(stats.get("tightBounds").asBoolean(), upsert);
    }
  }

  @Test
  void theFewRowsOfAnUpsertAreWrittenInOneFile() throws IOException {
    SparkSession spark = TestSpark.session();
    String path = TestSpark.newFolder("delta-key-replacement-").resolve("few").toString();
    TableWriter writer = TableFormats.get("delta").writer(spark,
        new TableAddress("few", "replace.few", Optional.of(path), Optional.empty(), Map.of()),
        new TableLayout(List.of("id"), Optional.empty(), List.of(), Storage.MERGE_ON_READ));
    writer.upsert(rows("1|created|1", "2|created|1", "3|created|2").repartition(3), context(1));
    writer.upsert(rows("2|paid|1", "4|created|2", "5|created|2").repartition(3), context(2));

    assertEquals(List.of("1|created|1", "2|paid|1", "3|created|2", "4|created|2", "5|created|2"), stored(spark, path));
    String upsert = Files.readString(Path.of(path, "_delta_log", String.format("%020d.json", 1)));
    assertEquals(1, actions(upsert, "add").stream().filter(add -> !add.has("deletionVector")).count(), upsert);
  }

  /** The actions of one kind in a commit of the log. */
  private static List<JsonNode> actions(String commit, String kind) throws IOException {
    List<JsonNode> actions = new ArrayList<>();
    for (String line : commit.split("\n")) {
      JsonNode action = JSON.readTree(line);
      if (action.has(kind)) {
        actions.add(action.get(kind));
      }
    }
    return actions;
  }

  /** Rows from {@code "1|created|2|5"}: id, status, day of January 2026, version ({@code -} for null). */
  private static Dataset<Row> versioned(String... rows) {
    StructType schema = SCHEMA.add("version", DataTypes.IntegerType);
    return TestSpark.session().createDataFrame(Arrays.stream(rows).map(row -> row.split("\\|"))
        .map(fields -> RowFactory.create(Long.parseLong(fields[0]), fields[1], Date.valueOf("2026-01-0" + fields[2]),
            fields[3].equals("-") ? null : Integer.valueOf(fields[3])))
        .toList(), schema);
  }

  /** Rows from {@code "1|created|2"}: id, status, day of January 2026. */
  private static Dataset<Row> rows(String... rows) {
    return TestSpark.session().createDataFrame(Arrays.stream(rows).map(row -> row.split("\\|"))
        .map(fields -> RowFactory.create(Long.parseLong(fields[0]), fields[1],
            Date.valueOf("2026-01-0" + fields[2])))
        .toList(), SCHEMA);
  }

  private static List<String> stored(SparkSession spark, String path) {
    return strings(spark.read().format("delta").load(path));
  }

  private static List<String> strings(Dataset<Row> rows) {
    return rows.orderBy("id").selectExpr("concat_ws('|', id, status, day(day))").as(Encoders.STRING())
        .collectAsList();
  }

  private static CommitContext context(int run) {
    return new CommitContext("replace-test", "run-" + run, Instant.parse("2026-01-01T00:00:00Z").plusSeconds(run));
  }
}
