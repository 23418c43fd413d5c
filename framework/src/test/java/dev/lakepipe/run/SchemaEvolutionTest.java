package dev.lakepipe.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.cli.Lakepipe;
import dev.lakepipe.format.Commit;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableAddresses;
import dev.lakepipe.format.TableFormat;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.format.TableWriter;
import dev.lakepipe.testing.TestSpark;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * Schema evolution of a target on real Hudi, Delta and Iceberg tables, in full and incremental runs: a column the
 * step adds reaches the table (the rows written before read null in it), a safe widening is applied under {@code
 * widen}, and a dropped column, a widening without {@code widen}, a column added under {@code fail} or a widening the
 * format cannot make fail the run with exit code 2 before anything is committed: the table is unchanged.
 */
class SchemaEvolutionTest {
  private static final String SPEC = "src/test/resources/specs/schema/evolving.conf";
  private static final StructType SOURCE = new StructType()
      .add("order_id", DataTypes.LongType, false)
      .add("qty", DataTypes.IntegerType)
      .add("units", DataTypes.IntegerType)
      .add("note", DataTypes.StringType)
      .add("updated_at", DataTypes.TimestampType);
  private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");

  /**
   * Each format's narrower and wider integer type: Delta 3.3 on Spark 3.5 widens only up to INT, so its test widens
   * SMALLINT to INT and checks that INT to BIGINT is refused.
   */
  private static List<String> types(String format) {
    return format.equals("delta") ? List.of("SMALLINT", "INT") : List.of("INT", "BIGINT");
  }

  @ParameterizedTest
  @ValueSource(strings = {"hudi", "delta", "iceberg"})
  void addsAndWidensWhatThePolicyAllowsAndRefusesTheRestBeforeCommitting(String format) {
    String narrow = types(format).get(0);
    String wide = types(format).get(1);
    String db = "evolve_" + format;
    TableFormat tableFormat = TableFormats.get(format);
    TableAddress sourceAddress = TableAddresses.resolve(TestSpark.settings(), tableFormat, "orders", Optional.empty(),
        Optional.of(db + ".orders"), Map.of());
    TableWriter source = tableFormat.writer(TestSpark.session(), sourceAddress,
        new TableLayout(List.of("order_id"), Optional.of("updated_at"), List.of()));
    TableAddress targetAddress = TableAddresses.resolve(TestSpark.settings(), tableFormat, "latest",
        Optional.empty(), Optional.of(db + ".latest"), Map.of());
    Runner runner = new Runner(format, db);

    source.upsert(rows("1|1|10|n1|1", "2|2|20|n2|1"), write(1));
    runner.run("full", 0, ExitCodes.OK, sql(narrow, narrow, ""), "add-columns");
    assertEquals(List.of("1|1|10", "2|2|20"), rows(format, targetAddress, false));

    // An incremental run whose step adds a column: the rows it writes have it, the others read null.
    source.upsert(rows("1|11|10|n1b|2", "3|3|30|n3|2"), write(2));
    runner.run("incremental", 1, ExitCodes.OK, sql(narrow, narrow, ", note"), "add-columns");
    assertEquals(List.of("1|11|10|n1b", "2|2|20|null", "3|3|30|n3"), rows(format, targetAddress, true));

    // Refused, in incremental and full runs: nothing is committed, the table is as it was.
    source.upsert(rows("4|4|40|n4|3"), write(3));
    Commit before = latest(format, targetAddress);
    String dropped = runner.run("incremental", 2, ExitCodes.INVALID, sql(narrow, narrow, ""), "add-columns");
    assertTrue(dropped.contains("lakepipe: write latest failed: schema-evolution = add-columns refuses the rows for "
        + targetAddress.location() + ": column note (STRING) is in the table but not in the rows: no"
        + " schema-evolution drops or renames a column; nothing was committed to it"), dropped);
    String widened = runner.run("incremental", 2, ExitCodes.INVALID, sql(wide, narrow, ", note"), "add-columns");
    assertTrue(widened.contains("column qty is " + narrow + " in the table and " + wide + " in the rows: widening it"
        + " needs schema-evolution = widen, not add-columns"), widened);
    String added = runner.run("incremental", 2, ExitCodes.INVALID, sql(narrow, narrow, ", note, 'x' AS extra"),
        "fail");
    assertTrue(added.contains("schema-evolution = fail refuses the rows for " + targetAddress.location()
        + ": column extra (STRING) is not in the table: adding it needs schema-evolution = add-columns or widen,"
        + " not fail"), added);
    String fullDropped = runner.run("full", 2, ExitCodes.INVALID, sql(narrow, narrow, ""), "widen");
    assertTrue(fullDropped.contains("column note (STRING) is in the table but not in the rows"), fullDropped);
    assertEquals(before, latest(format, targetAddress));
    assertEquals(List.of("1|11|10|n1b", "2|2|20|null", "3|3|30|n3"), rows(format, targetAddress, true));

    // Widened under widen: in an incremental run (qty), then in a full run (units).
    runner.run("incremental", 2, ExitCodes.OK, sql(wide, narrow, ", note"), "widen");
    assertEquals(List.of("1|11|10|n1b", "2|2|20|null", "3|3|30|n3", "4|4|40|n4"), rows(format, targetAddress, true));
    assertEquals(List.of(wide, narrow), types(format, targetAddress));
    runner.run("full", 3, ExitCodes.OK, sql(wide, wide, ", note"), "widen");
    assertEquals(List.of("1|11|10|n1b", "2|2|20|n2", "3|3|30|n3", "4|4|40|n4"), rows(format, targetAddress, true));
    assertEquals(List.of(wide, wide), types(format, targetAddress));

    if (format.equals("delta")) {
      Commit widenedCommit = latest(format, targetAddress);
      String beyond = runner.run("full", 4, ExitCodes.INVALID, sql("BIGINT", wide, ", note"), "widen");
      assertTrue(beyond.contains("column qty is INT in the table and BIGINT in the rows: Delta 3.3 on Spark 3.5"
          + " widens only TINYINT to SMALLINT to INT"), beyond);
      assertEquals(widenedCommit, latest(format, targetAddress));
    }
  }

  private static String sql(String qty, String units, String more) {
    return "\"SELECT order_id, CAST(qty AS " + qty + ") AS qty, CAST(units AS " + units + ") AS units" + more
        + ", updated_at FROM orders\"";
  }

  /** Runs the spec with the step's SQL and the target's policy; returns stdout and stderr. */
  private record Runner(String format, String db) {
    String run(String mode, int hour, int expectedCode, String sql, String policy) {
      List<String> args = new ArrayList<>(List.of("run", SPEC, "--mode", mode,
          "--logical-time", T0.plus(Duration.ofHours(hour)).toString(),
          "--set", "warehouse=" + TestSpark.warehouse(), "--set", "name=evolving_" + format,
          "--set", "sources.orders.format=" + format, "--set", "sources.orders.table=" + db + ".orders",
          "--set", "targets.latest.format=" + format, "--set", "targets.latest.table=" + db + ".latest",
          "--set", "targets.latest.schema-evolution=" + policy, "--set", "steps.latest.sql=" + sql));
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = Lakepipe.execute(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
      assertEquals(expectedCode, code, out + "\n" + err);
      return out + "\n" + err;
    }
  }

  private static CommitContext write(int n) {
    return new CommitContext("source-writer", "write-" + n, EPOCH.plusSeconds(n));
  }

  /** Rows from {@code "1|5|50|note|2"}: id, qty, units, note, hour of updated_at. */
  private static org.apache.spark.sql.Dataset<Row> rows(String... rows) {
    List<Row> parsed = Arrays.stream(rows).map(row -> row.split("\\|")).map(f -> RowFactory.create(
        Long.parseLong(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]), f[3],
        Timestamp.from(EPOCH.plus(Duration.ofHours(Integer.parseInt(f[4])))))).toList();
    return TestSpark.session().createDataFrame(parsed, SOURCE);
  }

  private static TableReader reader(String format, TableAddress address) {
    address.identifier().ifPresent(table -> TestSpark.session().catalog().refreshTable(table));
    return TableFormats.get(format).reader(TestSpark.session(), address);
  }

  /** The target's rows as {@code id|qty|units[|note]}, sorted. */
  private static List<String> rows(String format, TableAddress address, boolean withNote) {
    return reader(format, address).snapshot().selectExpr(withNote
            ? "concat_ws('|', order_id, qty, units, coalesce(note, 'null'))" : "concat_ws('|', order_id, qty, units)")
        .collectAsList().stream().map(row -> row.getString(0)).sorted().toList();
  }

  /** The SQL types of the target's qty and units. */
  private static List<String> types(String format, TableAddress address) {
    StructType schema = reader(format, address).snapshot().schema();
    return List.of(schema.apply("qty").dataType().sql(), schema.apply("units").dataType().sql());
  }

  private static Commit latest(String format, TableAddress address) {
    return reader(format, address).latestCommit().orElseThrow();
  }
}
