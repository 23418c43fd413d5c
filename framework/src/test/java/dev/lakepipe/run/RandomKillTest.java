package dev.lakepipe.run;

import static dev.lakepipe.run.IncrementalRunTest.hour;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.testing.ChildJvm;
import dev.lakepipe.testing.TestSpark;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fault injection: full and incremental runs of a pipeline that keeps orders by day and region (an algebraic delta
 * over a join, whose increments upsert and delete groups, merge-on-read), on Hudi, Delta and Iceberg, are SIGKILLed
 * at moments drawn at random within the measured duration of the same run uninterrupted, and at chosen moments:
 * while a merge-on-read commit is being written (Delta, Iceberg), between Hudi's two commits of one write, during
 * Hudi's inline compaction, and while a full run appends a bad record to its quarantine. Each killed run is then run
 * again, as an orchestrator's retry would; the table must equal, row for row, the table of an uninterrupted run
 * (which holds each key once), and the quarantine must hold the bad record once.
 *
 * <p>The moments come from {@code -Dlakepipe.faults.seed} (printed; a random one by default); there are {@code
 * -Dlakepipe.faults.trials} random moments per mode and format (20 for a full campaign; without it, to fit CI, one
 * random moment in all, its format and mode picked by the seed), and
 * {@code -Dlakepipe.faults.formats} picks formats. A replay kills after the same delays; how far a run got by then
 * also depends on the machine. Each killed run runs in a child JVM that started while the previous trial was being
 * retried and checked, and that created its Spark session first; the durations the delays are drawn within were
 * measured the same way. The retries run in this JVM.
 */
class RandomKillTest {
  private static final String SPEC = Path.of("src/test/resources/specs/faults/region-gmv.conf").toAbsolutePath()
      .toString();
  private static final String TARGET = "by_region";
  private static final long SEED = Long.getLong("lakepipe.faults.seed", new Random().nextLong());
  /** Random moments per mode and format; unset (CI), one random moment, its format and mode picked by the seed. */
  private static final Integer TRIALS = Integer.getInteger("lakepipe.faults.trials");
  private static final String BAD_REGION = "{\"region\":\"xx\",";
  private static final String BAD_REGION_QUARANTINED =
      "regions|" + BAD_REGION + "|not JSON of the declared schema (region STRING, region_name STRING)";

  private IncrementalRunTest.Pipeline pipeline;
  private String badRegions;
  /** The JVM that runs the next trial, once warm. */
  private ChildJvm child;
  /** Whether the child answered its first query, which created its Spark session. */
  private boolean warm;

  /** A run to kill: its mode, the variant of the tables it writes, its extra settings, and when it is killed. */
  private record Trial(String mode, String variant, List<String> settings, Moment moment) {
    boolean full() {
      return mode.equals("full");
    }

    @Override
    public String toString() {
      return mode + " run into " + variant + " killed " + moment;
    }
  }

  /** When a run is killed: after a delay, or once a new file under a folder that a trigger accepts appears. */
  private record Moment(String description, long delayMillis, Path folder, Predicate<Path> trigger) {
    static Moment after(long delayMillis) {
      return new Moment(delayMillis + " ms after it started", delayMillis, null, null);
    }

    static Moment when(String description, Path folder, Predicate<Path> trigger) {
      return new Moment(description, 0, folder, trigger);
    }

    @Override
    public String toString() {
      return description;
    }
  }

  /** The formats to try, {@code -Dlakepipe.faults.formats=hudi,delta} (default all three), e.g. to replay one. */
  static Stream<String> formats() {
    return Stream.of(System.getProperty("lakepipe.faults.formats", "hudi,delta,iceberg").split(","))
        .map(String::strip);
  }

  @ParameterizedTest
  @MethodSource("formats")
  void runsKilledAtAnyMomentAreRetriedToTheTableOfAnUninterruptedRun(String format) throws Exception {
    Random random = new Random(SEED + format.hashCode());
    System.out.println("RandomKillTest " + format + ": seed " + SEED + " (replay with -Dlakepipe.faults.seed=" + SEED
        + "), " + (TRIALS == null ? "one random moment in all" : TRIALS + " random moment(s) per mode")
        + " (-Dlakepipe.faults.trials)");
    startChild();
    pipeline = new IncrementalRunTest.Pipeline(format, "kill_" + format, SPEC, List.of(TARGET));
    Path folder = TestSpark.newFolder("regions-bad-");
    Files.write(folder.resolve("regions.json"), List.of("{\"region\":\"eu\",\"region_name\":\"Europe\"}",
        BAD_REGION, "{\"region\":\"us\",\"region_name\":\"Americas\"}"));
    badRegions = folder.toString();
    List<Trial> trials = trials(format);

    // Each incremental run starts from a full run of hour 0, made before the source changes.
    pipeline.upsert("1|eu|created|10.00|1|1", "2|us|paid|20.00|1|1", "3|eu|paid|30.00|1|2");
    Trial base = new Trial("incremental", "base_i", List.of(), null);
    Stream.concat(Stream.of(base), trials.stream().filter(t -> !t.full()))
        .forEach(trial -> {
          // The full run makes the table as the trial's settings say.
          List<String> command = new ArrayList<>(List.of("run", SPEC, "--mode", "full", "--logical-time",
              hour(0).toString()));
          trial.settings().forEach(setting -> command.addAll(List.of("--set", setting)));
          pipeline.lakepipe(command, trial.variant(), ExitCodes.OK);
        });
    // Order 2 leaves its group, which goes; order 3 moves to another; order 4 starts a group.
    pipeline.upsert("1|eu|paid|10.00|2|1", "4|us|paid|40.00|2|3", "3|us|paid|31.00|2|2");
    pipeline.delete(2);

    // The uninterrupted runs, measured in a child as warm as the ones that are killed.
    awaitWarm();
    long full = run(child, command(new Trial("full", "base_f", List.of(), null)), "the full run");
    long incremental = run(child, command(new Trial("incremental", "base_i", List.of(), null)),
        "the incremental run");
    List<String> expected = rows("base_f");
    assertEquals(expected, rows("base_i"), "an incremental run computes what a full run does");
    assertEquals(List.of(), pipeline.snapshot("base_f", TARGET).groupBy("order_date", "region_name").count()
        .filter("count > 1").collectAsList(), "a key twice");
    assertTrue(expected.size() > 2, expected.toString());
    // Retried after it ended, a full run leaves the same table and quarantine.
    pipeline.run("full", hour(1), "base_f", ExitCodes.OK);
    assertEquals(expected, rows("base_f"));
    assertEquals(List.of(BAD_REGION_QUARANTINED), quarantine("base_f"), "a full run retried");

    List<String> done = new ArrayList<>();
    for (int i = 0; i < trials.size(); i++) {
      Trial trial = trials.get(i);
      if (trial.moment() == null) {
        trial = new Trial(trial.mode(), trial.variant(), trial.settings(),
            Moment.after(random.nextLong(trial.full() ? full : incremental)));
      }
      String outcome = kill(trial);
      done.add(trial + ": " + outcome);
      // The next trial's JVM starts while this one is retried.
      child = null;
      if (i + 1 < trials.size()) {
        startChild();
      }
      String context = "seed " + SEED + ", " + trial + " (" + outcome + "); trials so far: " + done;
      pipeline.lakepipeAsIs(command(trial), ExitCodes.OK);
      assertEquals(expected, rows(trial.variant()), context);
      if (trial.full()) {
        assertEquals(List.of(BAD_REGION_QUARANTINED), quarantine(trial.variant()), context);
      }
    }
    System.out.println("RandomKillTest " + format + ", seed " + SEED + ":\n  " + String.join("\n  ", done));
  }

  /** The random trials (their moments drawn once the runs are measured), then the chosen moments. */
  private List<Trial> trials(String format) {
    List<Trial> trials = new ArrayList<>();
    if (TRIALS == null) {
      // The seed picks one format and mode: over many CI runs, every pair.
      List<String> formats = formats().toList();
      if (formats.get(Math.floorMod(SEED, formats.size())).equals(format)) {
        boolean full = Math.floorMod(SEED / formats.size(), 2) == 0;
        trials.add(new Trial(full ? "full" : "incremental", full ? "rf0" : "ri0", List.of(), null));
      }
    } else {
      for (int i = 0; i < TRIALS; i++) {
        trials.add(new Trial("full", "rf" + i, List.of(), null));
        trials.add(new Trial("incremental", "ri" + i, List.of(), null));
      }
    }
    Path tables = TestSpark.warehouse().resolve(pipeline.name);
    if (format.equals("hudi")) {
      // A merge-on-read table, whose increment upserts, then deletes a group: two commits, since the table is
      // partitioned by a column that is not a key (where the keys name the partition, a delete is one of the rows
      // of the upsert's one commit).
      trials.add(new Trial("incremental", "two", List.of("targets." + TARGET + ".partition-by=[orders]"),
          Moment.when("as the first of Hudi's two commits"
          + " completed", tables.resolve("two/.hoodie/timeline"),
          file -> file.getFileName().toString().matches("\\d+_\\d+\\.deltacommit"))));
      trials.add(new Trial("incremental", "compact",
          List.of("targets." + TARGET + ".options.\"hoodie.compact.inline.max.delta.commits\"=1"),
          Moment.when("as Hudi's inline compaction was planned", tables.resolve("compact/.hoodie/timeline"),
              file -> file.getFileName().toString().contains("compaction"))));
    } else {
      trials.add(new Trial("incremental", "mor", List.of(), Moment.when("as its first file appeared in the table",
          tables.resolve("mor"), file -> true)));
    }
    if (format.equals("delta")) {
      // The quarantine is a Delta table whatever the target's format.
      trials.add(new Trial("full", "quarantine", List.of(), Moment.when("as it appended to its quarantine",
          TestSpark.warehouse().resolve("_lakepipe/batch/" + pipeline.name + "_quarantine"), file -> true)));
    }
    return trials;
  }

  /** Starts the next child JVM and has it create its Spark session: a query of the warehouse. */
  private void startChild() throws IOException {
    child = ChildJvm.start(TestSpark.warehouse(), Map.of());
    child.send(List.of("query", "SELECT 1", "--set", "warehouse=" + TestSpark.warehouse()));
    warm = false;
  }

  /** Waits for the child's first query to end. */
  private void awaitWarm() throws InterruptedException {
    if (!warm) {
      ChildJvm.Reply reply = child.reply();
      assertEquals(ExitCodes.OK, reply.code(), "the child's first query: " + reply + "; see " + child.logs());
      warm = true;
    }
  }

  @AfterEach
  void endChild() throws InterruptedException {
    if (child != null) {
      child.close();
    }
  }

  /**
   * Runs a command line in the child and checks that it succeeds.
   *
   * @return how long it took, in milliseconds
   */
  private static long run(ChildJvm child, List<String> command, String what) throws InterruptedException {
    long start = System.nanoTime();
    ChildJvm.Reply reply = child.execute(command);
    assertEquals(ExitCodes.OK, reply.code(), what + ": " + reply + "; see " + child.logs());
    return Duration.ofNanos(System.nanoTime() - start).toMillis();
  }

  /** Starts the trial's run in the child, kills the child at the trial's moment, and says how far the run got. */
  private String kill(Trial trial) throws InterruptedException {
    awaitWarm();
    Path watched = trial.moment().folder();
    Set<Path> before = watched == null ? Set.of() : files(watched);
    child.send(command(trial));
    if (trial.moment().trigger() == null) {
      Thread.sleep(trial.moment().delayMillis());
    } else {
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (files(watched).stream().filter(f -> !before.contains(f)).noneMatch(trial.moment().trigger())) {
        if (child.replied() || System.nanoTime() > deadline) {
          child.kill();
          fail("the " + trial + ", but it ended (or ten minutes passed) first; see " + child.logs());
        }
        Thread.sleep(5);
      }
    }
    boolean ended = child.replied();
    assertEquals(ChildJvm.SIGKILL_EXIT, child.kill(), "killed with SIGKILL");
    return ended ? "it had ended" : "killed";
  }

  private List<String> command(Trial trial) {
    List<String> command = new ArrayList<>(pipeline.arguments(List.of("run", SPEC, "--mode", trial.mode(),
        "--logical-time", hour(1).toString()), trial.variant()));
    if (trial.full()) {
      command.addAll(List.of("--set", "sources.regions.path=" + badRegions));
    }
    trial.settings().forEach(setting -> command.addAll(List.of("--set", setting)));
    return command;
  }

  /** The table's rows, sorted. */
  private List<String> rows(String variant) {
    return pipeline.snapshot(variant, TARGET).collectAsList().stream().map(Row::toString).sorted().toList();
  }

  /** The bad records a variant's full runs quarantined: source, raw value and reason. */
  private List<String> quarantine(String variant) {
    return TestSpark.session().read().format("delta").load(TestSpark.warehouse() + "/_lakepipe/batch/"
        + pipeline.name + "_" + variant + "/regions/quarantine").collectAsList().stream()
        .map(r -> r.getAs("source") + "|" + r.getAs("raw_value") + "|" + r.getAs("reason")).sorted().toList();
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
}
