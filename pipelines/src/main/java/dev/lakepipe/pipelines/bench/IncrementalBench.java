package dev.lakepipe.pipelines.bench;

import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.cli.VerboseOption;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.pipelines.EcommerceGenerator;
import dev.lakepipe.pipelines.MarketplaceTables;
import dev.lakepipe.plan.Plan;
import dev.lakepipe.run.NodeResult;
import dev.lakepipe.run.PipelineRunner;
import dev.lakepipe.run.RunMode;
import dev.lakepipe.run.RunOptions;
import dev.lakepipe.run.RunResult;
import dev.lakepipe.run.SparkSessions;
import dev.lakepipe.spec.InvalidSpecException;
import dev.lakepipe.spec.JobSpec;
import dev.lakepipe.spec.SpecLoader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lakepipe bench incremental}: the hourly marketplace pipeline on generated history, a full recompute
 * against one hour's increment (the hour's new orders, updates to older orders, a few deletes) on the same data,
 * and the same hour's increment over a quarter of the history. One JSON line per format on stdout; where an
 * incremental run spent its time goes to stderr.
 */
@Command(name = "incremental", mixinStandardHelpOptions = true,
    description = {"Full recompute vs one hourly increment of conf/jobs/marketplace_hourly.conf, per table format.",
        "Prints {\"format\",\"rows\",\"full_s\",\"incremental_s\",\"speedup\",\"incremental_s_quarter_history\","
            + "\"growth\",\"peak_heap_mb\"} per format; growth = incremental_s / incremental_s_quarter_history."})
final class IncrementalBench implements Callable<Integer> {
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

  @Option(names = "--spec", paramLabel = "FILE",
      defaultValue = "${env:LAKEPIPE_HOME:-.}/conf/jobs/marketplace_hourly.conf",
      description = "The hourly marketplace spec (default: ${DEFAULT-VALUE}).")
  Path spec;

  @Option(names = "--warehouse", paramLabel = "DIR", description = "Where the tables go (default: a new temporary"
      + " folder, deleted at the end).")
  Path warehouse;

  @Spec
  CommandSpec command;

  @Override
  public Integer call() throws Exception {
    List<String> formats = format.equals("all") ? List.of("hudi", "delta", "iceberg") : List.of(format);
    if (!TableFormats.all().keySet().containsAll(formats) || days < 4 || ordersPerDay < 1) {
      throw new ParameterException(command.commandLine(), "--format must be hudi, delta, iceberg or all, --days at"
          + " least 4 and --orders-per-day positive");
    }
    verbose.apply();
    Path root = warehouse != null ? warehouse : Files.createTempDirectory("lakepipe-bench-");
    PrintWriter out = command.commandLine().getOut();
    for (String tableFormat : formats) {
      out.println(measure(root, tableFormat));
      out.flush();
    }
    return ExitCodes.OK;
  }

  private String measure(Path root, String tableFormat) throws InvalidSpecException {
    LocalDate start = LocalDate.parse("2026-10-01");
    Instant end = start.plusDays(days).atStartOfDay(ZoneOffset.UTC).toInstant();
    // One day past the history, so the measured hour has new orders too.
    EcommerceGenerator.Config whole = new EcommerceGenerator.Config(11, start, days + 1, ordersPerDay, 200);
    int quarterDays = Math.max(1, days / 4);
    EcommerceGenerator.Config quarter = new EcommerceGenerator.Config(11, start.plusDays(days - quarterDays),
        quarterDays + 1, ordersPerDay, 200);

    History full = new History(root, tableFormat, "whole", whole, end);
    double fullSeconds = full.run(RunMode.FULL, end).seconds();
    full.ingestHour();
    RunResult increment = full.run(RunMode.INCREMENTAL, end.plus(Duration.ofHours(1)));
    command.commandLine().getErr().println(tableFormat + " increment over the whole history: " + breakdown(increment));

    History small = new History(root, tableFormat, "quarter", quarter, end);
    small.run(RunMode.FULL, end);
    small.ingestHour();
    RunResult smallIncrement = small.run(RunMode.INCREMENTAL, end.plus(Duration.ofHours(1)));
    command.commandLine().getErr().println(tableFormat + " increment over a quarter: " + breakdown(smallIncrement));

    return String.format(Locale.ROOT, "{\"format\":\"%s\",\"rows\":%d,\"full_s\":%.2f,\"incremental_s\":%.2f,"
            + "\"speedup\":%.1f,\"incremental_s_quarter_history\":%.2f,\"growth\":%.2f,\"peak_heap_mb\":%d}",
        tableFormat, full.orders, fullSeconds, increment.seconds(), fullSeconds / increment.seconds(),
        smallIncrement.seconds(), increment.seconds() / smallIncrement.seconds(), peakHeapMegabytes());
  }

  /** Source tables holding a generated history up to {@code end}, and the pipeline over them. */
  private final class History {
    final EcommerceGenerator generator;
    final MarketplaceTables tables;
    final JobSpec job;
    final SparkSession spark;
    final Instant end;
    /** The orders created in the history: the rows the source holds, but for the few deleted. */
    final long orders;

    History(Path root, String tableFormat, String name, EcommerceGenerator.Config config, Instant end)
        throws InvalidSpecException {
      String database = "bench_" + tableFormat + "_" + name;
      List<String> sets = new ArrayList<>(List.of("warehouse=" + root, "name=" + database,
          "sources.orders.format=" + tableFormat, "sources.orders.table=" + database + ".orders",
          "sources.shops.format=" + tableFormat, "sources.shops.table=" + database + ".shops"));
      for (String target : List.of("paid_orders", "gmv_by_shop_day", "order_detail")) {
        sets.add("targets." + target + ".format=" + tableFormat);
        sets.add("targets." + target + ".table=" + database + "_out." + target);
      }
      this.job = new SpecLoader(TableFormats.all(), System::getenv).load(spec,
          new SpecLoader.Options(Optional.empty(), Optional.empty(), sets));
      this.spark = SparkSessions.getOrCreate(job.settings());
      this.generator = new EcommerceGenerator(spark, config);
      this.tables = new MarketplaceTables(spark, job.settings(), tableFormat, database);
      this.end = end;
      tables.upsertShops(generator.shops());
      tables.applyOrderEvents(generator.orderEvents(config.start(), end));
      this.orders = config.ordersPerDay() * Duration.between(config.start(), end).toDays();
    }

    void ingestHour() {
      tables.applyOrderEvents(generator.orderEvents(end, end.plus(Duration.ofHours(1))));
    }

    RunResult run(RunMode mode, Instant logicalTime) {
      return new PipelineRunner(spark).run(Plan.of(job), RunOptions.of(logicalTime, mode), node -> { });
    }
  }

  /** The slowest nodes of a run, for where the time goes. */
  private static String breakdown(RunResult result) {
    return String.format(Locale.ROOT, "%.1f s: ", result.seconds()) + result.nodes().stream()
        .sorted((a, b) -> Double.compare(b.seconds(), a.seconds())).limit(8)
        .map(n -> String.format(Locale.ROOT, "%s %s %.1f s (%s)", n.kind().name().toLowerCase(Locale.ROOT),
            n.name(), n.seconds(), n.detail()))
        .collect(Collectors.joining(", "));
  }

  private static long peakHeapMegabytes() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak >> 20;
  }
}
