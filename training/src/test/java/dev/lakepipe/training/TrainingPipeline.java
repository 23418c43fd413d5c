package dev.lakepipe.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lakepipe.cli.Lakepipe;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableAddresses;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableWriter;
import dev.lakepipe.testing.TestSpark;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * A spec over source tables of one format that the test writes, run through the command line into target tables of
 * the same format, each table named {@code <name>.<table>}.
 */
final class TrainingPipeline {
  static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

  final String format;
  final String name;
  private final String spec;
  private final List<String> targets;
  private final Map<String, TableWriter> sources = new LinkedHashMap<>();
  private final Map<String, StructType> schemas = new LinkedHashMap<>();
  private int writes;

  TrainingPipeline(String format, String name, String spec, List<String> targets) {
    this.format = format;
    this.name = name;
    this.spec = spec;
    this.targets = List.copyOf(targets);
  }

  /** Declares a source table the test writes, keyed by its first column. */
  TrainingPipeline source(String source, StructType schema) {
    return source(source, schema, List.of(schema.fieldNames()[0]));
  }

  /** Declares a source table the test writes, with its key columns. */
  TrainingPipeline source(String source, StructType schema, List<String> keys) {
    TableLayout layout = new TableLayout(keys, Optional.empty(), List.of());
    sources.put(source, TableFormats.get(format).writer(TestSpark.session(), address(source), layout));
    schemas.put(source, schema);
    return this;
  }

  /** Upserts rows, each given as its values, into a source table. */
  void upsert(String source, Object[]... rows) {
    List<Row> parsed = java.util.Arrays.stream(rows).map(RowFactory::create).toList();
    writes++;
    sources.get(source).upsert(TestSpark.session().createDataFrame(parsed, schemas.get(source)),
        new CommitContext("test-writer", "write-" + writes, T0.plusSeconds(writes)));
  }

  /** Runs a command line over the spec; returns stdout and stderr, after checking the exit code. */
  String lakepipe(List<String> command, int expectedCode) {
    List<String> args = new ArrayList<>(command);
    args.addAll(List.of("--set", "warehouse=" + TestSpark.warehouse(), "--set", "name=" + name));
    for (String source : sources.keySet()) {
      args.addAll(List.of("--set", "sources." + source + ".format=" + format,
          "--set", "sources." + source + ".table=" + name + "." + source));
    }
    for (String target : targets) {
      args.addAll(List.of("--set", "targets." + target + ".format=" + format,
          "--set", "targets." + target + ".table=" + name + "." + target));
    }
    return lakepipeAsIs(args, expectedCode);
  }

  /** Runs a command line as given; returns stdout and stderr, after checking the exit code. */
  static String lakepipeAsIs(List<String> args, int expectedCode) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Lakepipe.execute(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
    assertEquals(expectedCode, code, out + "\n" + err);
    return out + "\n" + err;
  }

  String run(String mode, int hour) {
    return lakepipe(List.of("run", spec, "--mode", mode, "--logical-time",
        T0.plus(Duration.ofDays(10)).plus(Duration.ofHours(hour)).toString()), 0);
  }

  Dataset<Row> table(String table) {
    return TableFormats.get(format).reader(TestSpark.session(), address(table)).snapshot();
  }

  TableAddress address(String table) {
    return TableAddresses.resolve(TestSpark.settings(), TableFormats.get(format), table, Optional.empty(),
        Optional.of(name + "." + table), Map.of());
  }

  /** The time {@code hours} after {@link #T0}. */
  static Timestamp at(double hours) {
    return Timestamp.from(T0.plusSeconds(Math.round(hours * 3600)));
  }

  /** Hours after {@link #T0}, for display. */
  static String hours(Timestamp time) {
    return time == null ? "null" : String.valueOf(Duration.between(T0, time.toInstant()).toMinutes() / 60.0);
  }
}
