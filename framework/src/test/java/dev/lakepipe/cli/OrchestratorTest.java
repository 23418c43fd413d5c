package dev.lakepipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakepipe.format.Commit;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableAddresses;
import dev.lakepipe.format.TableFormat;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.format.TableWriter;
import dev.lakepipe.run.RunHistory;
import dev.lakepipe.run.RunRecord;
import dev.lakepipe.testing.ChildJvm;
import dev.lakepipe.testing.ChildJvm.Reply;
import dev.lakepipe.testing.TestSpark;
import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Plays an hourly orchestrator against the CLI in child JVMs: 12 consecutive logical hours of a row-wise
 * incremental pipeline (a Delta source read with {@code read = incremental}, upserted into a Delta target), with
 * the source changing between every other hour, one hour's run SIGKILLed once it has started writing its target and then
 * retried, one hour run twice, and {@code status} asked as a sensor would. Most hours go through one child JVM
 * that runs command lines as {@code lakepipe} does ({@link CliSession}); the killed run and its retry are
 * {@code lakepipe} processes of their own ({@link Lakepipe#main}). Checks every exit code, the final table row for
 * row, the run history, the JSON event log, and that the secret of the spec appears in none of the outputs.
 */
class OrchestratorTest {
  private static final String PIPELINE = "orchestrated_orders";
  private static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");
  private static final int HOURS = 12;
  /** The hour whose run is killed and retried: it upserts and deletes, so it makes two commits. */
  private static final int KILLED_HOUR = 9;
  /** The hour an orchestrator runs a second time (a manual rerun, a retry after a lost heartbeat). */
  private static final int REPEATED_HOUR = 11;
  private static final String SECRET = "s3cr3t-orchestrated-token";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final StructType SCHEMA = new StructType()
      .add("order_id", DataTypes.LongType, false)
      .add("status", DataTypes.StringType)
      .add("amount", DataTypes.createDecimalType(10, 2))
      .add("updated_at", DataTypes.TimestampType);

  /** What the source holds, as the test wrote it: order id to "status|amount|hour of updated_at". */
  private final Map<Long, String> source = new TreeMap<>();
  private TableWriter sourceWriter;
  private int sourceWrites;
  private Path folder;
  private Path spec;
  private Path eventLog;

  @Test
  void twelveHoursWithAKilledRunARetryAndARerun() throws Exception {
    folder = TestSpark.newFolder("orchestrator-");
    spec = writeSpec();
    eventLog = folder.resolve("events.jsonl");
    TableFormat delta = TableFormats.get("delta");
    sourceWriter = delta.writer(TestSpark.session(), table("orders"),
        new TableLayout(List.of("order_id"), Optional.of("updated_at"), List.of()));
    Path targetFolder = Path.of(table("open_orders").requirePath());

    for (long id = 1; id <= 5; id++) {
      source.put(id, "created|" + id + "0.00|0");
    }
    writeSource(new ArrayList<>(source.keySet()), List.of());
    List<Integer> codes = new ArrayList<>();
    try (Session session = new Session()) {
      codes.add(session.run("full", 0).code());
      for (int hour = 1; hour < HOURS; hour++) {
        changeSource(hour);
        if (hour == KILLED_HOUR) {
          codes.add(killWhileWriting(targetFolder));
          Reply unpublished = session.status(hour);
          assertEquals(ExitCodes.NOT_PUBLISHED, unpublished.code(), unpublished.toString());
          assertTrue(unpublished.out().startsWith("not-published "), unpublished.out());
          codes.add(exitCode(lakepipe("run", spec.toString(), "--mode", "incremental", "--logical-time", time(hour))));
        } else {
          codes.add(session.run("incremental", hour).code());
        }
        if (hour == REPEATED_HOUR) {
          Reply again = session.run("incremental", hour);
          codes.add(again.code());
          assertTrue(again.out().contains("already done"), again.out());
        }
      }
      List<Integer> expectedCodes = new ArrayList<>();
      for (int run = 0; run < HOURS + 2; run++) {
        expectedCodes.add(run == KILLED_HOUR ? ChildJvm.SIGKILL_EXIT : ExitCodes.OK);
      }
      assertEquals(expectedCodes, codes, "exit codes of the runs, in order");

      assertTargetIsTheSourceWithoutCancelledOrders();
      List<Commit> commits = TableFormats.get("delta").reader(TestSpark.session(), table("open_orders")).commits();
      assertStatus(session, commits);
      assertRunHistory();
    }
    assertEventLog();
  }

  /** A run of the killed hour, started as its own process and SIGKILLed once data files of its write appear. */
  private int killWhileWriting(Path targetFolder) throws IOException, InterruptedException {
    Set<Path> before = dataFiles(targetFolder);
    Process run = lakepipe("run", spec.toString(), "--mode", "incremental", "--logical-time", time(KILLED_HOUR));
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (before.containsAll(dataFiles(targetFolder))) {
      if (!run.isAlive() || System.nanoTime() > deadline) {
        run.destroyForcibly();
        fail("the run of hour " + KILLED_HOUR + " ended (exit " + run.waitFor() + ") before it could be killed"
            + " while writing; see " + folder);
      }
      Thread.sleep(5);
    }
    run.destroyForcibly();
    return run.waitFor();
  }

  private void assertTargetIsTheSourceWithoutCancelledOrders() {
    List<String> expected = source.entrySet().stream()
        .filter(order -> !order.getValue().startsWith("cancelled|"))
        .map(order -> order.getKey() + "|" + order.getValue())
        .toList();
    List<String> stored = TableFormats.get("delta").reader(TestSpark.session(), table("open_orders")).snapshot()
        .collectAsList().stream()
        .map(row -> row.getLong(0) + "|" + row.getString(1) + "|" + row.<BigDecimal>getAs(2).toPlainString() + "|"
            + Duration.between(T0, row.<Timestamp>getAs(3).toInstant()).toHours())
        .sorted((a, b) -> Long.compare(Long.parseLong(a.split("\\|")[0]), Long.parseLong(b.split("\\|")[0])))
        .toList();
    assertEquals(expected, stored);
  }

  /** A sensor's questions: an hour that committed, an hour with nothing new, an hour not run yet. */
  private void assertStatus(Session session, List<Commit> commits) throws IOException, InterruptedException {
    Commit lastOfHour5 = lastCommitOf(commits, 5).orElseThrow();
    Reply published = session.status(5);
    assertEquals(ExitCodes.OK, published.code(), published.toString());
    assertTrue(published.out().startsWith("published ") && published.out().contains("commit " + lastOfHour5.id()),
        published.out());

    int quiet = 6;
    assertEquals(Optional.empty(), lastCommitOf(commits, quiet), "hour " + quiet + " commits nothing");
    Reply nothingNew = session.status(quiet);
    assertEquals(ExitCodes.OK, nothingNew.code(), nothingNew.toString());
    assertTrue(nothingNew.out().contains("commit " + lastOfHour5.id()) && nothingNew.out().contains("nothing new"),
        nothingNew.out());

    Reply retried = session.status(KILLED_HOUR);
    assertEquals(ExitCodes.OK, retried.code(), retried.toString());

    Reply notYet = session.status(HOURS);
    assertEquals(ExitCodes.NOT_PUBLISHED, notYet.code(), notYet.toString());
    assertTrue(notYet.out().contains("no successful run of this logical time"), notYet.out());
  }

  private static Optional<Commit> lastCommitOf(List<Commit> commits, int hour) {
    return commits.stream().filter(c -> time(hour).equals(c.properties().get(CommitContext.LOGICAL_TIME)))
        .reduce((first, second) -> second);
  }

  private void assertRunHistory() {
    List<RunRecord> runs = new RunHistory(TestSpark.session(), TestSpark.settings()).latest(PIPELINE, 100);
    // Every run that ended is recorded; the killed one could not record itself.
    assertEquals(HOURS + 1, runs.size(), runs.toString());
    assertTrue(runs.stream().allMatch(r -> r.outcome().equals(RunRecord.SUCCESS)), runs.toString());
    Map<Instant, Long> perHour = runs.stream().collect(Collectors.groupingBy(RunRecord::logicalTime,
        TreeMap::new, Collectors.counting()));
    Map<Instant, Long> expected = new TreeMap<>();
    for (int hour = 0; hour < HOURS; hour++) {
      expected.put(T0.plus(Duration.ofHours(hour)), hour == REPEATED_HOUR ? 2L : 1L);
    }
    assertEquals(expected, perHour);
    assertEquals(List.of("full"), runs.stream().filter(r -> r.logicalTime().equals(T0)).map(RunRecord::mode).toList());
    assertEquals(HOURS, runs.stream().filter(r -> r.mode().equals("incremental")).count());
  }

  /** One JSON object per line; each run starts, reports its nodes and finishes, except the killed one. */
  private void assertEventLog() throws IOException {
    String text = Files.readString(eventLog);
    assertFalse(text.contains(SECRET), "the event log shows a secret");
    List<JsonNode> events = new ArrayList<>();
    for (String line : text.lines().toList()) {
      events.add(JSON.readTree(line));
    }
    assertTrue(events.stream().allMatch(e -> e.get("pipeline").asText().equals(PIPELINE)
        && !e.get("run_id").asText().isEmpty()), text);
    Map<String, List<JsonNode>> byRun = events.stream().collect(Collectors.groupingBy(e -> e.get("run_id").asText()));
    assertEquals(HOURS + 2, byRun.size(), "runs that started, the killed one included");
    List<String> unfinished = byRun.entrySet().stream()
        .filter(run -> run.getValue().stream().noneMatch(e -> e.get("event").asText().equals("run_finished")))
        .map(Map.Entry::getKey).toList();
    assertEquals(1, unfinished.size(), "only the killed run has no end: " + unfinished);
    assertEquals(time(KILLED_HOUR), byRun.get(unfinished.get(0)).get(0).get("logical_time").asText());
    for (List<JsonNode> run : byRun.values()) {
      JsonNode first = run.get(0);
      assertEquals("run_started", first.get("event").asText());
      JsonNode last = run.get(run.size() - 1);
      if (last.get("event").asText().equals("run_finished")) {
        assertEquals("success", last.get("outcome").asText(), last.toString());
        JsonNode write = run.stream().filter(e -> e.get("event").asText().equals("node")
            && e.get("kind").asText().equals("write")).findFirst().orElseThrow();
        assertEquals("open_orders", write.get("node").asText());
        assertTrue(write.get("rows").isNumber() && write.get("seconds").isNumber(), write.toString());
        assertEquals(write.get("rows").asLong(), last.get("rows_written").asLong(), last.toString());
      }
    }
  }

  /**
   * The source's changes of an hour. In even hours nothing changes: the run finds nothing new and commits nothing.
   * In odd hours: two new orders, the first order of two hours before paid, every third hour a cancellation (the
   * step filters it out, so the target deletes it), every fourth hour from hour 5 on, a delete.
   */
  private void changeSource(int hour) {
    if (hour % 2 == 0) {
      return;
    }
    List<Long> upserts = new ArrayList<>();
    for (long id = 100L * hour + 1; id <= 100L * hour + 2; id++) {
      source.put(id, "created|" + hour + "1.00|" + hour);
      upserts.add(id);
    }
    long paid = hour < 3 ? 1 : 100L * (hour - 2) + 1;
    source.put(paid, "paid|" + source.get(paid).split("\\|")[1] + "|" + hour);
    upserts.add(paid);
    List<Long> deletes = new ArrayList<>();
    if (hour % 3 == 0) {
      long cancelled = 100L * (hour - 2) + 2;
      source.put(cancelled, "cancelled|" + source.get(cancelled).split("\\|")[1] + "|" + hour);
      upserts.add(cancelled);
    }
    if (hour % 4 == 1 && hour > 1) {
      long deleted = 100L * (hour - 4) + 1;
      source.remove(deleted);
      deletes.add(deleted);
    }
    writeSource(upserts, deletes);
  }

  private void writeSource(List<Long> upserts, List<Long> deletes) {
    List<Row> rows = upserts.stream().map(id -> {
      String[] f = source.get(id).split("\\|");
      return RowFactory.create(id, f[0], new BigDecimal(f[1]),
          Timestamp.from(T0.plus(Duration.ofHours(Long.parseLong(f[2])))));
    }).toList();
    sourceWriter.upsert(TestSpark.session().createDataFrame(rows, SCHEMA), nextSourceWrite());
    if (!deletes.isEmpty()) {
      List<Row> keys = deletes.stream().map(id -> RowFactory.create(id, "-", BigDecimal.ZERO, new Timestamp(0)))
          .toList();
      sourceWriter.delete(TestSpark.session().createDataFrame(keys, SCHEMA), nextSourceWrite());
    }
  }

  private CommitContext nextSourceWrite() {
    sourceWrites++;
    return new CommitContext("source-writer", "write-" + sourceWrites, T0.plusSeconds(sourceWrites));
  }

  private static TableAddress table(String name) {
    return TableAddresses.resolve(TestSpark.settings(), TableFormats.get("delta"), name, Optional.empty(),
        Optional.of("orchestrator." + name), Map.of());
  }

  private static String time(int hour) {
    return T0.plus(Duration.ofHours(hour)).toString();
  }

  private Path writeSpec() throws IOException {
    Path file = folder.resolve("orchestrated-orders.conf");
    Map<String, String> conf = new TreeMap<>(TestSpark.settings().sparkConf());
    // A few rows an hour: one task per shuffle and per Delta state rebuild.
    conf.put("spark.sql.shuffle.partitions", "1");
    conf.put("spark.databricks.delta.snapshotPartitions", "1");
    String spark = conf.entrySet().stream()
        .map(e -> "\"" + e.getKey() + "\" = \"" + e.getValue() + "\"")
        .collect(Collectors.joining("\n      "));
    Files.writeString(file, """
        # Orders that are not cancelled, kept hour by hour from the changes of the orders table.
        name = %s
        warehouse = "%s"
        spark {
          master = "local[2]"
          conf {
              %s
          }
        }
        sources {
          orders {
            format = delta, table = orchestrator.orders, read = incremental
            options { "auth.token" = ${?LAKEPIPE_TEST_TOKEN} }
          }
        }
        steps {
          open_orders { sql = "SELECT order_id, status, amount, updated_at FROM orders WHERE status <> 'cancelled'" }
        }
        targets {
          open_orders {
            from = open_orders, format = delta, table = orchestrator.open_orders
            mode = upsert, keys = [order_id], order-by = updated_at
          }
        }
        """.formatted(PIPELINE, TestSpark.warehouse(), spark));
    return file;
  }

  private static Set<Path> dataFiles(Path table) throws IOException {
    if (!Files.isDirectory(table)) {
      return Set.of();
    }
    try (Stream<Path> files = Files.list(table)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".parquet")).collect(Collectors.toSet());
    }
  }

  /** A {@code lakepipe} process, as an orchestrator starts it; its output goes to files in the test's folder. */
  private Process lakepipe(String... args) throws IOException {
    Path logs = Files.createTempDirectory(folder, "lakepipe-");
    List<String> command = ChildJvm.javaCommand(Lakepipe.class.getName());
    command.addAll(Arrays.asList(args));
    return processBuilder(command, logs).redirectOutput(logs.resolve("stdout.txt").toFile()).start();
  }

  private int exitCode(Process process) throws InterruptedException {
    if (!process.waitFor(3, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      fail("a lakepipe process did not end within 3 minutes; see " + folder);
    }
    return process.exitValue();
  }

  /** In its own folder, so whatever Spark writes to its working directory stays there; stderr to a file. */
  private ProcessBuilder processBuilder(List<String> command, Path logs) {
    ProcessBuilder builder = new ProcessBuilder(command).directory(logs.toFile())
        .redirectError(logs.resolve("stderr.txt").toFile());
    builder.environment().putAll(environment());
    return builder;
  }

  /** What child JVMs get in their environment: where the event log goes, and the spec's secret. */
  private Map<String, String> environment() {
    return Map.of("LAKEPIPE_LOG_JSON", eventLog.toString(), "LAKEPIPE_TEST_TOKEN", SECRET);
  }

  /** A {@link CliSession} child JVM. */
  private final class Session implements AutoCloseable {
    private final ChildJvm child;

    Session() throws IOException {
      child = ChildJvm.start(folder, environment());
    }

    Reply run(String mode, int hour) throws InterruptedException {
      Reply reply = child.execute(List.of("run", spec.toString(), "--mode", mode, "--logical-time", time(hour)));
      assertFalse(reply.out().contains(SECRET) || reply.err().contains(SECRET), "a run's output shows a secret");
      return reply;
    }

    Reply status(int hour) throws InterruptedException {
      return child.execute(List.of("status", spec.toString(), "--logical-time", time(hour)));
    }

    @Override
    public void close() throws InterruptedException {
      child.close();
    }
  }
}
