package dev.lakepipe.run;

import static dev.lakepipe.run.IncrementalRunTest.hour;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.cli.Lakepipe;
import dev.lakepipe.testing.TestSpark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SIGKILL in the middle of an incremental run's merge-on-read commit (and, on Hudi, of the inline compaction that
 * follows one) loses nothing: the retry of the hour, in a process of its own after the kill, leaves every target
 * equal to a fresh full run over the same source snapshot, row for row.
 */
class MergeOnReadKillTest {
  private static final String SPEC = "src/test/resources/specs/incremental/regional-gmv.conf";
  private static final List<String> TARGETS = List.of("by_region", "by_day", "by_status");

  @ParameterizedTest
  @ValueSource(strings = {"hudi", "delta", "iceberg"})
  void aRunKilledWhileItCommitsIsRetriedToTheSameTables(String format) throws Exception {
    IncrementalRunTest.Pipeline p = new IncrementalRunTest.Pipeline(format, "mor_kill_" + format, SPEC, TARGETS);
    p.upsert("1|eu|created|10.00|1|1", "2|us|paid|20.00|1|1", "3|eu|paid|30.00|1|2");
    p.run("full", hour(0), "live", ExitCodes.OK);
    p.upsert("1|eu|paid|10.00|2|1", "4|us|paid|40.00|2|3");
    p.delete(2);
    // Any file the run adds to a target means a commit has begun.
    killWhen(p, hour(1), file -> true);
    p.run("incremental", hour(1), "live", ExitCodes.OK);
    assertEquals(rows(p, "fresh", hour(1)), rows(p, "live", null));
  }

  @Test
  void aHudiRunKilledDuringItsInlineCompactionIsRetriedToTheSameTables() throws Exception {
    IncrementalRunTest.Pipeline p = new IncrementalRunTest.Pipeline("hudi", "mor_compaction", SPEC, TARGETS);
    p.upsert("1|eu|created|10.00|1|1", "2|us|paid|20.00|1|1", "3|eu|paid|30.00|1|2");
    p.run("full", hour(0), "live", ExitCodes.OK);
    p.upsert("1|eu|paid|10.00|2|1", "4|us|paid|40.00|2|3", "3|us|paid|31.00|2|2");
    // Compaction after every delta commit, so that the increment's first commit is followed by one.
    killWhen(p, hour(1), file -> file.getFileName().toString().contains("compaction"),
        "targets.by_region.options.\"hoodie.compact.inline.max.delta.commits\"=1");
    p.run("incremental", hour(1), "live", ExitCodes.OK);
    assertEquals(rows(p, "fresh", hour(1)), rows(p, "live", null));
  }

  /**
   * Runs the hour's increment in a child JVM and kills it with SIGKILL as soon as a file that {@code trigger}
   * accepts appears in the folder of one of its targets.
   */
  private static void killWhen(IncrementalRunTest.Pipeline p, Instant logicalTime, Predicate<Path> trigger,
      String... settings) throws IOException, InterruptedException {
    Path folder = TestSpark.warehouse().resolve(p.name);
    Set<Path> before = files(folder);
    // The child runs in its own folder.
    List<String> arguments = new ArrayList<>(List.of("run", Path.of(SPEC).toAbsolutePath().toString(), "--mode",
        "incremental", "--logical-time", logicalTime.toString()));
    for (String setting : settings) {
      arguments.addAll(List.of("--set", setting));
    }
    Path log = TestSpark.newFolder("killed-");
    Process child = new ProcessBuilder(childCommand(p.arguments(arguments, "live")))
        .directory(log.toFile()).redirectOutput(log.resolve("stdout.txt").toFile())
        .redirectError(log.resolve("stderr.txt").toFile()).start();
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (files(folder).stream().filter(f -> !before.contains(f) && f.toString().contains("/live_"))
        .noneMatch(trigger)) {
      if (!child.isAlive() || System.nanoTime() > deadline) {
        child.destroyForcibly();
        fail("the run ended (exit " + child.waitFor() + ") before it could be killed while committing; see " + log);
      }
      Thread.sleep(5);
    }
    child.destroyForcibly();
    assertEquals(128 + 9, child.waitFor(), "killed with SIGKILL");
  }

  private static List<String> childCommand(List<String> arguments) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-opens") || a.startsWith("-XX:+Ignore") || a.startsWith("-Djdk.")
            || a.startsWith("-Djol."))
        .forEach(command::add);
    command.addAll(List.of("-Xmx1g", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        Lakepipe.class.getName()));
    command.addAll(arguments);
    return command;
  }

  private static Set<Path> files(Path folder) {
    if (!Files.isDirectory(folder)) {
      return Set.of();
    }
    try (Stream<Path> walk = Files.walk(folder)) {
      return walk.filter(Files::isRegularFile).collect(Collectors.toSet());
    } catch (IOException | UncheckedIOException e) {
      // A file vanished while the folder was walked (a writer renamed or removed it): look again.
      return files(folder);
    }
  }

  /** Every target's rows, sorted; for a variant given a logical time, after a full run of it. */
  private static List<String> rows(IncrementalRunTest.Pipeline p, String variant, Instant fullRun) {
    if (fullRun != null) {
      p.run("full", fullRun, variant, ExitCodes.OK);
    }
    List<String> rows = new ArrayList<>();
    for (String target : TARGETS) {
      p.snapshot(variant, target).collectAsList().stream().map(Row::toString).sorted()
          .forEach(row -> rows.add(target + " " + row));
    }
    assertTrue(rows.size() > TARGETS.size(), rows.toString());
    return rows;
  }
}
