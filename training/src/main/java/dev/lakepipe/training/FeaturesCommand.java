package dev.lakepipe.training;

import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.cli.MemoryPeaks;
import dev.lakepipe.cli.Runs;
import dev.lakepipe.cli.SpecOptions;
import dev.lakepipe.cli.VerboseOption;
import dev.lakepipe.run.SparkSessions;
import dev.lakepipe.spec.InvalidSpecException;
import dev.lakepipe.spec.JobSpec;
import dev.lakepipe.spec.StreamingSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lakepipe features}: the online feature store of a feature table. */
@Command(name = "features", mixinStandardHelpOptions = true,
    subcommands = {FeaturesCommand.Materialize.class, FeaturesCommand.Get.class, FeaturesCommand.Check.class,
        FeaturesCommand.Bench.class},
    description = "Serve a feature table online: materialize its latest values per entity into an embedded RocksDB"
        + " store, look them up, check them against the table, measure lookups.")
final class FeaturesCommand implements Runnable {
  @Spec
  CommandSpec command;

  @Override
  public void run() {
    command.commandLine().usage(command.commandLine().getOut());
  }

  /** The spec, target and store every subcommand but get takes. */
  static final class Source {
    @Parameters(paramLabel = "SPEC", description = "Job spec file whose target is the feature table.")
    String spec;

    @Option(names = "--target", paramLabel = "NAME", required = true, description = "The feature table's target.")
    String target;
  }

  /** How a feature table's rows map to entities: materialize and bench take it. */
  static final class Entities {
    @Option(names = "--entity", paramLabel = "COLUMN", required = true, split = ",",
        description = "The entity key column(s).")
    List<String> entity;

    @Option(names = "--time", paramLabel = "COLUMN", description = "The column of the time a row became valid"
        + " (default: its commit's time).")
    String time;
  }

  @Command(name = "materialize", mixinStandardHelpOptions = true,
      description = {"Write the latest row of each entity of a target into the store: every entity the first time,"
          + " then only those the table's changes since the store's commit name.",
          "Exit codes: 0 success, 1 failure, 2 invalid spec or arguments."})
  static final class Materialize implements Callable<Integer> {
    @Mixin
    SpecOptions specOptions;

    @Mixin
    VerboseOption verbose;

    @ArgGroup(exclusive = false, multiplicity = "1")
    Source source;

    @Option(names = "--store", paramLabel = "DIR", required = true, description = "The store's folder.")
    Path store;

    @Mixin
    Entities entities;

    @Option(names = "--ttl", paramLabel = "DURATION", description = "How long values stay valid, e.g. 7d"
        + " (default: for ever).")
    String ttl;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() throws InvalidSpecException {
      Optional<Duration> validFor = Optional.ofNullable(ttl).map(t -> StreamingSpec.parseDuration(t).orElseThrow(() ->
          new ParameterException(command.commandLine(), "--ttl " + t + ": not a duration such as 30m, 24h or 7d")));
      JobSpec job = specOptions.load(source.spec);
      verbose.apply();
      FeatureMaterializer materializer = new FeatureMaterializer(SparkSessions.getOrCreate(Runs.withConsoleProgress(
          job.settings())));
      try (OnlineFeatureStore online = OnlineFeatureStore.open(store)) {
        FeatureMaterializer.Report report = materializer.materialize(job, source.target, online,
            entities.entity, Optional.ofNullable(entities.time), validFor);
        PrintWriter out = command.commandLine().getOut();
        out.println((report.incremental() ? "incremental" : "full") + " materialization of " + source.target
            + " at commit " + report.commit() + ": " + report.written() + " entities written, " + report.deleted()
            + " removed");
        out.flush();
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true,
      description = {"Print the features of an entity valid now, with the commit they came from.",
          "Exit codes: 0 found, 1 failure, 2 invalid arguments, 3 no features (none, or older than the ttl)."})
  static final class Get implements Callable<Integer> {
    @Option(names = "--store", paramLabel = "DIR", required = true, description = "The store's folder.")
    Path store;

    @Parameters(paramLabel = "KEY", arity = "1..*", description = "The entity's key values, in the order of its"
        + " columns.")
    List<String> key;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = command.commandLine().getOut();
      try (OnlineFeatureStore online = OnlineFeatureStore.open(store)) {
        Optional<OnlineFeatureStore.Features> features = online.get(OnlineFeatureStore.key(key), Instant.now());
        out.println(features.isEmpty() ? "no features of " + String.join(" ", key) : OnlineFeatureStore.JSON
            .writeValueAsString(features.get()));
        out.flush();
        return features.isEmpty() ? ExitCodes.QUALITY : ExitCodes.OK;
      }
    }
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = {"Compare the store with the table's latest rows for a sample of entities; print each mismatch.",
          "Exit codes: 0 all equal, 1 failure, 2 invalid spec or arguments, 3 mismatches."})
  static final class Check implements Callable<Integer> {
    @Mixin
    SpecOptions specOptions;

    @Mixin
    VerboseOption verbose;

    @ArgGroup(exclusive = false, multiplicity = "1")
    Source source;

    @Option(names = "--store", paramLabel = "DIR", required = true, description = "The store's folder.")
    Path store;

    @Option(names = "--sample", paramLabel = "N", defaultValue = "1000",
        description = "How many entities to compare (default: ${DEFAULT-VALUE}).")
    int sample;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() throws InvalidSpecException {
      JobSpec job = specOptions.load(source.spec);
      verbose.apply();
      FeatureMaterializer materializer = new FeatureMaterializer(SparkSessions.getOrCreate(Runs.withConsoleProgress(
          job.settings())));
      try (OnlineFeatureStore online = OnlineFeatureStore.open(store)) {
        FeatureMaterializer.Check check = materializer.check(job, source.target, online, sample);
        PrintWriter out = command.commandLine().getOut();
        check.mismatches().forEach(out::println);
        out.println(check.sampled() + " entities compared, " + check.mismatches().size() + " mismatches (store at"
            + " commit " + check.storeCommit() + ", table at commit " + check.tableCommit() + ")");
        out.flush();
        return check.mismatches().isEmpty() ? ExitCodes.OK : ExitCodes.QUALITY;
      }
    }
  }

  @Command(name = "bench", mixinStandardHelpOptions = true,
      description = "Materialize a target into a fresh store and measure it: materialization rows/s, then the p50 and"
          + " p99 of single-key lookups of its entities.")
  static final class Bench implements Callable<Integer> {
    @Mixin
    SpecOptions specOptions;

    @ArgGroup(exclusive = false, multiplicity = "1")
    Source source;

    @Mixin
    Entities entities;

    @Option(names = "--lookups", paramLabel = "N", defaultValue = "100000",
        description = "Lookups measured (default: ${DEFAULT-VALUE}).")
    int lookups;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() throws InvalidSpecException, IOException {
      JobSpec job = specOptions.load(source.spec);
      FeatureMaterializer materializer = new FeatureMaterializer(SparkSessions.getOrCreate(job.settings()));
      Path dir = Files.createTempDirectory("lakepipe-features-bench-");
      PrintWriter out = command.commandLine().getOut();
      try (OnlineFeatureStore online = OnlineFeatureStore.open(dir)) {
        MemoryPeaks.resetPeaks();
        long start = System.nanoTime();
        FeatureMaterializer.Report report = materializer.materialize(job, source.target, online,
            entities.entity, Optional.ofNullable(entities.time), Optional.empty());
        double seconds = (System.nanoTime() - start) / 1e9;
        out.printf("materialization: %d entities in %.2f s, %.0f rows/s%n", report.written(), seconds,
            report.written() / seconds);
        List<String> keys = online.keys();
        if (keys.isEmpty()) {
          out.println("no entities: nothing to look up");
          out.flush();
          return ExitCodes.OK;
        }
        long[] nanos = new long[lookups];
        Instant now = Instant.now();
        for (int i = 0; i < lookups; i++) {
          String key = keys.get(Math.floorMod(i * 7919, keys.size()));
          long t = System.nanoTime();
          online.get(key, now);
          nanos[i] = System.nanoTime() - t;
        }
        Arrays.sort(nanos);
        out.printf("lookups: %d single-key gets over %d entities: p50 %.1f us, p99 %.1f us%n", lookups, keys.size(),
            nanos[lookups / 2] / 1e3, nanos[(int) (lookups * 0.99)] / 1e3);
        out.printf("peak heap %d MB%s%n", MemoryPeaks.peakHeapMegabytes(), MemoryPeaks.peakResidentMegabytes()
            .stream().mapToObj(rss -> ", peak resident " + rss + " MB").findFirst().orElse(""));
        out.flush();
      } finally {
        deleteTree(dir);
      }
      return ExitCodes.OK;
    }
  }

  private static void deleteTree(Path dir) {
    try (var files = Files.walk(dir)) {
      List<Path> all = new ArrayList<>(files.toList());
      java.util.Collections.reverse(all);
      for (Path file : all) {
        Files.delete(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + dir, e);
    }
  }
}
