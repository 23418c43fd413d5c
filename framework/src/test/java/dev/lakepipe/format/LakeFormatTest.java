package dev.lakepipe.format;

import static dev.lakepipe.format.Orders.keys;
import static dev.lakepipe.format.Orders.render;
import static dev.lakepipe.format.Orders.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lakepipe.spec.AsOf;
import dev.lakepipe.testing.TestSpark;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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
    final TableReader reader;
    final TableWriter writer;
    /** The commits of the writes so far, oldest first. */
    final List<Commit> commits = new ArrayList<>();
    private int runs;

    Table(String format, TableLayout layout) {
      TableFormat tableFormat = TableFormats.get(format);
      TableAddress address = Orders.newTable(tableFormat);
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
  void deleteFromAMissingTableCommitsNothing(String format) {
    Table table = new Table(format, KEYED);

    assertEquals(Optional.empty(),
        table.writer.delete(keys(1), new CommitContext("orders-test", "run-1", Instant.EPOCH)));

    assertFalse(table.reader.exists());
    assertEquals(Optional.empty(), table.reader.latestCommit());
    assertEquals(List.of(), table.reader.commits());
    assertThrows(TableNotFoundException.class, table.reader::snapshot);
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
