package dev.lakepipe.format;

import static dev.lakepipe.format.Orders.keys;
import static dev.lakepipe.format.Orders.render;
import static dev.lakepipe.format.Orders.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.spec.AsOf;
import dev.lakepipe.spec.Storage;
import dev.lakepipe.testing.TestSpark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every write mode, time travel and commit properties on real Hudi, Delta and Iceberg tables, with the same
 * expected rows for all three. Every write checks that the commit it returns, read back from the table, carries
 * that write's lakepipe properties.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LakeFormatTest {
  private static final TableLayout KEYED =
      new TableLayout(List.of("id"), Optional.of("updated_at"), List.of("region"));
  /** The table each format ends with after the same upserts and deletes. */
  private static final Map<String, List<String>> FINAL_TABLES = new ConcurrentHashMap<>();

  /** One table of one format, with a new run id for every write. */
  private static final class Table {
    final String format;
    final TableAddress address;
    final TableReader reader;
    final TableWriter writer;
    /** The commits of the writes so far, oldest first. */
    final List<Commit> commits = new ArrayList<>();
    private int runs;

    Table(String format, TableLayout layout) {
      this(format, layout, Map.of());
    }

    Table(String format, TableLayout layout, Map<String, String> options) {
      this.format = format;
      TableFormat tableFormat = TableFormats.get(format);
      TableAddress fresh = Orders.newTable(tableFormat);
      address = new TableAddress(fresh.name(), fresh.table(), fresh.path(), fresh.identifier(), options);
      reader = tableFormat.reader(TestSpark.session(), address);
      writer = tableFormat.writer(TestSpark.session(), address, layout);
    }

    Commit write(Function<CommitContext, Commit> write) {
      runs++;
      CommitContext context =
          new CommitContext("orders-test", "run-" + runs, Instant.parse("2026-01-01T00:00:00Z").plusSeconds(runs * 3600L));
      Commit commit = write.apply(context);
      assertEquals(context.properties(), commit.properties(), "properties of the commit of run " + runs);
      commits.add(commit);
      return commit;
    }

    List<String> rows() {
      return render(reader.snapshot());
    }
  }

  @Order(1)
  @ParameterizedTest
  @ValueSource(strings = {"hudi", "delta", "iceberg"})
  void appendOverwritePartitionsAndOverwriteWithoutKeys(String format) {
    Table table = new Table(format, TableLayout.unkeyed(List.of("region")));
    assertFalse(table.reader.exists());

    table.write(c -> table.writer.append(rows("1|eu|created|1", "2|us|created|1"), c));
    table.write(c -> table.writer.append(rows("3|asia|created|2", "1|eu|created|1"), c));
    assertEquals(List.of("1|eu|created|1", "1|eu|created|1", "2|us|created|1", "3|asia|created|2"), table.rows());

    table.write(c -> table.writer.overwritePartitions(rows("5|eu|paid|3", "6|eu|created|3"), c));
    assertEquals(List.of("2|us|created|1", "3|asia|created|2", "5|eu|paid|3", "6|eu|created|3"), table.rows());

    table.write(c -> table.writer.overwrite(rows("4|asia|paid|3"), c));
    assertEquals(List.of("4|asia|paid|3"), table.rows());
  }

  @Order(2)
  @ParameterizedTest
  @ValueSource(strings = {"hudi", "delta", "iceberg"})
  void upsertKeepsTheNewestRowPerKeyDeleteRemovesKeysAndHistoryStaysReadable(String format) {
    Table table = new Table(format, KEYED);
    // The first upsert creates the table.
    Commit created =
        table.write(c -> table.writer.upsert(rows("1|eu|created|1", "2|eu|created|1", "3|eu|created|1"), c));
    List<String> initial = List.of("1|eu|created|1", "2|eu|created|1", "3|eu|created|1");
    assertEquals(initial, table.rows());

    // Out of order within the batch (1), older than stored (2), moving partition (3), new (4).
    Dataset<Row> batch = rows("1|eu|shipped|3", "1|eu|paid|2", "2|eu|late|0", "3|us|moved|2", "4|us|created|2");
    table.write(c -> table.writer.upsert(LatestWins.dedupe(batch, KEYED), c));
    assertEquals(List.of("1|eu|shipped|3", "2|eu|created|1", "3|us|moved|2", "4|us|created|2"), table.rows());

    // An older update of 1 arrives later, in another partition; 3 ties and wins; 2 moves partition again.
    Commit upserted = table.write(c -> table.writer.upsert(rows("1|us|paid|2", "3|us|tied|2", "2|asia|moved|5"), c));
    List<String> afterUpserts = List.of("1|eu|shipped|3", "2|asia|moved|5", "3|us|tied|2", "4|us|created|2");
    assertEquals(afterUpserts, table.rows());

    // Keys only, repeated, and one that is not stored.
    table.write(c -> table.writer.delete(keys(2, 4, 4, 9), c).orElseThrow());
    List<String> afterDelete = List.of("1|eu|shipped|3", "3|us|tied|2");
    assertEquals(afterDelete, table.rows());

    // A write that changes no row still commits, so its properties (a run's checkpoint) land in the table.
    Commit last = table.write(c -> table.writer.delete(keys(9), c).orElseThrow());
    assertEquals(afterDelete, table.rows());
    assertEquals(Optional.of(last), table.reader.latestCommit());
    // The table lists every commit it made, in order, with its logical time: what `lakepipe status` asks.
    assertEquals(table.commits, table.reader.commits());
    FINAL_TABLES.put(format, table.rows());

    assertEquals(initial, render(table.reader.asOf(AsOf.version(created.id()))));
    assertEquals(initial, render(table.reader.asOf(AsOf.timestamp(created.timestamp().toString()))));
    assertEquals(afterUpserts, render(table.reader.asOf(AsOf.version(upserted.id()))));
    // A layout that does not say is copy-on-write: the updates and deletes above rewrote files.
    assertStorage(table, Storage.COPY_ON_WRITE);
  }

  @Order(3)
  @ParameterizedTest
  @ValueSource(strings = {"hudi", "delta", "iceberg"})
  void mergeOnReadTablesTakeUpsertsDeletesAndPartitionMovesAsChanges(String format) {
    // Hudi compacts every second delta commit here, so that reads also merge logs into a compacted base.
    Table table = new Table(format, KEYED.withStorage(Storage.MERGE_ON_READ),
        format.equals("hudi") ? Map.of("hoodie.compact.inline.max.delta.commits", "2") : Map.of());
    table.write(c -> table.writer.upsert(rows("1|eu|created|1", "2|eu|created|1", "3|eu|created|1", "4|eu|created|1",
        "5|us|created|1", "6|us|created|1"), c));

    // Newer (1), older than stored (2), moving partition (3), new (7).
    table.write(c -> table.writer.upsert(rows("1|eu|paid|2", "2|eu|late|0", "3|us|moved|2", "7|us|created|2"), c));
    assertEquals(List.of("1|eu|paid|2", "2|eu|created|1", "3|us|moved|2", "4|eu|created|1", "5|us|created|1",
        "6|us|created|1", "7|us|created|2"), table.rows());

    table.write(c -> table.writer.delete(keys(4, 6, 9), c).orElseThrow());
    assertEquals(List.of("1|eu|paid|2", "2|eu|created|1", "3|us|moved|2", "5|us|created|1", "7|us|created|2"),
        table.rows());

    // 3 moves back, 1 arrives older than stored, 5 is updated.
    table.write(c -> table.writer.upsert(rows("3|eu|back|3", "1|eu|stale|1", "5|us|shipped|3"), c));
    assertEquals(List.of("1|eu|paid|2", "2|eu|created|1", "3|eu|back|3", "5|us|shipped|3", "7|us|created|2"),
        table.rows());
    assertEquals(table.commits, table.reader.commits(), "compactions are not commits of lakepipe");
    assertStorage(table, Storage.MERGE_ON_READ);
  }

  /** That the table stores updates and deletes as {@code storage} says, in the format's own terms. */
  private static void assertStorage(Table table, Storage storage) {
    boolean mergeOnRead = storage == Storage.MERGE_ON_READ;
    var spark = TestSpark.session();
    switch (table.format) {
      case "delta" -> {
        String path = table.address.requirePath();
        Row detail = spark.sql("DESCRIBE DETAIL delta.`" + path + "`").first();
        Map<String, String> properties = detail.getJavaMap(detail.fieldIndex("properties"));
        assertEquals(Boolean.toString(mergeOnRead), properties.get("delta.enableDeletionVectors"));
        assertEquals(mergeOnRead, filesUnder(Path.of(path, "_delta_log")).stream()
            .filter(file -> file.toString().endsWith(".json"))
            .anyMatch(commit -> read(commit).contains("\"deletionVector\":{")), "deletion vectors in the log");
      }
      case "iceberg" -> {
        String id = table.address.requireIdentifier();
        Map<String, String> properties = spark.sql("SHOW TBLPROPERTIES " + id).collectAsList().stream()
            .collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(1)));
        assertEquals(mergeOnRead ? "3" : "2", properties.get("format-version"));
        for (String mode : List.of("write.delete.mode", "write.update.mode", "write.merge.mode")) {
          assertEquals(storage.specName(), properties.get(mode), mode);
        }
        assertEquals(mergeOnRead, spark.sql("SELECT * FROM " + id + ".delete_files").count() > 0, "delete files");
      }
      case "hudi" -> {
        Path base = Path.of(table.address.requirePath());
        assertTrue(read(base.resolve(".hoodie/hoodie.properties")).contains("hoodie.table.type="
            + (mergeOnRead ? "MERGE_ON_READ" : "COPY_ON_WRITE")));
        // Data log files, not the metadata table's; copy-on-write tables have CDC logs (.cdc) only.
        assertEquals(mergeOnRead, filesUnder(base).stream().filter(file -> !file.startsWith(base.resolve(".hoodie")))
            .map(file -> file.getFileName().toString()).anyMatch(name -> name.matches("\\..*\\.log\\.\\d+_[^.]*")), "data log files");
      }
      default -> throw new IllegalArgumentException(table.format);
    }
  }

  private static List<Path> filesUnder(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Order(3)
  @ParameterizedTest
  @ValueSource(strings = {"hudi", "delta", "iceberg"})
  void upsertWithoutOrderByReplacesTheStoredRowAlways(String format) {
    Table table = new Table(format, new TableLayout(List.of("id"), Optional.empty(), List.of("region")));
    table.write(c -> table.writer.upsert(rows("1|eu|paid|5", "2|us|created|5"), c));
    // An older updated_at still replaces: the incoming row is the recomputed one.
    table.write(c -> table.writer.upsert(rows("1|eu|created|1", "3|us|created|1"), c));
    assertEquals(List.of("1|eu|created|1", "2|us|created|5", "3|us|created|1"), table.rows());
  }

  @Order(3)
  @ParameterizedTest
  @ValueSource(strings = {"hudi", "delta", "iceberg"})
  void upsertAndDeleteInOneCommitWhereTheFormatCan(String format) {
    Table table = new Table(format, KEYED);
    table.write(c -> table.writer.upsert(rows("1|eu|created|1", "2|us|created|1", "3|eu|created|1"), c));
    if (!table.writer.upsertsAndDeletesAtOnce()) {
      assertThrows(UnsupportedOperationException.class, () -> table.writer.upsertAndDelete(rows("4|eu|paid|2"),
          keys(1), new CommitContext("orders-test", "run-x", Instant.EPOCH)));
      assertEquals(List.of("1|eu|created|1", "2|us|created|1", "3|eu|created|1"), table.rows());
      return;
    }
    Commit before = table.reader.latestCommit().orElseThrow();
    // An update, an older version that loses, a new key and a deleted key.
    Commit commit = table.write(c -> table.writer.upsertAndDelete(
        rows("1|eu|paid|2", "2|us|stale|0", "4|us|created|2"), keys(3), c));
    assertEquals(List.of("1|eu|paid|2", "2|us|created|1", "4|us|created|2"), table.rows());
    assertEquals(List.of("1|eu|created|1", "2|us|created|1", "3|eu|created|1"),
        render(table.reader.asOf(AsOf.version(before.id()))), "one commit: the one before holds the old rows");
    assertEquals(List.of(before.id(), commit.id()), List.of(before.id(), table.reader.latestCommit().get().id()));
  }

  @Order(3)
  @ParameterizedTest
  @ValueSource(strings = {"hudi", "delta", "iceberg"})
  void upsertAndDeleteInOneCommitWhenTheKeysNameThePartition(String format) {
    Table table = new Table(format, new TableLayout(List.of("id", "region"), Optional.of("updated_at"),
        List.of("region")));
    table.write(c -> table.writer.upsert(rows("1|eu|created|1", "2|us|created|5", "3|eu|created|9"), c));
    assertTrue(table.writer.upsertsAndDeletesAtOnce());
    Commit before = table.reader.latestCommit().orElseThrow();
    // An update, an older version that loses, a new key, and a deleted key whose stored row is the newest.
    Commit commit = table.write(c -> table.writer.upsertAndDelete(rows("1|eu|paid|2", "2|us|stale|0",
        "4|us|created|2"), rows("3|eu|-|0").select("id", "region"), c));
    assertEquals(List.of("1|eu|paid|2", "2|us|created|5", "4|us|created|2"), table.rows());
    assertEquals(List.of("1|eu|created|1", "2|us|created|5", "3|eu|created|9"),
        render(table.reader.asOf(AsOf.version(before.id()))), "one commit: the one before holds the old rows");
    assertEquals(commit, table.reader.latestCommit().orElseThrow());
    assertEquals(List.of("id", "region", "status", "updated_at"), List.of(table.reader.snapshot().columns()));
    // A full overwrite after it, as a daily run makes.
    table.write(c -> table.writer.overwrite(rows("5|eu|created|3"), c));
    assertEquals(List.of("5|eu|created|3"), table.rows());
  }

  @Order(3)
  @ParameterizedTest
  @ValueSource(strings = {"hudi", "delta", "iceberg"})
  void deleteFromAMissingTableCommitsNothing(String format) {
    Table table = new Table(format, KEYED);

    assertEquals(Optional.empty(),
        table.writer.delete(keys(1), new CommitContext("orders-test", "run-1", Instant.EPOCH)));

    assertFalse(table.reader.exists());
    assertEquals(Optional.empty(), table.reader.latestCommit());
    assertEquals(List.of(), table.reader.commits());
    assertThrows(TableNotFoundException.class, table.reader::snapshot);
  }

  @ParameterizedTest
  @ValueSource(strings = {"hudi", "delta", "iceberg"})
  void theSchemaIsTheSnapshotsWithoutPlanningARead(String format) {
    StructType schema = new StructType()
        .add("id", DataTypes.LongType, false)
        .add("day", DataTypes.DateType, false)
        .add("amount", DataTypes.createDecimalType(12, 2))
        .add("updated_at", DataTypes.TimestampType)
        .add("tags", DataTypes.createArrayType(DataTypes.StringType))
        .add("address", new StructType().add("city", DataTypes.StringType).add("zip", DataTypes.IntegerType))
        .add("attributes", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType));
    Table table = new Table(format, new TableLayout(List.of("id", "day"), Optional.of("updated_at"), List.of("day"),
        Storage.MERGE_ON_READ));
    assertThrows(TableNotFoundException.class, table.reader::schema);
    Dataset<Row> rows = TestSpark.session().createDataFrame(List.of(RowFactory.create(1L,
        Date.valueOf("2026-12-05"), new BigDecimal("12.50"), Timestamp.valueOf("2026-12-05 10:00:00"),
        List.of("new"), RowFactory.create("Lyon", 69001), Map.of("weight", 1.5))), schema);

    table.write(c -> table.writer.upsert(rows, c));
    table.write(c -> table.writer.upsert(rows, c));

    assertEquals(table.reader.snapshot().schema(), table.reader.schema());
  }

  @Order(4)
  @Test
  void theFormatsEndWithIdenticalTables() {
    assertEquals(List.of("delta", "hudi", "iceberg"), FINAL_TABLES.keySet().stream().sorted().toList(),
        "formats that finished the upsert and delete sequence");
    assertEquals(FINAL_TABLES.get("delta"), FINAL_TABLES.get("hudi"));
    assertEquals(FINAL_TABLES.get("delta"), FINAL_TABLES.get("iceberg"));
  }
}
