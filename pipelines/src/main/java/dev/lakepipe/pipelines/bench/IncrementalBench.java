package dev.lakepipe.pipelines.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.cli.MemoryPeaks;
import dev.lakepipe.cli.VerboseOption;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.pipelines.EcommerceGenerator;
import dev.lakepipe.run.IncrementalRun;
import dev.lakepipe.run.NodeResult;
import dev.lakepipe.run.RunResult;
import dev.lakepipe.run.SparkWork;
import dev.lakepipe.spec.InvalidSpecException;
import dev.lakepipe.spec.Storage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lakepipe bench incremental}: the hourly marketplace pipeline on generated history, per table format, in one
 * process: its full run against the same SQL as a plain Spark job, consecutive hourly increments (the hour's new
 * orders, updates to older orders, a few deletes) with the Spark jobs they run and the files they write, the same
 * increments over a quarter of the history, and a plain upsert of 1.2 % of a table through lakepipe's writer. One
 * JSON line per format on stdout; where the median increment spent its time goes to stderr.
 */
@Command(name = "incremental", mixinStandardHelpOptions = true,
    description = {"Full run vs hourly increments of conf/jobs/marketplace_hourly.conf, per table format; prints one"
        + " JSON line per format (see README, Performance).",
        "incremental_s is the median over the hours after the first; growth = incremental_s /"
            + " incremental_s_quarter_history; framework_overhead = full_s / plain_full_s."})
final class IncrementalBench implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final LocalDate START = LocalDate.parse("2026-10-01");
  private static final long SEED = 11;
  private static final int UPSERTS = 3;
  private static final int QUIET_HOURS = 3;

  @Mixin
  VerboseOption verbose;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "all",
      description = "hudi, delta, iceberg or all (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--days", paramLabel = "N", defaultValue = "30",
      description = "Days of order history (default: ${DEFAULT-VALUE}).")
  int days;

  @Option(names = "--orders-per-day", paramLabel = "N", defaultValue = "170000",
      description = "Orders created per day (default: ${DEFAULT-VALUE}: 5.1 M orders over 30 days).")
  long ordersPerDay;

  @Option(names = "--hours", paramLabel = "N", defaultValue = "4",
      description = "Consecutive hourly increments; the median leaves out the first (default: ${DEFAULT-VALUE}).")
  int hours;

  @Option(names = "--rounds", paramLabel = "N", defaultValue = "2",
      description = "Full runs, each as a plain Spark job and as a lakepipe run, in turns (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--upsert-rows", paramLabel = "N", defaultValue = "2000000",
      description = "Rows of the table of the plain upsert (default: ${DEFAULT-VALUE}).")
  long upsertRows;

  @Option(names = "--upsert-storage", paramLabel = "STORAGE", defaultValue = "merge-on-read",
      description = "How the table of the plain upsert stores updates: merge-on-read (as targets do by default) or"
          + " copy-on-write (default: ${DEFAULT-VALUE}).")
  String upsertStorage;

  @Option(names = "--buckets", paramLabel = "N", defaultValue = "2", description = "Buckets per partition of the"
      + " targets, for the formats that hash keys into buckets (Hudi's bucket index), as an hourly target is best"
      + " declared there; 0 keeps the spec's targets as they are (Hudi's bloom index) (default: ${DEFAULT-VALUE}).")
  int buckets;

  @Option(names = "--skip-quarter", description = "Do not measure the increments over a quarter of the history.")
  boolean skipQuarter;

  @Option(names = "--skip-overhead", description = "Run the full run once, without the plain Spark job beside it.")
  boolean skipOverhead;

  @Option(names = "--skip-upsert", description = "Do not measure the plain upsert.")
  boolean skipUpsert;

  @Option(names = "--skip-one-at-a-time", description = "Do not measure, in turns with each hour, an hour whose"
      + " targets are refreshed one after another.")
  boolean skipOneAtATime;

  @Option(names = "--spec", paramLabel = "FILE",
      defaultValue = "${env:LAKEPIPE_HOME:-.}/conf/jobs/marketplace_hourly.conf",
      description = "The hourly marketplace spec (default: ${DEFAULT-VALUE}).")
  Path spec;

  @Option(names = "--warehouse", paramLabel = "DIR", description = "Where the tables go (default: a new temporary"
      + " folder, deleted at the end).")
  Path warehouse;

  @Spec
  CommandSpec command;

  /** @throws ParameterException for an unknown format or storage, or a size out of range */
  @Override
  public Integer call() throws InvalidSpecException, IOException {
    List<String> formats = format.equals("all") ? List.of("hudi", "delta", "iceberg") : List.of(format);
    if (!TableFormats.all().keySet().containsAll(formats) || days < 4 || ordersPerDay < 1 || hours < 2 || rounds < 1
        || buckets < 0 || upsertRows < 1 || Storage.fromSpecName(upsertStorage).isEmpty()) {
      throw new ParameterException(command.commandLine(), "--format must be hudi, delta, iceberg or all, --days at"
          + " least 4, --hours at least 2, --orders-per-day, --rounds and --upsert-rows positive, --buckets at least 0,"
          + " --upsert-storage "
          + String.join(" or ", Storage.specNames()));
    }
    verbose.apply();
    PrintWriter out = command.commandLine().getOut();
    try (WorkFolder root = WorkFolder.namedOrTemporary(warehouse, "lakepipe-bench-")) {
      for (String tableFormat : formats) {
        out.println(JSON.writeValueAsString(measure(root.path(), tableFormat)));
        out.flush();
      }
    }
    return ExitCodes.OK;
  }

  private Map<String, Object> measure(Path root, String tableFormat) throws InvalidSpecException {
    MemoryPeaks.resetPeaks();
    Instant end = START.plusDays(days).atStartOfDay(ZoneOffset.UTC).toInstant();
    // One day past the history, so the measured hours have new orders too.
    EcommerceGenerator.Config whole = new EcommerceGenerator.Config(SEED, START, days + 1, ordersPerDay, 200);
    String database = "bench_" + tableFormat;
    MarketplaceHistory history = new MarketplaceHistory(spec, root, tableFormat, database + "_whole", whole, end,
        targetBuckets(tableFormat));

    Map<String, Object> line = new LinkedHashMap<>();
    line.put("format", tableFormat);
    line.put("rows", history.orders);
    line.put("hours", hours);
    line.put("buckets", targetBuckets(tableFormat));
    try (SparkWork counter = SparkWork.listeningTo(history.spark.sparkContext())) {
      double fullSeconds = measureFullRuns(history, database + "_plain", counter, line);
      Optional<MarketplaceHistory> quarter = skipQuarter ? Optional.empty() : Optional.of(quarterOf(root,
          tableFormat, database, end));
      List<MarketplaceHistory.Increment> sideBySide = new ArrayList<>();
      List<MarketplaceHistory.Increment> oneAtATime = new ArrayList<>();
      List<MarketplaceHistory.Increment> quarterHours = new ArrayList<>();
      // In turns, hour by hour, so that all see the same machine and a process as warm (the quarter's hours, once
      // measured after all of the whole history's, ran in a warmer process).
      for (int hour = 0; hour < hours; hour++) {
        sideBySide.addAll(history.increments(1, counter, IncrementalRun.TARGETS_AT_ONCE));
        if (!skipOneAtATime) {
          oneAtATime.addAll(history.increments(1, counter, 1));
        }
        quarter.ifPresent(small -> quarterHours.addAll(small.increments(1, counter, IncrementalRun.TARGETS_AT_ONCE)));
      }
      HourlyIncrements increments = new HourlyIncrements(sideBySide);
      report(tableFormat + " median increment over the whole history", increments);
      line.put("incremental_s", Measures.rounded(increments.medianSeconds(), 2));
      line.put("first_incremental_s", Measures.rounded(increments.firstSeconds(), 2));
      line.put("incremental_s_each", increments.secondsEach().stream().map(s -> Measures.rounded(s, 2)).toList());
      line.put("speedup", Measures.rounded(fullSeconds / increments.medianSeconds(), 2));
      line.put("spark_jobs", Measures.rounded(increments.medianSparkJobs(), 1));
      line.put("spark_jobs_each", increments.sparkJobsEach());
      line.put("rows_read", Math.round(increments.medianRowsRead()));
      line.put("bytes_read", Math.round(increments.medianBytesRead()));
      line.put("files_read", Math.round(increments.medianFilesRead()));
      line.put("rows_written", Math.round(increments.medianRowsWritten()));
      line.put("files_written", Measures.rounded(increments.medianFilesWritten(), 1));
      line.put("bytes_written", Math.round(increments.medianBytesWritten()));
      if (!skipOneAtATime) {
        HourlyIncrements sequential = new HourlyIncrements(oneAtATime);
        report(tableFormat + " median increment, targets one after another", sequential);
        line.put("incremental_s_one_at_a_time", Measures.rounded(sequential.medianSeconds(), 2));
        line.put("side_by_side_gain", Measures.rounded(sequential.medianSeconds() / increments.medianSeconds(), 2));
      }
      // After the measured hours, hours in which nothing changed: what a run costs when it has nothing to do.
      List<MarketplaceHistory.Increment> quiet = history.quietHours(QUIET_HOURS, counter);
      line.put("quiet_hour_s", Measures.rounded(median(quiet, MarketplaceHistory.Increment::seconds), 2));
      line.put("quiet_hour_spark_jobs", Measures.rounded(median(quiet, MarketplaceHistory.Increment::sparkJobs), 1));
      line.put("quiet_hour_files_written", Measures.rounded(median(quiet, hour -> hour.written().files()), 1));
      if (!skipQuarter) {
        HourlyIncrements smallIncrements = new HourlyIncrements(quarterHours);
        report(tableFormat + " median increment over a quarter of the history", smallIncrements);
        line.put("incremental_s_quarter_history", Measures.rounded(smallIncrements.medianSeconds(), 2));
        line.put("growth", Measures.rounded(increments.medianSeconds() / smallIncrements.medianSeconds(), 2));
        line.put("spark_jobs_quarter_history", Measures.rounded(smallIncrements.medianSparkJobs(), 1));
        line.put("rows_read_quarter_history", Math.round(smallIncrements.medianRowsRead()));
        line.put("bytes_read_quarter_history", Math.round(smallIncrements.medianBytesRead()));
        line.put("files_read_quarter_history", Math.round(smallIncrements.medianFilesRead()));
        line.put("rows_written_quarter_history", Math.round(smallIncrements.medianRowsWritten()));
        line.put("files_written_quarter_history", Measures.rounded(smallIncrements.medianFilesWritten(), 1));
        line.put("bytes_written_quarter_history", Math.round(smallIncrements.medianBytesWritten()));
      }
    }
    line.put("storage", storage(history.targetStorage()));
    if (!skipUpsert) {
      Storage storage = Storage.fromSpecName(upsertStorage).orElseThrow();
      List<Double> upserts = new PlainUpsert(history.spark, history.job.settings(), tableFormat,
          database + "_upsert.orders", upsertRows, storage, SEED).measure(UPSERTS);
      line.put("plain_upsert_s", Measures.rounded(Measures.median(upserts), 2));
      line.put("upsert_rows", upsertRows);
      line.put("upsert_storage", upsertStorage);
    }
    line.put("peak_heap_mb", MemoryPeaks.peakHeapMegabytes());
    MemoryPeaks.peakResidentMegabytes().ifPresent(peak -> line.put("peak_rss_mb", peak));
    return line;
  }

  /** The last quarter of the history, ingested and built by a full run, its hours still to come. */
  private MarketplaceHistory quarterOf(Path root, String tableFormat, String database, Instant end)
      throws InvalidSpecException {
    int quarterDays = Math.max(1, days / 4);
    EcommerceGenerator.Config quarter = new EcommerceGenerator.Config(SEED, START.plusDays(days - quarterDays),
        quarterDays + 1, ordersPerDay, 200);
    MarketplaceHistory small = new MarketplaceHistory(spec, root, tableFormat, database + "_quarter", quarter, end,
        targetBuckets(tableFormat));
    small.runFull();
    return small;
  }

  /** The buckets per partition the targets are given: {@code --buckets} for a format with buckets, else none. */
  private int targetBuckets(String format) {
    return TableFormats.get(format).supportsBuckets() ? buckets : 0;
  }

  /**
   * The full run, in turns as a plain Spark job and through lakepipe unless the overhead is skipped; puts the
   * medians into the line and returns lakepipe's.
   */
  private double measureFullRuns(MarketplaceHistory history, String plainDatabase, SparkWork counter,
      Map<String, Object> line) {
    List<SparkWork.Counted<?>> lakepipe = new ArrayList<>();
    List<SparkWork.Counted<?>> plain = new ArrayList<>();
    PlainSparkRun plainRun = new PlainSparkRun(history.spark, history.job, plainDatabase);
    for (int round = 0; round < (skipOverhead ? 1 : rounds); round++) {
      if (!skipOverhead) {
        plain.add(counter.count(() -> {
          plainRun.run();
          return null;
        }));
      }
      lakepipe.add(counter.count(history::runFull));
    }
    double fullSeconds = medianSeconds(lakepipe);
    line.put("full_s", Measures.rounded(fullSeconds, 2));
    line.put("full_spark_jobs", lakepipe.get(lakepipe.size() - 1).jobs());
    if (!skipOverhead) {
      double plainSeconds = medianSeconds(plain);
      line.put("plain_full_s", Measures.rounded(plainSeconds, 2));
      line.put("plain_full_spark_jobs", plain.get(plain.size() - 1).jobs());
      line.put("framework_overhead", Measures.rounded(fullSeconds / plainSeconds, 2));
    }
    return fullSeconds;
  }

  private static double median(List<MarketplaceHistory.Increment> hours,
      ToDoubleFunction<MarketplaceHistory.Increment> value) {
    return Measures.median(hours.stream().map(value::applyAsDouble).toList());
  }

  private static double medianSeconds(List<SparkWork.Counted<?>> runs) {
    return Measures.median(runs.stream().map(SparkWork.Counted::seconds).toList());
  }

  /** One storage when every target has the same, else each target's. */
  private static String storage(Map<String, String> byTarget) {
    if (byTarget.values().stream().distinct().count() == 1) {
      return byTarget.values().iterator().next();
    }
    return new TreeMap<>(byTarget).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(", "));
  }

  /**
   * Where the typical increment's time went, on stderr: its Spark work and files written, the slowest nodes with
   * their Spark work, and the files written per table.
   */
  private void report(String what, HourlyIncrements increments) {
    MarketplaceHistory.Increment increment = increments.typical();
    RunResult run = increment.run();
    SparkWork.Tally work = increment.work();
    command.commandLine().getErr().println(String.format(Locale.ROOT,
        "%s: %.1f s (%.1f s in the run), %s, %d files / %d bytes written; outside the nodes: %s; slowest: ", what,
        increment.seconds(), run.seconds(), work.total(), increment.written().files(), increment.written().bytes(),
        work.outsideNodes()) + run.nodes().stream()
        // Nodes of the same kind and name (a source read for each target) share their Spark work: one entry.
        .collect(Collectors.groupingBy(n -> List.of(n.kind(), n.name()))).values().stream()
        .sorted(Comparator.comparingDouble(nodes -> -seconds(nodes))).limit(8)
        .map(nodes -> {
          NodeResult first = nodes.get(0);
          String timing = nodes.size() == 1 ? String.format(Locale.ROOT, "%.1f s (%s; ", first.seconds(),
              first.detail()) : String.format(Locale.ROOT, "%d times, %.1f s in all (", nodes.size(),
              seconds(nodes));
          return first.kind().name().toLowerCase(Locale.ROOT) + " " + first.name() + " " + timing
              + work.of(first.kind(), first.name()) + ")";
        })
        .collect(Collectors.joining(", "))
        + "; written per table: " + increment.writtenByTable().entrySet().stream()
        .map(e -> String.format(Locale.ROOT, "%s %d files / %d bytes", e.getKey(), e.getValue().files(),
            e.getValue().bytes()))
        .collect(Collectors.joining(", ")));
  }

  private static double seconds(List<NodeResult> nodes) {
    return nodes.stream().mapToDouble(NodeResult::seconds).sum();
  }
}
