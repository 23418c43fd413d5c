package dev.lakepipe.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lakepipe.cli.Lakepipe;
import dev.lakepipe.format.Commit;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableAddresses;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.testing.TestKafka;
import dev.lakepipe.testing.TestSpark;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The streaming test pipeline (specs/streaming/orders-stream.conf) over its own Kafka topic, into a table of each
 * format, its target named after the format: order events as JSON, upserted by order id, the latest {@code
 * updated_at} winning.
 */
final class OrderStream {
  static final String SPEC = "src/test/resources/specs/streaming/orders-stream.conf";
  static final Instant EPOCH = Instant.parse("2026-11-22T00:00:00Z");
  static final List<String> FORMATS = List.of("hudi", "delta", "iceberg");

  final String name;
  final String topic;
  private final String spec;
  private final List<String> formats;

  OrderStream(String name) {
    this(name, SPEC, FORMATS);
  }

  /** A pipeline like {@link #SPEC} that writes one target per format of {@code formats}, named after it. */
  OrderStream(String name, String spec, List<String> formats) {
    this.name = name;
    this.topic = name + "_events";
    this.spec = spec;
    this.formats = formats;
  }

  /** The JSON of an order event at hour {@code hour}. */
  static String event(long id, String status, String amount, int hour) {
    return "{\"order_id\":" + id + ",\"status\":\"" + status + "\",\"amount\":" + amount + ",\"updated_at\":\""
        + EPOCH.plus(Duration.ofHours(hour)) + "\"}";
  }

  /** Sends the values, in order, to the topic's partition. */
  void send(int partition, String... values) {
    List<TestKafka.Message> messages = new ArrayList<>();
    for (String value : values) {
      messages.add(new TestKafka.Message(null, value));
    }
    TestKafka.send(topic, partition, messages);
  }

  /** Sends the binary values, in order, to the topic's partition. */
  void send(int partition, byte[]... values) {
    TestKafka.sendBytes(topic, partition, List.of(values));
  }

  /**
   * The command line of a run of the pipeline, after the program name.
   *
   * @param settings more {@code --set} values, e.g. {@code targets.hudi.mode=append}
   */
  List<String> arguments(String... settings) {
    List<String> arguments = new ArrayList<>(List.of("run", spec, "--set", "warehouse=" + TestSpark.warehouse(),
        "--set", "name=" + name,
        "--set", "sources.orders.options.bootstrap-servers=\"" + TestKafka.bootstrapServers() + "\"",
        "--set", "sources.orders.options.topics=" + topic));
    formats.forEach(format -> arguments.addAll(List.of("--set", "targets." + format + ".table=" + table(format))));
    for (String setting : settings) {
      arguments.addAll(List.of("--set", setting));
    }
    return arguments;
  }

  private String table(String format) {
    return name + "_" + format + ".orders";
  }

  /** Runs the pipeline in this JVM; returns stdout and stderr, after checking the exit code. */
  String run(int expectedCode, String... settings) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Lakepipe.execute(new PrintWriter(out), new PrintWriter(err),
        arguments(settings).toArray(String[]::new));
    assertEquals(expectedCode, code, out + "\n" + err);
    return out + "\n" + err;
  }

  TableAddress target(String format) {
    return TableAddresses.resolve(TestSpark.settings(), TableFormats.get(format), format, Optional.empty(),
        Optional.of(table(format)), Map.of());
  }

  /** The target's rows as {@code id|status|amount|hour}, sorted; duplicates stay. */
  List<String> rows(String format) {
    // The runs wrote through sessions of their own: this session's catalog may cache an older state.
    target(format).identifier().ifPresent(table -> TestSpark.session().catalog().refreshTable(table));
    return TableFormats.get(format).reader(TestSpark.session(), target(format)).snapshot()
        .select("order_id", "status", "amount", "updated_at").collectAsList().stream()
        .map(row -> row.getLong(0) + "|" + row.getString(1) + "|" + row.<BigDecimal>getAs(2).toPlainString() + "|"
            + Duration.between(EPOCH, row.<Timestamp>getAs(3).toInstant()).toHours())
        .sorted().toList();
  }

  Optional<Commit> latestCommit(String format) {
    target(format).identifier().ifPresent(table -> TestSpark.session().catalog().refreshTable(table));
    return TableFormats.get(format).reader(TestSpark.session(), target(format)).latestCommit();
  }

  /** A target's quarantine table: source, position, raw_value, reason, batch_id, ... */
  Dataset<Row> quarantine(String format) {
    return new StreamQuarantine(TestSpark.settings(), name, format).reader(TestSpark.session()).snapshot();
  }
}
