package dev.lakepipe.format;

import static dev.lakepipe.format.ChangeSet.CHANGE_TYPE;
import static dev.lakepipe.format.ChangeSet.COMMIT_SEQ;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.spec.Storage;
import dev.lakepipe.testing.TestSpark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Change reads on real Hudi, Delta and Iceberg tables written by lakepipe's own writers: every write mode, the
 * exact change rows (the same for all three formats once keys are given), and histories that are gone.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChangeReadTest {
  private static final StructType SCHEMA = new StructType()
      .add("order_id", DataTypes.LongType, false)
      .add("status", DataTypes.StringType)
      .add("amount", DataTypes.createDecimalType(12, 2))
      .add("updated_at", DataTypes.TimestampType)
      .add("order_date", DataTypes.DateType);
  private static final List<String> KEYS = List.of("order_id");
  private static final TableLayout LAYOUT = new TableLayout(KEYS, Optional.of("updated_at"), List.of("order_date"));
  private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

  /** The table of each format that the ordered tests keep writing to. */
  private static final Map<String, Table> TABLES = new ConcurrentHashMap<>();
  /** The first commit of each format's table. */
  private static final Map<String, Commit> CREATED = new ConcurrentHashMap<>();
  /** The change rows each format reported, per step, for the cross-format comparison. */
  private static final Map<String, List<List<String>>> REPORTED = new ConcurrentHashMap<>();

  /** One table of one format, with a new run id for every write. */
  private static final class Table {
    final TableAddress address;
    final TableReader reader;
    final TableWriter writer;
    private int runs;

    Table(String format) {
      this(format, LAYOUT);
    }

    Table(String format, TableLayout layout) {
      TableFormat tableFormat = TableFormats.get(format);
      address = Orders.newTable(tableFormat);
      reader = tableFormat.reader(TestSpark.session(), address);
      writer = tableFormat.writer(TestSpark.session(), address, layout);
    }

    /** The table as SQL names it. */
    String sqlName() {
      return address.path().map(path -> "delta.`" + path + "`").orElseGet(address::requireIdentifier);
    }

    Commit write(Function<CommitContext, Commit> write) {
      runs++;
      return write.apply(new CommitContext("changes-test", "run-" + runs, EPOCH.plusSeconds(runs * 3600L)));
    }
  }

  /** Rows from {@code "1|created|10.50|3|2"}: id, status, amount, hour of updated_at, day of January of order_date. */
  private static Dataset<Row> rows(String... rows) {
    List<Row> parsed = Arrays.stream(rows).map(row -> row.split("\\|")).map(fields -> RowFactory.create(
            Long.parseLong(fields[0]), fields[1], new BigDecimal(fields[2]),
            Timestamp.from(EPOCH.plus(Duration.ofHours(Integer.parseInt(fields[3])))),
            Date.valueOf(LocalDate.of(2026, 1, Integer.parseInt(fields[4])))))
        .toList();
    return TestSpark.session().createDataFrame(parsed, SCHEMA);
  }

  private static Dataset<Row> keys(long... ids) {
    return rows(Arrays.stream(ids).mapToObj(id -> id + "|-|0|0|1").toArray(String[]::new)).select("order_id");
  }

  /** Change rows as {@code "<seq> <type> <row in the rows notation>"}, sorted. */
  private static List<String> render(ChangeSet changes) {
    return changes.rows().collectAsList().stream()
        .map(row -> row.<Long>getAs(COMMIT_SEQ) + " " + row.<String>getAs(CHANGE_TYPE) + " "
            + row.<Long>getAs("order_id") + "|" + row.<String>getAs("status") + "|"
            + row.<BigDecimal>getAs("amount").toPlainString() + "|"
            + Duration.between(EPOCH, row.<Timestamp>getAs("updated_at").toInstant()).toHours() + "|"
            + row.<Date>getAs("order_date").toLocalDate().getDayOfMonth())
        .sorted()
        .toList();
  }

  private static List<String> sorted(String... rows) {
    return Stream.of(rows).sorted().toList();
  }

  @Order(1)
  @ParameterizedTest
  @ValueSource(strings = {"hudi", "delta", "iceberg"})
  void upsertsAndDeletesComeThroughWithPreAndPostImagesInCommitOrder(String format) {
    Table table = new Table(format);
    TABLES.put(format, table);
    Commit created = table.write(c -> table.writer.upsert(
        rows("1|created|10.50|1|1", "2|created|20.00|1|1", "3|created|30.00|1|2"), c));
    table.write(c -> table.writer.upsert(rows("1|paid|10.50|2|1", "4|created|40.25|2|2"), c));
    table.write(c -> table.writer.delete(keys(2), c).orElseThrow());
    table.write(c -> table.writer.upsert(rows("3|paid|30.00|3|2"), c));
    Commit last = table.write(c -> table.writer.upsert(rows("3|shipped|30.00|4|2"), c));

    ChangeSet changes = table.reader.changes(created.id(), KEYS);

    assertEquals(Optional.of(last), changes.until());
    assertEquals(List.of("order_id", "status", "amount", "updated_at", "order_date", CHANGE_TYPE, COMMIT_SEQ),
        Arrays.asList(changes.rows().columns()));
    StructType shape = changes.rows().schema();
    assertEquals(DataTypes.StringType, shape.apply(CHANGE_TYPE).dataType());
    assertEquals(DataTypes.LongType, shape.apply(COMMIT_SEQ).dataType());
    for (StructField field : SCHEMA.fields()) {
      assertEquals(field.dataType(), shape.apply(field.name()).dataType(), field.name());
    }
    List<String> keyed = render(changes);
    assertEquals(sorted(
        "1 update_preimage 1|created|10.50|1|1", "1 update_postimage 1|paid|10.50|2|1", "1 insert 4|created|40.25|2|2",
        "2 delete 2|created|20.00|1|1",
        "3 update_preimage 3|created|30.00|1|2", "3 update_postimage 3|paid|30.00|3|2",
        "4 update_preimage 3|paid|30.00|3|2", "4 update_postimage 3|shipped|30.00|4|2"), keyed);

    // Without keys, a format reports an update as it records it.
    List<String> unkeyed = render(table.reader.changes(created.id(), List.of()));
    List<String> updates = format.equals("iceberg")
        // Iceberg records a rewritten row as a DELETE and an INSERT.
        ? List.of("1 delete 1|created|10.50|1|1", "1 insert 1|paid|10.50|2|1",
            "3 delete 3|created|30.00|1|2", "3 insert 3|paid|30.00|3|2",
            "4 delete 3|paid|30.00|3|2", "4 insert 3|shipped|30.00|4|2")
        : List.of("1 update_preimage 1|created|10.50|1|1", "1 update_postimage 1|paid|10.50|2|1",
            "3 update_preimage 3|created|30.00|1|2", "3 update_postimage 3|paid|30.00|3|2",
            "4 update_preimage 3|paid|30.00|3|2", "4 update_postimage 3|shipped|30.00|4|2");
    assertEquals(Stream.concat(updates.stream(), Stream.of("1 insert 4|created|40.25|2|2", "2 delete 2|created|20.00|1|1"))
        .sorted().toList(), unkeyed);

    CREATED.put(format, created);
    REPORTED.computeIfAbsent(format, f -> new ArrayList<>()).add(keyed);
  }

  @Order(2)
  @ParameterizedTest
  @ValueSource(strings = {"hudi", "delta", "iceberg"})
  void overwritesAppendsAndPartitionMovesComeThrough(String format) {
    Table table = TABLES.get(format);
    Commit since = table.reader.latestCommit().orElseThrow();
    // Partition 2 is replaced: 3 goes, 4 stays as it was, 5 comes.
    table.write(c -> table.writer.overwritePartitions(rows("4|created|40.25|2|2", "5|new|5.00|5|2"), c));
    // 1 moves from partition 1 to 2: Hudi and Iceberg record a delete and an insert, Delta an update.
    table.write(c -> table.writer.upsert(rows("1|moved|10.50|6|2"), c));
    table.write(c -> table.writer.append(rows("6|created|60.00|7|3"), c));
    // Everything is replaced: 1 stays as it was, 7 comes. All formats record the old rows as deletes and the new as
    // inserts, 1 among them, which cancels out.
    Commit last = table.write(c -> table.writer.overwrite(rows("1|moved|10.50|6|2", "7|created|70.00|8|1"), c));

    ChangeSet changes = table.reader.changes(since.id(), KEYS);

    assertEquals(Optional.of(last), changes.until());
    List<String> keyed = render(changes);
    assertEquals(sorted(
        "1 delete 3|shipped|30.00|4|2", "1 insert 5|new|5.00|5|2",
        "2 update_preimage 1|paid|10.50|2|1", "2 update_postimage 1|moved|10.50|6|2",
        "3 insert 6|created|60.00|7|3",
        "4 delete 4|created|40.25|2|2", "4 delete 5|new|5.00|5|2", "4 delete 6|created|60.00|7|3",
        "4 insert 7|created|70.00|8|1"), keyed);
    REPORTED.get(format).add(keyed);
  }

  @Order(3)
  @ParameterizedTest
  @ValueSource(strings = {"hudi", "delta", "iceberg"})
  void nothingNewIsAnEmptyChangeSetAndAnUnknownCommitIsUnavailableHistory(String format) {
    Table table = TABLES.get(format);
    Commit latest = table.reader.latestCommit().orElseThrow();

    ChangeSet none = table.reader.changes(latest.id(), KEYS);
    assertEquals(Optional.empty(), none.until());
    assertEquals(List.of(), none.rows().collectAsList());
    assertEquals(List.of("order_id", "status", "amount", "updated_at", "order_date", CHANGE_TYPE, COMMIT_SEQ),
        Arrays.asList(none.rows().columns()));

    String unknown = switch (format) {
      case "hudi" -> "20000101000000000";
      case "delta" -> Long.toString(Long.parseLong(latest.id()) + 1);
      default -> "12345";
    };
    HistoryUnavailableException e =
        assertThrows(HistoryUnavailableException.class, () -> table.reader.changes(unknown, KEYS));
    assertTrue(e.getMessage().contains(unknown) && e.getMessage().contains("--mode full"), e.getMessage());
    assertThrows(HistoryUnavailableException.class, () -> table.reader.changes("not-a-commit", KEYS));
    assertThrows(IllegalArgumentException.class, () -> table.reader.changes(latest.id(), List.of("nope")));
  }

  @Order(4)
  @Test
  void theFormatsReportIdenticalChanges() {
    assertEquals(List.of("delta", "hudi", "iceberg"), REPORTED.keySet().stream().sorted().toList());
    assertEquals(REPORTED.get("delta"), REPORTED.get("hudi"));
    assertEquals(REPORTED.get("delta"), REPORTED.get("iceberg"));
  }

  @Order(5)
  @ParameterizedTest
  @ValueSource(strings = {"hudi", "delta", "iceberg"})
  void cleanedHistoryIsUnavailable(String format) {
    // The first test read the changes since this commit.
    Commit since = CREATED.get(format);
    Table table = TABLES.get(format);
    switch (format) {
      case "hudi" -> {
        // Hudi cleans as part of a write; this one keeps the files of its own commit only.
        TableAddress retainOne = new TableAddress(table.address.name(), table.address.table(), table.address.path(),
            Optional.empty(), Map.of("hoodie.cleaner.commits.retained", "1"));
        TableFormats.get(format).writer(TestSpark.session(), retainOne, LAYOUT)
            .upsert(rows("8|created|80.00|9|1"), new CommitContext("changes-test", "clean", EPOCH));
      }
      case "delta" -> vacuum(table.address);
      default -> TestSpark.session().sql("CALL " + TestSpark.settings().catalog() + ".system.expire_snapshots("
          + "table => '" + table.address.requireIdentifier().substring(TestSpark.settings().catalog().length() + 1)
          + "', older_than => TIMESTAMP '2999-01-01 00:00:00', retain_last => 1)").collectAsList();
    }

    HistoryUnavailableException e =
        assertThrows(HistoryUnavailableException.class, () -> table.reader.changes(since.id(), KEYS));
    assertTrue(e.getMessage().contains(since.id()) && e.getMessage().contains("--mode full"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"hudi", "delta", "iceberg", "delta merge-on-read", "iceberg merge-on-read"})
  void changesReadWithSomeColumnsScanNoOtherAndLoseUpdatesOfTheOthersOnly(String formatAndStorage) {
    String[] words = formatAndStorage.split(" ");
    Table table = new Table(words[0], words.length > 1 ? LAYOUT.withStorage(Storage.MERGE_ON_READ) : LAYOUT);
    Commit created = table.write(c -> table.writer.upsert(rows("1|created|10.50|1|1", "2|created|20.00|1|1"), c));
    table.write(c -> table.writer.upsert(rows("1|paid|10.50|2|1", "2|created|21.00|2|1"), c));
    table.write(c -> table.writer.delete(keys(1), c).orElseThrow());

    ChangeSet changes = table.reader.changes(created.id(), KEYS, Set.of("status", "not_a_column"));

    assertEquals(List.of("order_id", "status", CHANGE_TYPE, COMMIT_SEQ), Arrays.asList(changes.rows().columns()));
    // Order 2's update changed only its amount, which was not read: it changed nothing that the reader sees.
    assertEquals(sorted("1 update_preimage 1|created", "1 update_postimage 1|paid", "2 delete 1|paid"),
        changes.rows().collectAsList().stream().map(row -> row.<Long>getAs(COMMIT_SEQ) + " "
            + row.<String>getAs(CHANGE_TYPE) + " " + row.<Long>getAs("order_id") + "|" + row.<String>getAs("status"))
            .sorted().toList());
    if (!words[0].equals("hudi")) {
      // Hudi's CDC relation reads whole rows; the scans of Delta's and Iceberg's files read the two columns.
      String plan = changes.rows().queryExecution().executedPlan().toString();
      List<String> scans = Pattern.compile("ReadSchema: struct<[^>]*>|BatchScan [^\\[]*\\[[^\\]]*\\]").matcher(plan)
          .results().map(MatchResult::group).toList();
      assertFalse(scans.isEmpty(), plan);
      scans.forEach(scan -> assertTrue(scan.contains("status") && !scan.contains("amount"), scan));
    }
  }

  @Test
  void deltaMergeOnReadTablesGiveExactChangesFromDeletionVectors() {
    assertEquals(Optional.empty(), TableFormats.get("delta").changeReadLimit(Storage.MERGE_ON_READ));
    Table table = new Table("delta", LAYOUT.withStorage(Storage.MERGE_ON_READ));
    // Written in two tasks, two rows per file: an update or a delete leaves a row of its file.
    Commit created = table.write(c -> table.writer.upsert(
        rows("1|created|10.50|1|1", "2|created|20.00|1|1", "3|created|30.00|1|1", "4|created|40.25|1|1"), c));
    table.write(c -> table.writer.upsert(rows("1|paid|11.25|2|1"), c));
    table.write(c -> table.writer.delete(keys(3), c).orElseThrow());

    table.reader.checkChangeReads();
    assertEquals(sorted("1 update_preimage 1|created|10.50|1|1", "1 update_postimage 1|paid|11.25|2|1",
        "2 delete 3|created|30.00|1|1"), render(table.reader.changes(created.id(), KEYS)));
    // A file given a deletion vector is added again with it: each write marked a row of one file.
    List<Long> marked = Stream.of(1, 2).map(version -> Path.of(table.address.requirePath(), "_delta_log",
            String.format("%020d.json", version)))
        .map(commit -> lines(commit).stream()
            .filter(action -> action.startsWith("{\"add\"") && action.contains("\"deletionVector\":{")).count())
        .toList();
    assertEquals(List.of(1L, 1L), marked, "the update and the delete each marked a row of a file");
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void icebergMergeOnReadTablesGiveExactChangesFromDeletionVectors() {
    assertEquals(Optional.empty(), TableFormats.get("iceberg").changeReadLimit(Storage.MERGE_ON_READ));
    Table table = new Table("iceberg", LAYOUT.withStorage(Storage.MERGE_ON_READ));
    Commit created = table.write(c -> table.writer.upsert(
        rows("1|created|10.50|1|1", "2|created|20.00|1|1", "3|created|30.00|1|1", "4|created|40.25|1|2"), c));
    Commit updated = table.write(c -> table.writer.upsert(rows("1|paid|11.25|2|1", "5|created|50.00|2|2"), c));
    table.write(c -> table.writer.delete(keys(3), c).orElseThrow());
    // A second update of an updated row: its deletion vector now holds two positions, one of them new.
    table.write(c -> table.writer.upsert(rows("2|paid|20.00|3|1"), c));

    table.reader.checkChangeReads();
    assertEquals(sorted("1 update_preimage 1|created|10.50|1|1", "1 update_postimage 1|paid|11.25|2|1",
        "1 insert 5|created|50.00|2|2", "2 delete 3|created|30.00|1|1", "3 update_preimage 2|created|20.00|1|1",
        "3 update_postimage 2|paid|20.00|3|1"), render(table.reader.changes(created.id(), KEYS)));
    assertEquals(sorted("1 delete 3|created|30.00|1|1", "2 update_preimage 2|created|20.00|1|1",
        "2 update_postimage 2|paid|20.00|3|1"), render(table.reader.changes(updated.id(), KEYS)));
    List<String> deleteFiles = TestSpark.session().sql("SELECT summary['added-delete-files'] FROM "
        + table.address.requireIdentifier() + ".snapshots ORDER BY committed_at").as(Encoders.STRING()).collectAsList();
    assertEquals(Arrays.asList(null, "1", "1", "1"), deleteFiles, "each write after the first marked rows");
  }

  @Test
  void icebergMergeOnReadChangesSurviveCompactionAndAnOverwrite() {
    Table table = new Table("iceberg", LAYOUT.withStorage(Storage.MERGE_ON_READ));
    Commit created = table.write(c -> table.writer.upsert(rows("1|created|10.50|1|1", "2|created|20.00|1|1"), c));
    table.write(c -> table.writer.upsert(rows("1|paid|11.25|2|1"), c));
    String identifier = table.address.requireIdentifier();
    int catalogEnd = identifier.indexOf('.');
    // Compaction applies the deletion vector and rewrites both rows: a REPLACE snapshot, which changes no row.
    TestSpark.session().sql("CALL " + identifier.substring(0, catalogEnd) + ".system.rewrite_data_files(table => '"
        + identifier.substring(catalogEnd + 1) + "', options => map('rewrite-all', 'true'))").collectAsList();
    Commit compacted = table.reader.latestCommit().orElseThrow();
    table.write(c -> table.writer.upsert(rows("2|shipped|20.00|3|1"), c));
    table.write(c -> table.writer.overwrite(rows("2|shipped|20.00|3|1", "6|created|60.00|4|3"), c));

    assertEquals(sorted("1 update_preimage 2|created|20.00|1|1", "1 update_postimage 2|shipped|20.00|3|1",
        "2 delete 1|paid|11.25|2|1", "2 insert 6|created|60.00|4|3"),
        render(table.reader.changes(compacted.id(), KEYS)));
    assertEquals(sorted("1 update_preimage 1|created|10.50|1|1", "1 update_postimage 1|paid|11.25|2|1",
        "3 update_preimage 2|created|20.00|1|1", "3 update_postimage 2|shipped|20.00|3|1",
        "4 delete 1|paid|11.25|2|1", "4 insert 6|created|60.00|4|3"),
        render(table.reader.changes(created.id(), KEYS)));
  }

  /**
   * Iceberg writes equality deletes on the keys, reading nothing of the table; Delta marks the keys' stored rows in
   * deletion vectors, reading only their key columns. Neither rewrites a stored row.
   */
  @ParameterizedTest
  @ValueSource(strings = {"iceberg", "delta"})
  void keyReplacementsRewriteNoStoredRowAndTheirChangesReadExactly(String format) {
    // Named in another order than the table's columns.
    List<String> keys = List.of("order_date", "order_id");
    Table table = new Table(format,
        new TableLayout(keys, Optional.of("updated_at"), List.of("order_date")).withStorage(Storage.MERGE_ON_READ));
    TableMaintainer maintainer = TableFormats.get(format).maintainer(TestSpark.session(), table.address);
    // Rows 7 and 8 stay in files whose other rows are replaced.
    Commit created = table.write(c -> table.writer.upsert(rows("1|created|10.50|1|1", "7|created|70.00|1|1",
        "2|created|20.00|1|1", "3|created|30.00|1|1", "8|created|80.00|1|1", "4|created|40.25|1|2"), c));
    // Replaced without comparing order-by values: an older updated_at replaces too, as a recompute says.
    Commit replaced = table.write(c -> table.writer.replaceKeys(rows("1|paid|11.25|2|1", "2|created|19.00|0|1",
        "5|created|50.00|2|2"), rows("3|-|0|0|1").select("order_id", "order_date"), c));
    // The second replacement marks rows of files the first one marked.
    table.write(c -> table.writer.replaceKeys(rows("1|shipped|11.25|3|1"),
        rows("5|-|0|0|2", "7|-|0|0|1").select("order_id", "order_date"), c));
    assertEquals(List.of("1|shipped|11.25", "2|created|19.00", "4|created|40.25", "8|created|80.00"),
        TestSpark.session()
        .sql("SELECT concat_ws('|', order_id, status, amount) FROM " + table.sqlName() + " ORDER BY order_id")
        .as(Encoders.STRING()).collectAsList());
    if (format.equals("iceberg")) {
      assertEquals(List.of(2L, 2L), TestSpark.session()
          .sql("SELECT CAST(summary['added-equality-delete-files'] AS BIGINT) FROM " + table.sqlName() + ".snapshots"
              + " WHERE summary['added-equality-delete-files'] IS NOT NULL")
          .as(Encoders.LONG()).collectAsList(), "each replacement deleted by key, one file per partition");
    } else {
      // The files the replacements added hold their new rows only: the stored rows were marked, not copied.
      String replacements = table.address.requirePath() + "/_delta_log/0000000000000000000{1,2}.json";
      assertEquals(4L, TestSpark.session().read().json(replacements)
          .where("add IS NOT NULL AND add.deletionVector IS NULL")
          .selectExpr("sum(CAST(get_json_object(add.stats, '$.numRecords') AS BIGINT))").first().getLong(0));
      assertTrue(maintainer.stats().deleteFiles() > 0);
      assertEquals(List.of("MERGE", "MERGE"), TestSpark.session().sql("DESCRIBE HISTORY " + table.sqlName())
          .where("version IN (1, 2)").orderBy("version").select("operation").as(Encoders.STRING()).collectAsList());
    }

    table.reader.checkChangeReads();
    assertEquals(sorted("1 update_preimage 1|created|10.50|1|1", "1 update_postimage 1|paid|11.25|2|1",
        "1 update_preimage 2|created|20.00|1|1", "1 update_postimage 2|created|19.00|0|1",
        "1 delete 3|created|30.00|1|1", "1 insert 5|created|50.00|2|2",
        "2 update_preimage 1|paid|11.25|2|1", "2 update_postimage 1|shipped|11.25|3|1",
        "2 delete 5|created|50.00|2|2", "2 delete 7|created|70.00|1|1"),
        render(table.reader.changes(created.id(), keys)));
    // A full overwrite removes the files that the deletes reached: their live rows are deleted once.
    table.write(c -> table.writer.overwrite(rows("1|shipped|11.25|3|1", "6|created|60.00|4|3", "9|created|90.00|4|3"),
        c));
    assertEquals(sorted("1 update_preimage 1|paid|11.25|2|1", "1 update_postimage 1|shipped|11.25|3|1",
        "1 delete 5|created|50.00|2|2", "1 delete 7|created|70.00|1|1", "2 delete 2|created|19.00|0|1",
        "2 delete 4|created|40.25|1|2", "2 delete 8|created|80.00|1|1", "2 insert 6|created|60.00|4|3",
        "2 insert 9|created|90.00|4|3"), render(table.reader.changes(replaced.id(), keys)));
    // Compaction applies the deletes and drops them (row 9 shares its file with row 6).
    table.write(c -> table.writer.replaceKeys(rows("6|paid|60.00|5|3"), rows().select("order_id", "order_date"), c));
    assertTrue(maintainer.stats().deleteFiles() > 0);
    maintainer.compact(OptionalLong.empty(), List.of());
    assertEquals(0, maintainer.stats().deleteFiles());
    assertEquals(List.of("1|shipped|11.25", "6|paid|60.00", "9|created|90.00"), TestSpark.session()
        .sql("SELECT concat_ws('|', order_id, status, amount) FROM " + table.sqlName() + " ORDER BY order_id")
        .as(Encoders.STRING()).collectAsList());
    // Nothing to replace still commits, to record the run's checkpoints.
    Commit empty = table.write(c -> table.writer.replaceKeys(rows(), rows().select("order_id", "order_date"), c));
    assertEquals(empty, table.reader.latestCommit().orElseThrow());
    assertEquals(List.of(), render(table.reader.changes(empty.id(), keys)));
    assertEquals(3L, TestSpark.session().sql("SELECT * FROM " + table.sqlName()).count());
  }

  /**
   * A copy-on-write Hudi table with buckets: a new key of an existing bucket is written by the merge of that bucket's
   * file group (an insert in its CDC log), one of a new partition starts the bucket's file group (an insert Hudi
   * infers from the base file); decimals come through exactly either way.
   */
  @Test
  void hudiTablesWithBucketsGiveExactChanges() {
    List<String> keys = List.of("order_id", "order_date");
    Table table = new Table("hudi", new TableLayout(keys, Optional.of("updated_at"), List.of("order_date"))
        .withBuckets(1));
    Commit created = table.write(c -> table.writer.upsert(rows("1|created|10.50|1|1", "2|created|20.00|1|1"), c));
    table.write(c -> table.writer.upsert(rows("1|paid|10.50|2|1", "3|created|30.25|2|1", "4|created|40.75|2|2"), c));
    table.write(c -> table.writer.delete(rows("2|-|0|0|1").select("order_id", "order_date"), c).orElseThrow());

    assertEquals(sorted("1 update_preimage 1|created|10.50|1|1", "1 update_postimage 1|paid|10.50|2|1",
        "1 insert 3|created|30.25|2|1", "1 insert 4|created|40.75|2|2", "2 delete 2|created|20.00|1|1"),
        render(table.reader.changes(created.id(), keys)));
  }

  @Test
  void hudiMergeOnReadTablesWhoseChangesCannotBeReadAreRefusedClearly() {
    String format = "hudi";
    assertTrue(TableFormats.get(format).changeReadLimit(Storage.MERGE_ON_READ).isPresent());
    assertEquals(Optional.empty(), TableFormats.get(format).changeReadLimit(Storage.COPY_ON_WRITE));
    Table table = new Table(format, LAYOUT.withStorage(Storage.MERGE_ON_READ));
    table.reader.checkChangeReads();
    Commit created = table.write(c -> table.writer.upsert(rows("1|created|10.50|1|1", "2|created|20.00|1|1"), c));
    table.write(c -> table.writer.upsert(rows("1|paid|11.25|2|1"), c));

    ChangesNotReadableException e =
        assertThrows(ChangesNotReadableException.class, () -> table.reader.changes(created.id(), KEYS));
    for (String part : List.of(table.address.name(), table.address.location(), "merge-on-read",
        TableFormats.get(format).changeReadLimit(Storage.MERGE_ON_READ).orElseThrow(), "storage = copy-on-write",
        "read = snapshot")) {
      assertTrue(e.getMessage().contains(part), e.getMessage());
    }
    assertThrows(ChangesNotReadableException.class, table.reader::checkChangeReads);
  }

  @Test
  void fileFormatsHaveNoChangesToRead() {
    assertTrue(TableFormats.get("hudi").supportsChangeReads());
    assertTrue(TableFormats.get("delta").supportsChangeReads());
    assertTrue(TableFormats.get("iceberg").supportsChangeReads());
    TableFormat parquet = TableFormats.get("parquet");
    assertFalse(parquet.supportsChangeReads());
    TableAddress address = Orders.newTable(parquet);
    parquet.writer(TestSpark.session(), address, TableLayout.unkeyed(List.of()))
        .append(rows("1|created|10.50|1|1"), new CommitContext("changes-test", "run-1", EPOCH));
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> parquet.reader(TestSpark.session(), address).changes("0", KEYS));
    assertTrue(e.getMessage().contains("no history"), e.getMessage());
  }

  /** Removes every file the latest version does not need, at once (Delta refuses a zero retention unless told). */
  private static void vacuum(TableAddress address) {
    var conf = TestSpark.session().conf();
    String check = "spark.databricks.delta.retentionDurationCheck.enabled";
    // VACUUM lists the table in as many tasks as this says, 10000 by default: minutes in local mode.
    String listing = "spark.sql.sources.parallelPartitionDiscovery.parallelism";
    conf.set(check, "false");
    conf.set(listing, "2");
    try {
      TestSpark.session().sql("VACUUM delta.`" + address.requirePath() + "` RETAIN 0 HOURS").collectAsList();
    } finally {
      conf.unset(check);
      conf.unset(listing);
    }
  }
}
