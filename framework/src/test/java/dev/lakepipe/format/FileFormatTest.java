package dev.lakepipe.format;

import static dev.lakepipe.format.Orders.keys;
import static dev.lakepipe.format.Orders.render;
import static dev.lakepipe.format.Orders.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lakepipe.format.file.FileFormat;
import dev.lakepipe.spec.AsOf;
import dev.lakepipe.spec.WriteMode;
import dev.lakepipe.testing.TestSpark;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Encoders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Plain files: the write modes they support, a declared schema on read, and no history, keys or commits. */
class FileFormatTest {
  private static final TableLayout BY_REGION = TableLayout.unkeyed(List.of("region"));
  private static final CommitContext CONTEXT =
      new CommitContext("orders-test", "run-1", Instant.parse("2026-01-01T00:00:00Z"));

  /** A fresh path with the order schema declared, so text formats read typed columns back. */
  private static TableAddress newTable(TableFormat format) {
    TableAddress fresh = Orders.newTable(format);
    return new TableAddress(fresh.name(), fresh.table(), fresh.path(), fresh.identifier(),
        Map.of(TableFormat.SCHEMA_OPTION, Orders.SCHEMA.toDDL()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"parquet", "csv", "json", "orc"})
  void appendOverwritePartitionsAndOverwrite(String name) {
    TableFormat format = TableFormats.get(name);
    TableAddress address = newTable(format);
    TableReader reader = format.reader(TestSpark.session(), address);
    TableWriter writer = format.writer(TestSpark.session(), address, BY_REGION);
    assertFalse(reader.exists());
    assertThrows(TableNotFoundException.class, reader::snapshot);

    Commit commit = writer.append(rows("1|eu|created|1", "2|us|created|1"), CONTEXT);
    assertEquals(CONTEXT.properties(), commit.properties());
    writer.append(rows("3|asia|created|2"), CONTEXT);
    assertEquals(List.of("1|eu|created|1", "2|us|created|1", "3|asia|created|2"), render(reader.snapshot()));

    writer.overwritePartitions(rows("4|eu|paid|3", "5|eu|created|3"), CONTEXT);
    assertEquals(List.of("2|us|created|1", "3|asia|created|2", "4|eu|paid|3", "5|eu|created|3"),
        render(reader.snapshot()));

    writer.overwrite(rows("6|us|paid|4"), CONTEXT);
    assertEquals(List.of("6|us|paid|4"), render(reader.snapshot()));
  }

  @Test
  void filesKeepNoHistoryKeysOrCommits() {
    TableFormat format = TableFormats.get("parquet");
    assertEquals(Set.of(WriteMode.APPEND, WriteMode.OVERWRITE, WriteMode.OVERWRITE_PARTITIONS), format.writeModes());
    TableAddress address = newTable(format);
    TableReader reader = format.reader(TestSpark.session(), address);
    TableLayout keyed = new TableLayout(List.of("id"), Optional.of("updated_at"), List.of());
    TableWriter writer = format.writer(TestSpark.session(), address, keyed);
    writer.append(rows("1|eu|created|1"), CONTEXT);

    assertEquals(Optional.empty(), reader.latestCommit());
    assertThrows(UnsupportedOperationException.class, () -> reader.asOf(AsOf.version("0")));
    assertThrows(UnsupportedOperationException.class, () -> writer.upsert(rows("1|eu|paid|2"), CONTEXT));
    assertThrows(UnsupportedOperationException.class, () -> writer.delete(keys(1), CONTEXT));
    assertThrows(IllegalStateException.class, () -> writer.overwritePartitions(rows("1|eu|paid|2"), CONTEXT));
  }

  @Test
  void csvFilesHaveAHeaderLineByDefault() {
    TableFormat format = TableFormats.get("csv");
    TableAddress address = Orders.newTable(format);
    format.writer(TestSpark.session(), address, TableLayout.unkeyed(List.of())).append(rows("1|eu|created|1"), CONTEXT);

    List<String> lines = TestSpark.session().read().text(address.requirePath()).as(Encoders.STRING()).collectAsList();
    assertEquals(List.of("id,region,status,updated_at", "1,eu,created,2026-01-01T01:00:00.000Z"), lines);
  }
}
