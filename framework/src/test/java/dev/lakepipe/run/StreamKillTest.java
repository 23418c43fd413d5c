package dev.lakepipe.run;

import static dev.lakepipe.run.OrderStream.FORMATS;
import static dev.lakepipe.run.OrderStream.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.cli.Lakepipe;
import dev.lakepipe.testing.TestSpark;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Exactly once under failure: a streaming run in a child JVM appends order events to a Hudi, a Delta and an
 * Iceberg table in small micro-batches and is killed with SIGKILL, three times, at moments drawn at random (at
 * its first batch, a while into its run, after a few batches); each time it starts again from its checkpoint. Then
 * a continuous run (processing-time trigger) is stopped with SIGTERM: it stops between batches, records itself in
 * the run history and exits 0. At the end every table holds each event exactly once: nothing duplicated by a retried
 * batch, nothing lost.
 */
class StreamKillTest {
  private static final int EVENTS = 24;

  @Test
  void aKilledRunRestartsWithoutDuplicatesOrLosses() throws Exception {
    OrderStream stream = new OrderStream("killed");
    // Distinct orders, so that appended rows compare one to one with the events.
    List<String> expected = new ArrayList<>();
    for (int id = 1; id <= EVENTS; id++) {
      stream.send(id % 2, event(id, "created", id + ".00", id % 24));
      expected.add(id + "|created|" + id + ".00|" + id % 24);
    }
    expected.sort(null);
    String[] settings = Stream.concat(Stream.of("sources.orders.options.max-offsets-per-trigger=8"),
        FORMATS.stream().map(format -> "targets." + format + ".mode=append")).toArray(String[]::new);

    Random random = new Random();
    List<String> moments = new ArrayList<>();
    // Killed right at its first batch, a random while after it, and after three batches.
    moments.add(killChild(stream, settings, 1, random.nextInt(300)));
    moments.add(killChild(stream, settings, 1, 500 + random.nextInt(2500)));
    moments.add(killChild(stream, settings, 3, random.nextInt(1000)));

    // A continuous run told to stop: it ends between batches and is recorded as a streaming run.
    String[] continuous = Stream.concat(Arrays.stream(settings),
        Stream.of("streaming.trigger=processing-time", "streaming.interval=1s")).toArray(String[]::new);
    Child stopped = startChild(stream, continuous);
    stopped.awaitBatches(1);
    stopped.process.destroy();
    assertTrue(stopped.process.waitFor(3, TimeUnit.MINUTES), "the child did not stop on SIGTERM");
    assertEquals(ExitCodes.OK, stopped.process.exitValue(), stopped.lines + ", see " + stopped.log);
    String runId = stopped.runId();
    RunRecord record = new RunHistory(TestSpark.session(), TestSpark.settings()).latest(stream.name, 20).stream()
        .filter(r -> r.runId().equals(runId)).findFirst().orElseThrow(() -> new AssertionError(
            "run " + runId + " stopped by SIGTERM is not in the history: " + stopped.lines + ", see " + stopped.log));
    assertEquals("streaming", record.mode());
    assertEquals(RunRecord.SUCCESS, record.outcome(), record.message().orElse(""));

    String finish = stream.run(ExitCodes.OK, settings);
    System.out.println(moments + "\n" + finish);
    for (String format : FORMATS) {
      assertEquals(expected, stream.rows(format), format + " after kills " + moments + "\n" + finish);
    }
  }

  /** A streaming run in a child JVM, its stdout collected line by line. */
  private record Child(Process process, List<String> lines, Thread reader, Path log) {
    /** Waits until the child printed {@code batches} batch lines, ended, or three minutes passed. */
    void awaitBatches(int batches) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (process.isAlive() && batchLines() < batches && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    }

    long batchLines() {
      return lines.stream().filter(line -> line.startsWith("  batch")).count();
    }

    /** From the first line, {@code lakepipe run NAME  logical-time T  run-id ID}. */
    String runId() throws InterruptedException {
      reader.join();
      return lines.get(0).replaceFirst(".*run-id ", "").strip();
    }
  }

  /**
   * Starts the pipeline in a child JVM and kills it {@code delayMillis} after it printed its {@code batches}-th
   * batch line (or when it ends by itself).
   *
   * @return what the child had done when it was killed, for the failure message
   */
  private static String killChild(OrderStream stream, String[] settings, int batches, long delayMillis)
      throws IOException, InterruptedException {
    Child child = startChild(stream, settings);
    child.awaitBatches(batches);
    Thread.sleep(delayMillis);
    child.process.destroyForcibly();
    assertTrue(child.process.waitFor(1, TimeUnit.MINUTES), "the child did not die");
    child.reader.join();
    assertTrue(child.batchLines() >= batches || child.process.exitValue() == ExitCodes.OK,
        "the child wrote no batch: " + child.lines + ", see " + child.log);
    System.out.println(String.join("\n", child.lines));
    return child.batchLines() + " batches + " + delayMillis + " ms";
  }

  private static Child startChild(OrderStream stream, String[] settings) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-opens") || a.startsWith("-XX:+Ignore") || a.startsWith("-Djdk.")
            || a.startsWith("-Djol."))
        .forEach(command::add);
    command.addAll(List.of("-Xmx1500m", "-cp",
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        Lakepipe.class.getName()));
    command.addAll(stream.arguments(settings));
    Path log = TestSpark.newFolder("child-").resolve("stderr.log");
    Process child = new ProcessBuilder(command).redirectError(log.toFile()).start();
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
          StandardCharsets.UTF_8))) {
        out.lines().forEach(lines::add);
      } catch (IOException e) {
        // The child is gone.
      }
    });
    reader.start();
    return new Child(child, lines, reader, log);
  }
}
