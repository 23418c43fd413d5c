package dev.lakepipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.format.TableAddresses;
import dev.lakepipe.format.TableFormat;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.run.PipelineLocks;
import dev.lakepipe.run.RunHistory;
import dev.lakepipe.run.RunRecord;
import dev.lakepipe.testing.TestSpark;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same spec, run through the CLI with every write mode, leaves identical content in its Hudi, Delta and
 * Iceberg targets, and that content is exactly what the modes promise.
 */
class PipelineRunTest {
  private static final Path SPEC = Path.of("src/test/resources/specs/run/orders-to-three-formats.conf");
  private static final List<String> TARGETS = List.of("hudi_orders", "delta_orders", "iceberg_orders");
  private static final Map<String, String> FORMATS =
      Map.of("hudi_orders", "hudi", "delta_orders", "delta", "iceberg_orders", "iceberg");
  private static final Map<String, String> TABLES =
      Map.of("hudi_orders", "run.orders_hudi", "delta_orders", "run.orders_delta", "iceberg_orders", "run.orders_iceberg");

  private static Path input;
  private String lastRunId;

  @BeforeAll
  static void startSpark() {
    TestSpark.session();
    input = TestSpark.newFolder("run-input");
  }

  @Test
  void everyModeGivesTheSameTableOnEveryFormat() throws IOException {
    // Out of order within the batch: order 1's "paid" (10:00) comes before its "created" (09:00).
    run("batch1.json", List.of(
        change(1, "paid", 10.0, "2026-11-20T10:00:00", "2026-11-20"),
        change(1, "created", 10.0, "2026-11-20T09:00:00", "2026-11-20"),
        change(2, "created", 20.0, "2026-11-20T11:00:00", "2026-11-20"),
        change(3, "created", 30.0, "2026-11-21T08:00:00", "2026-11-21")));
    assertAllTargets(List.of(
        "1|paid|10.0|2026-11-20 10:00:00|2026-11-20",
        "2|created|20.0|2026-11-20 11:00:00|2026-11-20",
        "3|created|30.0|2026-11-21 08:00:00|2026-11-21"));
    assertHistoryRecordsTheRun();

    // Across batches: a late, older update of order 1 must not win over the stored newer one; 2 moves on.
    run("batch2.json", List.of(
        change(1, "created", 10.0, "2026-11-20T09:30:00", "2026-11-20"),
        change(2, "shipped", 20.0, "2026-11-22T07:00:00", "2026-11-20"),
        change(4, "created", 40.0, "2026-11-22T09:00:00", "2026-11-22")));
    assertAllTargets(List.of(
        "1|paid|10.0|2026-11-20 10:00:00|2026-11-20",
        "2|shipped|20.0|2026-11-22 07:00:00|2026-11-20",
        "3|created|30.0|2026-11-21 08:00:00|2026-11-21",
        "4|created|40.0|2026-11-22 09:00:00|2026-11-22"));

    // Delete by key: only the key matters, the other columns of the input are ignored.
    run("deletes.json", List.of(change(2, "deleted", 0.0, "2026-11-23T00:00:00", "1999-01-01")),
        "delete");
    assertAllTargets(List.of(
        "1|paid|10.0|2026-11-20 10:00:00|2026-11-20",
        "3|created|30.0|2026-11-21 08:00:00|2026-11-21",
        "4|created|40.0|2026-11-22 09:00:00|2026-11-22"));

    // Overwrite of the partitions present in the input: 2026-11-21 is replaced, the others stay.
    run("partition.json", List.of(change(5, "created", 50.0, "2026-11-23T01:00:00", "2026-11-21")),
        "overwrite-partitions");
    assertAllTargets(List.of(
        "1|paid|10.0|2026-11-20 10:00:00|2026-11-20",
        "4|created|40.0|2026-11-22 09:00:00|2026-11-22",
        "5|created|50.0|2026-11-23 01:00:00|2026-11-21"));

    run("appended.json", List.of(change(6, "created", 60.0, "2026-11-23T02:00:00", "2026-11-23")), "append");
    assertAllTargets(List.of(
        "1|paid|10.0|2026-11-20 10:00:00|2026-11-20",
        "4|created|40.0|2026-11-22 09:00:00|2026-11-22",
        "5|created|50.0|2026-11-23 01:00:00|2026-11-21",
        "6|created|60.0|2026-11-23 02:00:00|2026-11-23"));

    run("overwrite.json", List.of(change(7, "created", 70.0, "2026-11-24T00:00:00", "2026-11-24")), "overwrite");
    assertAllTargets(List.of("7|created|70.0|2026-11-24 00:00:00|2026-11-24"));
  }

  @Test
  void aCustomJavaStepGetsItsInputsAndOptions() throws IOException {
    Path data = input.resolve("custom.json");
    Files.write(data, List.of(
        change(1, "paid", 10.0, "2026-11-20T09:00:00", "2026-11-20"),
        change(2, "paid", 20.0, "2026-11-20T09:00:00", "2026-11-20"),
        change(3, "created", 30.0, "2026-11-20T09:00:00", "2026-11-20")));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Lakepipe.execute(new PrintWriter(out), new PrintWriter(err), "run",
        "src/test/resources/specs/run/custom-step.conf", "--logical-time", "2026-11-21T05:00Z",
        "--set", "warehouse=" + TestSpark.warehouse(), "--set", "sources.changes.path=" + data, "--verbose");
    assertEquals(ExitCodes.OK, code, out + "\n" + err);
    assertVerboseCountsSparkWorkPerNode(out.toString());
    List<String> rows = TestSpark.session().read().parquet(TestSpark.warehouse() + "/custom/out")
        .collectAsList().stream().map(PipelineRunTest::line).sorted().toList();
    assertEquals(List.of("2|paid|20.0|vip|2026-11-21"), rows);

    StringWriter history = new StringWriter();
    assertEquals(ExitCodes.OK, Lakepipe.execute(new PrintWriter(history), new PrintWriter(err), "history",
        "src/test/resources/specs/run/custom-step.conf", "--set", "warehouse=" + TestSpark.warehouse()));
    String first = history.toString().lines().findFirst().orElseThrow();
    assertTrue(first.contains(runId(out.toString())) && first.contains("logical-time 2026-11-21T05:00:00Z")
        && first.contains("full success"), history.toString());
  }

  @Test
  void aRunWhoseLockIsHeldExitsFourAndRunsNothing() throws IOException {
    Path data = input.resolve("locked.json");
    Files.write(data, List.of(change(1, "created", 1.0, "2026-11-20T09:00:00", "2026-11-20")));
    PipelineLocks locks = PipelineLocks.of(TestSpark.warehouse().toString(), Duration.ofMinutes(2)).orElseThrow();
    try (PipelineLocks.Lease held = locks.acquire(List.of(PipelineLocks.pipelineLock("custom_step")), "run-x")) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = Lakepipe.execute(new PrintWriter(out), new PrintWriter(err), "run",
          "src/test/resources/specs/run/custom-step.conf", "--set", "warehouse=" + TestSpark.warehouse(),
          "--set", "sources.changes.path=" + data);
      assertEquals(ExitCodes.CONFLICT, code);
      assertTrue(err.toString().startsWith("lakepipe: lock pipeline-custom_step is held by run-x on "), err.toString());
      assertTrue(out.toString().lines().noneMatch(l -> l.strip().startsWith("read")), out.toString());
    }
  }

  @Test
  void secretsNeverShowInOutputHistoryOrTables() throws IOException {
    Path data = input.resolve("secrets.json");
    Files.write(data, List.of(change(9, "paid", 99.0, "2026-11-20T09:00:00", "2026-11-20")));
    List<String> outputs = new ArrayList<>();
    for (String command : List.of("plan", "run", "history")) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = Lakepipe.execute(new PrintWriter(out), new PrintWriter(err), command,
          "src/test/resources/specs/run/with-secrets.conf", "--set", "warehouse=" + TestSpark.warehouse(),
          "--set", "sources.changes.path=" + data);
      assertEquals(ExitCodes.OK, code, command + ": " + out + err);
      outputs.add(out.toString() + err);
    }
    assertTrue(outputs.get(0).contains("fs.s3a.secret.key=***") && outputs.get(0).contains("password=***"),
        outputs.get(0));
    for (String output : outputs) {
      assertTrue(!output.contains("s3cr3t"), output);
    }
    try (var files = Files.walk(TestSpark.warehouse())) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        assertTrue(!new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1)
            .contains("s3cr3t"), file.toString());
      }
    }
  }

  @Test
  void aFailingStepExitsOneAndNamesTheStep() throws IOException {
    Path data = input.resolve("failing.json");
    Files.write(data, List.of(change(1, "created", 1.0, "2026-11-20T09:00:00", "2026-11-20")));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Lakepipe.execute(new PrintWriter(out), new PrintWriter(err), "run", SPEC.toString(),
        "--set", "warehouse=" + TestSpark.warehouse(), "--set", "sources.changes.path=" + data,
        "--set", "steps.orders.sql=SELECT no_such_column FROM changes");
    assertEquals(ExitCodes.FAILURE, code);
    assertTrue(err.toString().startsWith("lakepipe: step orders failed: "), err.toString());
    assertTrue(err.toString().contains("no_such_column"), err.toString());
    assertTrue(out.toString().lines().noneMatch(l -> l.strip().startsWith("write")), out.toString());
    RunRecord failed = new RunHistory(TestSpark.session(), TestSpark.settings()).latest("orders_three_formats", 1)
        .get(0);
    assertEquals(runId(out.toString()), failed.runId());
    assertEquals(RunRecord.FAILED, failed.outcome());
    assertTrue(failed.message().orElseThrow().startsWith("step orders failed: "), failed.message().orElseThrow());
    assertEquals(Map.of(), failed.commits());
  }

  /** The latest history record is the last run: its outcome, rows and the very commits the tables hold. */
  private void assertHistoryRecordsTheRun() {
    RunRecord record = new RunHistory(TestSpark.session(), TestSpark.settings()).latest("orders_three_formats", 1)
        .get(0);
    assertEquals(lastRunId, record.runId());
    assertEquals(RunRecord.SUCCESS, record.outcome());
    assertEquals(Instant.parse("2026-11-24T00:00:00Z"), record.logicalTime());
    assertEquals(4, record.rowsRead());
    assertEquals(Map.of("changes", "-"), record.reads());
    for (String target : TARGETS) {
      TableFormat format = TableFormats.get(FORMATS.get(target));
      var address = TableAddresses.resolve(TestSpark.settings(), format, target, Optional.empty(),
          Optional.of(TABLES.get(target)), Map.of());
      assertEquals(format.reader(TestSpark.session(), address).latestCommit().orElseThrow().id(),
          record.commits().get(target), target);
    }
  }

  /**
   * {@code --verbose}: each node's line ends with its Spark work, and the summary's jobs are the nodes' and those
   * outside them. The read node read the file's three records at least once, and the file.
   */
  private static void assertVerboseCountsSparkWorkPerNode(String out) {
    Pattern work = Pattern.compile(
        "(\\d+) Spark jobs, (\\d+) tasks, ([\\d,]+) rows / \\d+\\.\\d MB / ([\\d,]+) files read");
    List<String> nodes = out.lines().filter(l -> l.matches("  (read|step|write) .*")).toList();
    assertEquals(4, nodes.size(), out);
    long nodeJobs = 0;
    for (String node : nodes) {
      Matcher matcher = work.matcher(node);
      assertTrue(node.endsWith(")") && matcher.find(), out);
      nodeJobs += Long.parseLong(matcher.group(1));
      if (node.startsWith("  read ")) {
        assertTrue(Long.parseLong(matcher.group(3).replace(",", "")) >= 3, out);
        assertTrue(Long.parseLong(matcher.group(4).replace(",", "")) >= 1, "the input file: " + out);
      }
    }
    String summary = out.lines().filter(l -> l.startsWith("done in ")).findFirst().orElseThrow();
    Matcher all = work.matcher(summary.substring(summary.indexOf("Spark in all: ")));
    Matcher outside = work.matcher(summary.substring(summary.indexOf("outside the nodes: ")));
    assertTrue(all.find() && outside.find(), summary);
    assertEquals(Long.parseLong(all.group(1)), nodeJobs + Long.parseLong(outside.group(1)), out);
  }

  private static String runId(String out) {
    return out.lines().findFirst().orElseThrow().replaceFirst(".*run-id ", "").strip();
  }

  private void run(String file, List<String> lines, String... mode) throws IOException {
    Path data = input.resolve(file);
    Files.write(data, lines);
    List<String> args = new ArrayList<>(List.of("run", SPEC.toString(), "--logical-time", "2026-11-24T00:00Z",
        "--set", "warehouse=" + TestSpark.warehouse(), "--set", "sources.changes.path=" + data));
    for (String target : TARGETS) {
      for (String m : mode) {
        args.addAll(List.of("--set", "targets." + target + ".mode=" + m));
      }
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Lakepipe.execute(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
    assertEquals(ExitCodes.OK, code, out + "\n" + err);
    lastRunId = runId(out.toString());
    for (String target : TARGETS) {
      assertTrue(out.toString().lines().anyMatch(l -> l.contains("write") && l.contains(target)
          && l.contains("commit")), target + " committed:\n" + out);
    }
  }

  private static String change(long id, String status, double amount, String updatedAt, String orderDate) {
    return String.format("{\"order_id\":%d,\"status\":\"%s\",\"amount\":%s,\"updated_at\":\"%s\",\"order_date\":\"%s\"}",
        id, status, amount, updatedAt, orderDate);
  }

  private static void assertAllTargets(List<String> expected) {
    for (String target : TARGETS) {
      TableFormat format = TableFormats.get(FORMATS.get(target));
      var address = TableAddresses.resolve(TestSpark.settings(), format, target, Optional.empty(),
          Optional.of(TABLES.get(target)), Map.of());
      List<String> rows = format.reader(TestSpark.session(), address).snapshot()
          .selectExpr("order_id", "status", "amount", "cast(updated_at as string)", "order_date")
          .collectAsList().stream().map(PipelineRunTest::line).sorted().toList();
      assertEquals(expected, rows, target);
    }
  }

  private static String line(Row row) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < row.length(); i++) {
      values.add(String.valueOf(row.get(i)));
    }
    return String.join("|", values);
  }
}
