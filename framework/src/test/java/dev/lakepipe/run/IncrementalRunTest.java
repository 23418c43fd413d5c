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
import dev.lakepipe.format.TableWriter;
import dev.lakepipe.spec.Storage;
import dev.lakepipe.testing.TestSpark;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
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
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Incremental runs on real Hudi, Delta and Iceberg tables: after a full run and a series of incremental runs over
 * inserts, updates (one that makes a row fail the step's filter, one that moves it to another partition) and
 * deletes, the target equals a fresh full run over the same source snapshot, row for row.
 */
class IncrementalRunTest {
  static final String SPEC = "src/test/resources/specs/incremental/open-orders.conf";
  private static final StructType SCHEMA = new StructType()
      .add("order_id", DataTypes.LongType, false)
      .add("region", DataTypes.StringType)
      .add("status", DataTypes.StringType)
      .add("amount", DataTypes.createDecimalType(12, 2))
      .add("updated_at", DataTypes.TimestampType)
      .add("order_date", DataTypes.DateType);
  static final TableLayout LAYOUT =
      new TableLayout(List.of("order_id"), Optional.of("updated_at"), List.of("order_date"));
  private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");

  /** One pipeline over one source table and target tables of a format. */
  static final class Pipeline {
    final String format;
    final String name;
    final String spec;
    final List<String> targets;
    final TableWriter source;
    final String sourceTable;
    final String regions;
    /** The targets' storage when the spec's default is not wanted. */
    Optional<String> targetStorage = Optional.empty();
    private int writes;

    Pipeline(String format, String name) throws IOException {
      this(format, name, SPEC, List.of("open_orders"), LAYOUT);
    }

    Pipeline(String format, String name, TableLayout sourceLayout) throws IOException {
      this(format, name, SPEC, List.of("open_orders"), sourceLayout);
    }

    /** @param targets the spec's targets, each written to table {@code <name>.<variant>_<target>} */
    Pipeline(String format, String name, String spec, List<String> targets) throws IOException {
      this(format, name, spec, targets, LAYOUT);
    }

    private Pipeline(String format, String name, String spec, List<String> targets, TableLayout sourceLayout)
        throws IOException {
      this.format = format;
      this.name = name;
      this.spec = spec;
      this.targets = List.copyOf(targets);
      this.sourceTable = name + ".orders";
      TableFormat tableFormat = TableFormats.get(format);
      TableAddress address = TableAddresses.resolve(TestSpark.settings(), tableFormat, "orders", Optional.empty(),
          Optional.of(sourceTable), Map.of());
      this.source = tableFormat.writer(TestSpark.session(), address, sourceLayout);
      Path folder = TestSpark.newFolder("regions-");
      Files.write(folder.resolve("regions.json"), List.of(
          "{\"region\":\"eu\",\"region_name\":\"Europe\"}", "{\"region\":\"us\",\"region_name\":\"Americas\"}"));
      this.regions = folder.toString();
    }

    CommitContext nextWrite() {
      writes++;
      return new CommitContext("source-writer", "write-" + writes, EPOCH.plusSeconds(writes));
    }

    void upsert(String... rows) {
      source.upsert(rows(rows), nextWrite());
    }

    void delete(long... ids) {
      source.delete(rows(Arrays.stream(ids).mapToObj(id -> id + "|-|-|0|0|1").toArray(String[]::new)), nextWrite());
    }

    /** Runs the pipeline into a variant of its target tables; returns stdout and stderr, after checking the exit code. */
    String run(String mode, Instant logicalTime, String variant, int expectedCode) {
      return lakepipe(List.of("run", spec, "--mode", mode, "--logical-time", logicalTime.toString()), variant,
          expectedCode);
    }

    /** Runs a command line over the pipeline into a variant of its target tables; returns stdout and stderr. */
    String lakepipe(List<String> command, String variant, int expectedCode) {
      return lakepipeAsIs(arguments(command, variant), expectedCode);
    }

    /** Runs a command line as given; returns stdout and stderr, after checking the exit code. */
    String lakepipeAsIs(List<String> args, int expectedCode) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = Lakepipe.execute(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
      assertEquals(expectedCode, code, out + "\n" + err);
      return out + "\n" + err;
    }

    /** A command line over the pipeline into a variant of its target tables, with the settings that say where. */
    List<String> arguments(List<String> command, String variant) {
      List<String> args = new ArrayList<>(command);
      args.addAll(List.of("--set", "warehouse=" + TestSpark.warehouse(),
          "--set", "name=" + name + "_" + variant,
          "--set", "sources.orders.format=" + format, "--set", "sources.orders.table=" + sourceTable,
          "--set", "sources.regions.path=" + regions));
      for (String target : targets) {
        args.addAll(List.of("--set", "targets." + target + ".format=" + format,
            "--set", "targets." + target + ".table=" + table(variant, target)));
        targetStorage.ifPresent(storage -> args.addAll(List.of("--set", "targets." + target + ".storage=" + storage)));
      }
      return args;
    }

    private String table(String variant, String target) {
      return name + "." + (targets.size() == 1 ? variant : variant + "_" + target);
    }

    TableAddress target(String variant, String target) {
      return TableAddresses.resolve(TestSpark.settings(), TableFormats.get(format), target, Optional.empty(),
          Optional.of(table(variant, target)), Map.of());
    }

    /** The rows of a variant's one target (the row-wise spec's). */
    List<String> rowsOf(String variant) {
      return snapshot(variant, targets.get(0))
          .select("order_id", "status", "amount", "updated_at", "order_date", "region_name").collectAsList()
          .stream().map(IncrementalRunTest::render).sorted().toList();
    }

    Dataset<Row> snapshot(String variant, String target) {
      return TableFormats.get(format).reader(TestSpark.session(), target(variant, target)).snapshot();
    }

    Commit latest(String variant) {
      return TableFormats.get(format).reader(TestSpark.session(), target(variant, targets.get(0))).latestCommit()
          .orElseThrow();
    }
  }

  /** Rows from {@code "1|eu|created|10.50|3|2"}: id, region, status, amount, hour of updated_at, day of order_date. */
  private static Dataset<Row> rows(String... rows) {
    List<Row> parsed = Arrays.stream(rows).map(row -> row.split("\\|")).map(f -> RowFactory.create(
            Long.parseLong(f[0]), f[1], f[2], new BigDecimal(f[3]),
            Timestamp.from(EPOCH.plus(Duration.ofHours(Integer.parseInt(f[4])))),
            Date.valueOf(LocalDate.of(2026, 1, Integer.parseInt(f[5])))))
        .toList();
    return TestSpark.session().createDataFrame(parsed, SCHEMA);
  }

  private static String render(Row row) {
    return row.getLong(0) + "|" + row.getString(1) + "|" + row.<BigDecimal>getAs(2).toPlainString() + "|"
        + Duration.between(EPOCH, row.<Timestamp>getAs(3).toInstant()).toHours() + "|"
        + row.<Date>getAs(4).toLocalDate().getDayOfMonth() + "|" + row.getString(5);
  }

  static Instant hour(int n) {
    return T0.plus(Duration.ofHours(n));
  }

  @ParameterizedTest
  @ValueSource(strings = {"hudi", "delta", "iceberg", "iceberg/copy-on-write"})
  void incrementalRunsEndWhereAFullRunDoes(String formatAndStorage) throws IOException {
    String[] parts = formatAndStorage.split("/");
    Pipeline p = new Pipeline(parts[0], "inc_" + formatAndStorage.replaceAll("\\W", "_"));
    if (parts.length > 1) {
      p.targetStorage = Optional.of(parts[1]);
    }
    p.upsert("1|eu|created|10.00|1|1", "2|us|created|20.00|1|1", "3|eu|created|30.00|1|2",
        "4|eu|created|40.00|1|2", "5|us|created|50.00|1|3");
    p.run("full", hour(0), "live", ExitCodes.OK);

    // Inserts, an update, an update that makes the row fail the step's filter, and a delete, in three commits.
    p.upsert("6|eu|created|60.00|2|3", "7|us|created|70.00|2|3", "1|eu|paid|10.00|3|1");
    p.upsert("2|us|cancelled|20.00|4|1");
    p.delete(3);
    p.run("incremental", hour(1), "live", ExitCodes.OK);

    // An update that moves a row to another partition; a key inserted and deleted within the window, another
    // deleted and inserted again; the cancelled row passes the filter again.
    p.upsert("4|eu|paid|40.00|5|4", "8|eu|created|80.00|5|4");
    p.delete(8);
    p.delete(5);
    p.upsert("5|us|created|55.00|6|3", "2|us|refunded|20.00|6|1");
    p.run("incremental", hour(2), "live", ExitCodes.OK);

    // Nothing new: no commit.
    Commit before = p.latest("live");
    String quiet = p.run("incremental", hour(3), "live", ExitCodes.OK);
    assertTrue(quiet.contains("nothing new"), quiet);
    assertEquals(before, p.latest("live"));

    // An update that the join drops (no such region), and an update of an amount.
    p.upsert("6|xx|paid|60.00|7|3", "7|us|paid|75.00|7|3");
    p.run("incremental", hour(4), "live", ExitCodes.OK);
    Commit done = p.latest("live");
    assertEquals(hour(4).toString(), done.properties().get(CommitContext.LOGICAL_TIME));
    // A rerun of the same hour finds its own commit and does nothing.
    String rerun = p.run("incremental", hour(4), "live", ExitCodes.OK);
    assertTrue(rerun.contains("already done"), rerun);
    assertEquals(done, p.latest("live"));

    // Only a delete.
    p.delete(6);
    p.run("incremental", hour(5), "live", ExitCodes.OK);

    List<String> expected = List.of(
        "1|paid|10.00|3|1|Europe",
        "2|refunded|20.00|6|1|Americas",
        "4|paid|40.00|5|4|Europe",
        "5|created|55.00|6|3|Americas",
        "7|paid|75.00|7|3|Americas");
    assertEquals(expected, p.rowsOf("live"));
    p.run("full", hour(5), "fresh", ExitCodes.OK);
    assertEquals(p.rowsOf("fresh"), p.rowsOf("live"));

    RunRecord last = new RunHistory(TestSpark.session(), TestSpark.settings()).latest(p.name + "_live", 1).get(0);
    assertEquals("incremental", last.mode());
    assertEquals(RunRecord.SUCCESS, last.outcome());
    assertTrue(last.reads().get("orders").matches("[^.]+\\.\\.[^.]+"), last.reads().toString());

    // A full run after incremental ones replaces the target: a row deleted since the last run goes too.
    p.delete(7);
    p.run("full", hour(6), "live", ExitCodes.OK);
    assertEquals(expected.subList(0, 4), p.rowsOf("live"));
  }

  @Test
  void backfillRunsEachHourInOrderAndResumesAfterTheHoursDone() throws IOException {
    Pipeline p = new Pipeline("delta", "backfill");
    p.upsert("1|eu|created|10.00|1|1", "2|us|created|20.00|1|1");
    p.run("full", hour(0), "live", ExitCodes.OK);
    // Hour 1 is done before the backfill, as by an earlier backfill that stopped after it.
    p.upsert("1|eu|paid|10.00|2|1");
    p.run("incremental", hour(1), "live", ExitCodes.OK);
    p.upsert("3|eu|created|30.00|3|2");
    p.delete(2);

    List<String> backfill = List.of("backfill", SPEC, "--from", hour(1).toString(), "--to", hour(4).toString(),
        "--step", "1h");
    String output = p.lakepipe(backfill, "live", ExitCodes.OK);
    assertTrue(output.contains("skip " + hour(1) + ": done by an earlier run"), output);
    assertTrue(output.contains("backfill of backfill_live: 3 logical times, 2 run, 1 already done"), output);
    assertEquals(List.of("1|paid|10.00|2|1|Europe", "3|created|30.00|3|2|Europe"), p.rowsOf("live"));
    assertEquals(Set.of(hour(0), hour(1), hour(2), hour(3)), new RunHistory(TestSpark.session(),
        TestSpark.settings()).succeeded("backfill_live", hour(0), hour(10)));

    String again = p.lakepipe(backfill, "live", ExitCodes.OK);
    assertTrue(again.contains("3 logical times, 0 run, 3 already done"), again);
    String badStep = p.lakepipe(List.of("backfill", SPEC, "--from", hour(1).toString(), "--to",
        hour(4).toString(), "--step", "0h"), "live", ExitCodes.INVALID);
    assertTrue(badStep.contains("--step '0h' is not a positive step"), badStep);
  }

  @Test
  void aSourceWhoseHistoryExpiredFailsTellingToRunInFull() throws IOException {
    Pipeline p = new Pipeline("iceberg", "expired");
    p.upsert("1|eu|created|10.00|1|1");
    p.run("full", hour(0), "live", ExitCodes.OK);
    p.upsert("2|eu|created|20.00|2|1");
    p.upsert("3|eu|created|30.00|3|1");
    TestSpark.session().sql("CALL " + TestSpark.settings().catalog() + ".system.expire_snapshots(table => '"
        + p.sourceTable + "', older_than => TIMESTAMP '2999-01-01 00:00:00', retain_last => 1)").collectAsList();

    String output = p.run("incremental", hour(1), "live", ExitCodes.FAILURE);
    assertTrue(output.contains("--mode full"), output);
    RunRecord last = new RunHistory(TestSpark.session(), TestSpark.settings()).latest(p.name + "_live", 1).get(0);
    assertEquals(RunRecord.FAILED, last.outcome());
    assertEquals("incremental", last.mode());
    assertTrue(last.message().orElseThrow().contains("--mode full"), last.message().toString());

    p.run("full", hour(1), "live", ExitCodes.OK);
    p.run("incremental", hour(2), "live", ExitCodes.OK);
    assertEquals(List.of("1|created|10.00|1|1|Europe", "2|created|20.00|2|1|Europe", "3|created|30.00|3|1|Europe"),
        p.rowsOf("live"));
  }

  @Test
  void anIncrementalRunWhoseTargetNamesAColumnItsRowsLackExitsTwoBeforeWritingIt() throws IOException {
    Pipeline p = new Pipeline("delta", "missing_column");
    p.upsert("1|eu|created|10.00|1|1");
    p.run("full", T0, "live", ExitCodes.OK);
    Commit full = p.latest("live");
    p.upsert("1|eu|paid|10.00|2|1");

    String output = p.lakepipe(List.of("run", p.spec, "--mode", "incremental", "--logical-time",
        T0.plusSeconds(3600).toString(), "--set", "targets.open_orders.order-by=updated"), "live", ExitCodes.INVALID);
    assertTrue(output.contains("lakepipe: target open_orders names columns that its rows do not have: order-by"
        + " updated; the rows of open_orders have order_id, ") && output.contains("; nothing was written to it"),
        output);
    assertEquals(full, p.latest("live"));
  }

  @Test
  void anIncrementalRunOfAMergeOnReadIcebergSourceReadsItsDeletionVectors() throws IOException {
    Pipeline p = new Pipeline("iceberg", "mor_source", LAYOUT.withStorage(Storage.MERGE_ON_READ));
    p.upsert("1|eu|created|10.00|1|1", "2|us|created|20.00|1|1", "3|eu|paid|30.00|1|2");
    p.run("full", T0, "live", ExitCodes.OK);
    p.upsert("1|eu|paid|10.00|2|1", "4|us|paid|40.00|2|3");
    p.delete(2);

    p.run("incremental", T0.plusSeconds(3600), "live", ExitCodes.OK);
    p.run("full", T0.plusSeconds(3600), "fresh", ExitCodes.OK);
    assertEquals(p.rowsOf("fresh"), p.rowsOf("live"));
  }

  @Test
  void planShowsEachTargetsStrategyAndAnIncrementalRunRefusesWhatItCannotCompute() {
    String spec = "src/test/resources/specs/incremental/strategies.conf";
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertEquals(ExitCodes.OK, Lakepipe.execute(new PrintWriter(out), new PrintWriter(err), "plan", spec));
    List<String> strategies = new ArrayList<>(out.toString().lines().map(String::strip)
        .filter(l -> l.startsWith("incremental:")).toList());
    assertEquals(List.of(
        "incremental: not incremental: has mode append, but an increment upserts rows and deletes keys; use"
            + " mode = upsert with keys",
        "incremental: algebraic delta, as step daily is a GROUP BY over the rows of orders with COUNT/SUM/AVG measures:"
            + " the groups its changes touch get old + agg(post-images) - agg(pre-images), from the changes and the"
            + " stored rows of those groups only; a group left with no rows is deleted (if Spark's analysis of the"
            + " step finds another aggregate, affected keys)",
        "incremental: row-wise on the changes of orders: step enriched map, filter or enrich its rows; upserted by"
            + " order_id, deleted keys deleted",
        "incremental: affected keys, as step gmv is not row-wise over orders (the aggregate sum(), the aggregate"
            + " max(), GROUP BY): the keys shop_id that the changes of orders (by column name) name are recomputed"
            + " from the sources, read only where they can contribute, and replaced; keys no longer computed are"
            + " deleted",
        "incremental: affected keys, as step kept is not row-wise over orders (orders on the right of a LEFT JOIN):"
            + " the keys shop_id that the changes of orders (by column name) name are recomputed from the sources,"
            + " read only where they can contribute, and replaced; keys no longer computed are deleted",
        "incremental: affected keys, as it combines the changes of orders and payments: the keys order_id that the"
            + " changes of orders (by column name) and payments (by column name) name are recomputed from the"
            + " sources, read only where they can contribute, and replaced; keys no longer computed are deleted",
        "incremental: not incremental: reads no source with read = incremental; only full runs compute it"),
        strategies);

    StringWriter runErr = new StringWriter();
    int code = Lakepipe.execute(new PrintWriter(new StringWriter()), new PrintWriter(runErr), "run", spec,
        "--mode", "incremental", "--set", "warehouse=" + TestSpark.warehouse());
    assertEquals(ExitCodes.INVALID, code, runErr.toString());
    assertTrue(runErr.toString().contains("target appended not incremental: has mode append")
        && runErr.toString().contains("nothing ran"), runErr.toString());
  }
}
