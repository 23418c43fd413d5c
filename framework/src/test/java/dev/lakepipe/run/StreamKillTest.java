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
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Exactly once under failure: a streaming run in a child JVM appends order events to a Hudi, a Delta and an
 * Iceberg table in small micro-batches and is killed with SIGKILL, three times, at moments drawn at random (at
 * its first batch, a while into its run, after a few batches); each time it starts again from its checkpoint. At
 * the end every table holds each event exactly once: nothing duplicated by a retried batch, nothing lost.
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

    String finish = stream.run(ExitCodes.OK, settings);
    System.out.println(moments + "\n" + finish);
    for (String format : FORMATS) {
      assertEquals(expected, stream.rows(format), format + " after kills " + moments + "\n" + finish);
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
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (child.isAlive() && batchLines(lines) < batches && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    Thread.sleep(delayMillis);
    child.destroyForcibly();
    assertTrue(child.waitFor(1, TimeUnit.MINUTES), "the child did not die");
    reader.join();
    assertTrue(batchLines(lines) >= batches || child.exitValue() == ExitCodes.OK,
        "the child wrote no batch: " + lines + ", see " + log);
    System.out.println(String.join("\n", lines));
    return batchLines(lines) + " batches + " + delayMillis + " ms";
  }

  private static long batchLines(List<String> lines) {
    return IntStream.range(0, lines.size()).filter(i -> lines.get(i).startsWith("  batch")).count();
  }
}
