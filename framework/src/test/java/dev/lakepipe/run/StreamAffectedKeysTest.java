package dev.lakepipe.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.cli.Lakepipe;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableAddresses;
import dev.lakepipe.format.TableFormat;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableWriter;
import dev.lakepipe.testing.TestSpark;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Aggregating targets in streaming runs: order events appended to a Hudi, a Delta and an Iceberg table are streamed
 * from it into daily totals per shop. Each micro-batch names the shop days it touches; those are recomputed from
 * the events table and replaced, and a shop day whose refunds cancel its sales is deleted. After every run the
 * target equals the aggregate of the whole events table, row for row. An aggregate over a Kafka source, which has
 * no snapshot to recompute from, is refused before anything runs.
 */
class StreamAffectedKeysTest {
  private static final String SPEC = "src/test/resources/specs/streaming/shop-totals.conf";
  private static final StructType EVENTS = new StructType()
      .add("event_id", DataTypes.LongType, false)
      .add("shop_id", DataTypes.LongType)
      .add("order_day", DataTypes.DateType)
      .add("amount", DataTypes.createDecimalType(12, 2));
  private static final String TOTALS = "SELECT shop_id, order_day, count(*) AS events, sum(amount) AS gmv FROM %s"
      + " GROUP BY shop_id, order_day HAVING sum(amount) <> 0";

  @Test
  void eachMicroBatchReplacesTheShopDaysItNames() {
    for (String format : OrderStream.FORMATS) {
      Events events = new Events(format);
      events.append("1|1|2026-11-20|10.00", "2|1|2026-11-21|5.00", "3|2|2026-11-21|7.50");
      String first = events.run(ExitCodes.OK);
      assertTrue(first.contains("3 in, 3 out"), first);
      assertEquals(events.expected(), events.totals(), format + " after the first run");
      assertEquals(3, events.totals().size(), format);

      // Shop 1's 21st gets a sale, shop 2's 21st is refunded to zero (deleted), shop 3 is new; the 20th is untouched.
      events.append("4|1|2026-11-21|2.50", "5|2|2026-11-21|-7.50", "6|3|2026-11-22|1.00");
      String second = events.run(ExitCodes.OK);
      assertTrue(second.contains("3 in, 3 out"), second);
      assertEquals(events.expected(), events.totals(), format + " after the second run");
      assertEquals(List.of("1|2026-11-20|1|10.00", "1|2026-11-21|2|7.50", "3|2026-11-22|1|1.00"), events.totals(),
          format);
    }
  }

  @Test
  void anAggregateOverAKafkaSourceIsRefused() throws IOException {
    Path spec = TestSpark.newFolder("kafka-totals-").resolve("totals.conf");
    Files.writeString(spec, String.join("\n", "name = kafka_totals", "mode = streaming",
        "sources.events { format = kafka, schema = \"shop_id BIGINT, order_day DATE, amount DECIMAL(12,2)\",",
        "  options { bootstrap-servers = \"127.0.0.1:1\", topics = events } }",
        "steps.daily_totals.sql = \"SELECT shop_id, order_day, sum(amount) AS gmv FROM events GROUP BY shop_id,"
            + " order_day\"",
        "targets.totals { from = daily_totals, format = delta, table = kafka_totals.totals, mode = upsert,",
        "  keys = [shop_id, order_day] }", ""));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Lakepipe.execute(new PrintWriter(out), new PrintWriter(err), "run", spec.toString(),
        "--set", "warehouse=" + TestSpark.warehouse());
    assertEquals(ExitCodes.INVALID, code, out + "\n" + err);
    assertTrue(err.toString().contains("target totals needs affected keys per micro-batch")
        && err.toString().contains("events is a kafka source, which keeps no snapshot to recompute from: append the"
            + " stream to a table with one target, and read that table with read = stream for target totals"),
        err.toString());
  }

  /**
   * A micro-batch whose late events are quarantined still refreshes the keys of its events that are on time, also
   * when there are no more of them than late ones.
   */
  @Test
  void lateEventsAreQuarantinedAndTheOnTimeOnesRefreshTheirKeys() throws IOException {
    Path folder = TestSpark.newFolder("late-totals-");
    String events = "late_totals_" + folder.getFileName().toString().replace('-', '_') + ".events";
    Path spec = folder.resolve("late-totals.conf");
    Files.writeString(spec, String.join("\n", "name = late_totals", "mode = streaming",
        "streaming.trigger = available-now",
        "sources.events { format = delta, table = \"" + events + "\", read = stream,",
        "  watermark { column = event_time, delay = 1h, late = quarantine } }",
        "steps.shop_totals.sql = \"SELECT shop_id, count(*) AS events, sum(amount) AS gmv FROM events GROUP BY"
            + " shop_id\"",
        "targets.totals { from = shop_totals, format = delta, table = " + events.replace(".events", ".totals")
            + ", mode = upsert, keys = [shop_id] }", ""));
    StructType schema = new StructType()
        .add("event_id", DataTypes.LongType, false)
        .add("shop_id", DataTypes.LongType)
        .add("amount", DataTypes.createDecimalType(12, 2))
        .add("event_time", DataTypes.TimestampType);
    TableFormat delta = TableFormats.get("delta");
    TableWriter writer = delta.writer(TestSpark.session(), TableAddresses.resolve(TestSpark.settings(), delta, events,
        Optional.empty(), Optional.of(events), Map.of()), new TableLayout(List.of("event_id"), Optional.empty(),
        List.of()));
    appendEvents(writer, schema, 1, "1|1|10.00|2026-11-20 10:00:00", "2|2|5.00|2026-11-20 12:00:00");
    runOk(spec);
    // The newest event written is 12:00, so the watermark is 11:00: two events are late, two on time (shop 3).
    appendEvents(writer, schema, 2, "3|1|1.00|2026-11-20 09:00:00", "4|2|1.00|2026-11-20 10:30:00",
        "5|3|2.00|2026-11-20 12:30:00", "6|3|3.00|2026-11-20 13:00:00");
    String second = runOk(spec);
    assertTrue(second.matches("(?s).*batch  totals +#1 +4 in, 1 out, 2 quarantined, 2 late  .*"), second);
    String totals = events.replace(".events", ".totals");
    assertEquals(List.of("1|1|10.00", "2|1|5.00", "3|2|5.00"), delta.reader(TestSpark.session(),
        TableAddresses.resolve(TestSpark.settings(), delta, totals, Optional.empty(), Optional.of(totals), Map.of()))
        .snapshot().selectExpr("shop_id", "events", "gmv").collectAsList().stream()
        .map(r -> r.get(0) + "|" + r.get(1) + "|" + r.get(2)).sorted().toList());
  }

  private static String runOk(Path spec) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Lakepipe.execute(new PrintWriter(out), new PrintWriter(err), "run", spec.toString(),
        "--set", "warehouse=" + TestSpark.warehouse());
    assertEquals(ExitCodes.OK, code, out + "\n" + err);
    return out.toString();
  }

  private static void appendEvents(TableWriter writer, StructType schema, int write, String... rows) {
    List<Row> values = new ArrayList<>();
    for (String row : rows) {
      String[] v = row.split("\\|");
      values.add(RowFactory.create(Long.parseLong(v[0]), Long.parseLong(v[1]), new BigDecimal(v[2]),
          Timestamp.valueOf(v[3])));
    }
    writer.append(TestSpark.session().createDataFrame(values, schema),
        new CommitContext("events-writer", "write-" + write, Instant.EPOCH.plusSeconds(write)));
  }

  /** The events table of one format and the pipeline over it. */
  private static final class Events {
    final String format;
    final String table;
    final String target;
    final TableWriter writer;
    final TableFormat tableFormat;
    int writes;

    Events(String format) {
      this.format = format;
      this.table = "shop_events_" + format + ".events";
      this.target = "shop_totals_" + format + ".totals";
      this.tableFormat = TableFormats.get(format);
      this.writer = tableFormat.writer(TestSpark.session(), address(table),
          new TableLayout(List.of("event_id"), Optional.empty(), List.of()));
    }

    void append(String... rows) {
      List<Row> values = new ArrayList<>();
      for (String row : rows) {
        String[] v = row.split("\\|");
        values.add(RowFactory.create(Long.parseLong(v[0]), Long.parseLong(v[1]), Date.valueOf(v[2]),
            new BigDecimal(v[3])));
      }
      writes++;
      writer.append(TestSpark.session().createDataFrame(values, EVENTS),
          new CommitContext("events-writer", "write-" + writes, Instant.EPOCH.plusSeconds(writes)));
    }

    String run(int expectedCode) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = Lakepipe.execute(new PrintWriter(out), new PrintWriter(err), "run", SPEC,
          "--set", "warehouse=" + TestSpark.warehouse(), "--set", "name=shop_totals_" + format,
          "--set", "sources.events.format=" + format, "--set", "sources.events.table=" + table,
          "--set", "targets.totals.format=" + format, "--set", "targets.totals.table=" + target);
      assertEquals(expectedCode, code, out + "\n" + err);
      return out + "\n" + err;
    }

    List<String> totals() {
      return strings(tableFormat.reader(TestSpark.session(), address(target)).snapshot()
          .selectExpr("shop_id", "order_day", "events", "gmv"));
    }

    /** The aggregate over the whole events table, as a full run computes it. */
    List<String> expected() {
      tableFormat.reader(TestSpark.session(), address(table)).snapshot().createOrReplaceTempView("all_events");
      return strings(TestSpark.session().sql(String.format(TOTALS, "all_events")));
    }

    private TableAddress address(String name) {
      return TableAddresses.resolve(TestSpark.settings(), tableFormat, name, Optional.empty(), Optional.of(name),
          Map.of());
    }

    private static List<String> strings(Dataset<Row> rows) {
      return rows.collectAsList().stream().map(r -> String.join("|", Arrays.stream(new int[] {0, 1, 2, 3})
          .mapToObj(i -> String.valueOf(r.get(i))).toList())).sorted().toList();
    }
  }
}
