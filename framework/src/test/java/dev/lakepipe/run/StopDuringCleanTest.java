package dev.lakepipe.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.cli.Lakepipe;
import dev.lakepipe.testing.TestSpark;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;

/**
 * A streaming query stopped while Hudi's inline clean runs, as {@code bench streaming} stops it (the query's own
 * {@code stop()}, not a signal): the micro-batch being written finishes with its clean, the run ends OK, and the
 * table holds exactly the rows of the batches written; a second run writes the rest.
 */
class StopDuringCleanTest {
  private static final String SPEC = "src/test/resources/specs/streaming/clean-on-stop.conf";
  private static final int FILES = 4;

  @Test
  void aStopDuringAnInlineCleanWaitsForItAndTheRunEndsOk() throws Exception {
    Path events = TestSpark.newFolder("clean-on-stop").resolve("events");
    Files.createDirectories(events);
    for (int file = 1; file <= FILES; file++) {
      // Every file updates the same three keys, so that each commit leaves older file versions to clean.
      Files.write(events.resolve(String.format(Locale.ROOT, "%02d.json", file)), List.of(
          "{\"id\":1,\"amount\":" + file + "}", "{\"id\":2,\"amount\":" + file + "}",
          "{\"id\":3,\"amount\":" + file + "}"));
    }
    SparkSession spark = TestSpark.session();
    AtomicBoolean stoppedDuringClean = new AtomicBoolean();
    SparkListener stopAtClean = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart job) {
        // Hudi names its jobs after the action: the first clean with files to delete stops the query.
        String what = job.properties().getProperty("spark.jobGroup.id", "") + " "
            + job.properties().getProperty("spark.job.description", "");
        if (what.contains("CleanActionExecutor") && !stoppedDuringClean.getAndSet(true)) {
          CompletableFuture.runAsync(() -> stopQueries(spark));
        }
      }
    };
    spark.sparkContext().addSparkListener(stopAtClean);
    // Should no clean come, the run is stopped all the same, and the test fails.
    ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
    watchdog.schedule(() -> stopQueries(spark), 90, TimeUnit.SECONDS);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit;
    try {
      exit = run(out, err, events, "--set", "streaming.trigger=processing-time", "--set", "streaming.interval=100ms");
    } finally {
      spark.sparkContext().removeSparkListener(stopAtClean);
      watchdog.shutdownNow();
    }
    assertTrue(stoppedDuringClean.get(), out + "\n" + err);
    assertEquals(ExitCodes.OK, exit, out + "\n" + err);
    assertEquals(List.of(), unfinishedCleans(), "the clean the stop came into was finished");
    long written = amounts(spark).get(0);
    assertTrue(written >= 2 && written <= FILES, "rows of file " + written);
    assertEquals(List.of(written, written, written), amounts(spark));

    out = new StringWriter();
    err = new StringWriter();
    assertEquals(ExitCodes.OK, run(out, err, events), out + "\n" + err);
    assertEquals(List.of((long) FILES, (long) FILES, (long) FILES), amounts(spark));
  }

  private static int run(StringWriter out, StringWriter err, Path events, String... more) {
    List<String> arguments = new ArrayList<>(List.of("run", SPEC, "--set",
        "warehouse=" + TestSpark.warehouse(), "--set", "sources.events.path=" + events,
        "--set", "targets.hudi.table=clean.orders"));
    arguments.addAll(Arrays.asList(more));
    return Lakepipe.execute(new PrintWriter(out), new PrintWriter(err), arguments.toArray(String[]::new));
  }

  /** The cleans Hudi's timeline shows requested and not completed ({@code <instant>_<completion>.clean}). */
  private static List<String> unfinishedCleans() throws IOException {
    Path timeline = TestSpark.warehouse().resolve("clean/orders/.hoodie/timeline");
    try (Stream<Path> files = Files.list(timeline)) {
      List<String> names = files.map(f -> f.getFileName().toString()).toList();
      return names.stream().filter(n -> n.endsWith(".clean.requested")).map(n -> n.replace(".clean.requested", ""))
          .filter(instant -> names.stream().noneMatch(n -> n.matches(instant + "_\\d+\\.clean"))).toList();
    }
  }

  /** The amount of ids 1, 2 and 3, in id order. */
  private static List<Long> amounts(SparkSession spark) {
    return spark.read().format("hudi").load(TestSpark.warehouse() + "/clean/orders").orderBy("id")
        .select("amount").collectAsList().stream().map(r -> r.getLong(0)).toList();
  }

  /** What {@code bench streaming} does at its end. */
  private static void stopQueries(SparkSession spark) {
    for (StreamingQuery query : spark.streams().active()) {
      try {
        query.stop();
        query.awaitTermination(60_000);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
