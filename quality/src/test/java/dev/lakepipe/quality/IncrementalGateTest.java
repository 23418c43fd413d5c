package dev.lakepipe.quality;

import static dev.lakepipe.quality.GateFixture.lakepipe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.format.Commit;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableAddresses;
import dev.lakepipe.format.TableFormat;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.run.RunHistory;
import dev.lakepipe.run.RunRecord;
import dev.lakepipe.testing.TestSpark;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Write-audit-publish on incremental runs, for every table format: an hour whose increment fails an error-level
 * check publishes nothing (same latest commit, same rows, so the same checkpoint) and leaves a failed run record;
 * once the source is fixed, the next hour's run publishes both hours' changes.
 */
class IncrementalGateTest {
  private static final StructType SCHEMA = new StructType()
      .add("order_id", DataTypes.LongType, false)
      .add("status", DataTypes.StringType)
      .add("amount", DataTypes.DoubleType)
      .add("updated_at", DataTypes.TimestampType);
  private static final TableLayout LAYOUT = new TableLayout(List.of("order_id"), Optional.of("updated_at"), List.of());
  private static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");

  @ParameterizedTest
  @ValueSource(strings = {"delta", "hudi", "iceberg"})
  void aFailedHourPublishesNothingAndTheNextHourPublishesBoth(String format) {
    String pipeline = "gate_incremental_" + format;
    TableFormat tableFormat = TableFormats.get(format);
    TableAddress source = TableAddresses.resolve(TestSpark.settings(), tableFormat, "orders", Optional.empty(),
        Optional.of(pipeline + ".orders"), Map.of());
    TableAddress target = TableAddresses.resolve(TestSpark.settings(), tableFormat, "out", Optional.empty(),
        Optional.of(pipeline + ".out"), Map.of());
    Path spec = GateFixture.spec(pipeline, """
        name = %s
        sources { orders { format = %s, table = %s.orders, read = incremental } }
        steps { priced { sql = "SELECT order_id, status, amount, updated_at FROM orders WHERE status <> 'draft'" } }
        targets {
          out {
            from = priced, format = %s, table = %s.out, mode = upsert, keys = [order_id], order-by = updated_at
            checks {
              positive { kind = non-negative, column = amount }
              unique { kind = uniqueness, columns = [order_id] }
            }
          }
        }
        """.formatted(pipeline, format, pipeline, format, pipeline));

    write(tableFormat, source, 1, "1|paid|10.0", "2|paid|20.0", "3|created|30.0");
    lakepipe(ExitCodes.OK, "run", spec.toString(), "--logical-time", T0.toString());
    TableReader out = tableFormat.reader(TestSpark.session(), target);
    Commit published = out.latestCommit().orElseThrow();
    List<String> before = rows(out);

    // Hour 1: order 5 comes with a negative amount.
    write(tableFormat, source, 2, "4|paid|4.0", "5|paid|-1.0");
    String failed = lakepipe(ExitCodes.QUALITY, "run", spec.toString(), "--mode", "incremental",
        "--logical-time", T0.plusSeconds(3600).toString());
    String finding = "check positive (error) failed: Compliance(positive) = 0.5, expected >= 1.0";
    assertTrue(failed.contains(finding), failed);
    assertEquals(published, out.latestCommit().orElseThrow());
    assertEquals(before, rows(out));
    List<RunRecord> history = new RunHistory(TestSpark.session(), TestSpark.settings()).latest(pipeline, 10);
    assertEquals(List.of(RunRecord.FAILED, RunRecord.SUCCESS), history.stream().map(RunRecord::outcome).toList());
    assertTrue(history.get(0).message().orElseThrow().contains(finding), history.get(0).message()::toString);
    assertEquals(Map.of(), history.get(0).commits());

    // Hour 2: order 5 fixed, order 6 new; the run takes both hours' changes.
    write(tableFormat, source, 3, "5|paid|5.0", "6|created|6.0");
    lakepipe(ExitCodes.OK, "run", spec.toString(), "--mode", "incremental",
        "--logical-time", T0.plusSeconds(7200).toString());
    assertEquals(List.of("1|paid|10.0", "2|paid|20.0", "3|created|30.0", "4|paid|4.0", "5|paid|5.0",
        "6|created|6.0"), rows(out));
    assertEquals(T0.plusSeconds(7200).toString(),
        out.latestCommit().orElseThrow().properties().get(CommitContext.LOGICAL_TIME));
  }

  /** Upserts "order_id|status|amount" rows into the source, updated at second {@code version}. */
  private static void write(TableFormat format, TableAddress source, int version, String... rows) {
    List<Row> parsed = Arrays.stream(rows).map(r -> r.split("\\|"))
        .map(f -> RowFactory.create(Long.parseLong(f[0]), f[1], Double.parseDouble(f[2]),
            Timestamp.from(T0.plusSeconds(version))))
        .toList();
    format.writer(TestSpark.session(), source, LAYOUT)
        .upsert(TestSpark.session().createDataFrame(parsed, SCHEMA),
            new CommitContext("source-writer", "write-" + version, T0.plusSeconds(version)));
  }

  private static List<String> rows(TableReader reader) {
    return reader.snapshot().select("order_id", "status", "amount").collectAsList().stream()
        .map(r -> r.getLong(0) + "|" + r.getString(1) + "|" + r.getDouble(2)).sorted().toList();
  }
}
