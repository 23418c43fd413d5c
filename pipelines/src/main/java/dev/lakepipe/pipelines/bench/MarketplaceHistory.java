package dev.lakepipe.pipelines.bench;

import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableAddresses;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.pipelines.EcommerceGenerator;
import dev.lakepipe.pipelines.MarketplaceTables;
import dev.lakepipe.plan.Plan;
import dev.lakepipe.run.IncrementalRun;
import dev.lakepipe.run.PipelineRunner;
import dev.lakepipe.run.RunMode;
import dev.lakepipe.run.RunOptions;
import dev.lakepipe.run.RunResult;
import dev.lakepipe.run.SparkSessions;
import dev.lakepipe.run.SparkWork;
import dev.lakepipe.spec.InvalidSpecException;
import dev.lakepipe.spec.JobSpec;
import dev.lakepipe.spec.SpecLoader;
import dev.lakepipe.spec.TargetSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;

/**
 * The hourly marketplace pipeline over source tables of one format that hold a generated history up to {@code end}:
 * its runs, and the hours after {@code end} ingested one at a time. The sources are {@code <database>.orders} and
 * {@code <database>.shops}, the three targets are tables of {@code <database>_out}.
 */
final class MarketplaceHistory {
  static final List<String> TARGETS = List.of("paid_orders", "gmv_by_shop_day", "order_detail");

  /** An hour's increment: its run, wall time, Spark work, and the files it wrote, in all and per table folder. */
  record Increment(RunResult run, double seconds, SparkWork.Tally work, WrittenFiles.Written written,
      Map<String, WrittenFiles.Written> writtenByTable) {
    long sparkJobs() {
      return work.total().jobs();
    }
  }

  final JobSpec job;
  final SparkSession spark;
  /** The orders created in the history: the rows the source holds, but for the few deleted. */
  final long orders;
  private final EcommerceGenerator generator;
  private final MarketplaceTables tables;
  private final String targetsFolder;
  private final Instant end;
  /** The hours after {@code end} ingested so far. */
  private int hoursDone;

  /**
   * Loads the spec with its sources and targets in this format and database, and ingests the history.
   *
   * @param buckets buckets per partition of each target (a format with buckets), or 0 for the spec's targets as
   *     they are
   * @throws InvalidSpecException when the spec does not load
   */
  MarketplaceHistory(Path spec, Path warehouse, String format, String database, EcommerceGenerator.Config config,
      Instant end, int buckets) throws InvalidSpecException {
    List<String> sets = new ArrayList<>(List.of("warehouse=" + warehouse, "name=" + database,
        "sources.orders.format=" + format, "sources.orders.table=" + database + ".orders",
        "sources.shops.format=" + format, "sources.shops.table=" + database + ".shops"));
    for (String target : TARGETS) {
      sets.add("targets." + target + ".format=" + format);
      sets.add("targets." + target + ".table=" + database + "_out." + target);
      if (buckets > 0) {
        sets.add("targets." + target + ".buckets=" + buckets);
      }
    }
    this.job = new SpecLoader(TableFormats.all(), System::getenv).load(spec,
        new SpecLoader.Options(Optional.empty(), Optional.empty(), sets));
    this.spark = SparkSessions.getOrCreate(job.settings());
    this.generator = new EcommerceGenerator(spark, config);
    this.tables = new MarketplaceTables(spark, job.settings(), format, database);
    // Every format keeps table db.name in <warehouse>/db/name: Delta and Hudi by path, Iceberg's Hadoop catalog too.
    this.targetsFolder = job.settings().warehouse() + "/" + database + "_out";
    this.end = end;
    tables.upsertShops(generator.shops());
    tables.applyOrderEvents(generator.orderEvents(config.start(), end));
    this.orders = config.ordersPerDay() * Duration.between(config.start(), end).toDays();
  }

  /** Runs the pipeline in full as of the end of the history. */
  RunResult runFull() {
    return run(RunMode.FULL, end, 1);
  }

  /**
   * Ingests each of the next {@code hours} after the history and runs the increment of that hour, counting its Spark
   * work and the files it writes to the targets.
   *
   * @param targetsAtOnce how many targets an increment refreshes at once (see {@link PipelineRunner})
   */
  List<Increment> increments(int hours, SparkWork counter, int targetsAtOnce) {
    return nextHours(hours, counter, targetsAtOnce, true);
  }

  /**
   * Runs the increments of the next {@code hours} after the history with nothing ingested: hours in which no source
   * changed, counted as {@link #increments} counts.
   */
  List<Increment> quietHours(int hours, SparkWork counter) {
    return nextHours(hours, counter, IncrementalRun.TARGETS_AT_ONCE, false);
  }

  private List<Increment> nextHours(int hours, SparkWork counter, int targetsAtOnce, boolean ingest) {
    List<Increment> increments = new ArrayList<>();
    for (int hour = hoursDone; hour < hoursDone + hours; hour++) {
      Instant from = end.plus(Duration.ofHours(hour));
      Instant until = from.plus(Duration.ofHours(1));
      if (ingest) {
        tables.applyOrderEvents(generator.orderEvents(from, until));
      }
      WrittenFiles before = WrittenFiles.below(targetsFolder, spark.sparkContext().hadoopConfiguration());
      SparkWork.Counted<RunResult> run = counter.count(() -> run(RunMode.INCREMENTAL, until, targetsAtOnce));
      WrittenFiles after = WrittenFiles.below(targetsFolder, spark.sparkContext().hadoopConfiguration());
      increments.add(new Increment(run.result(), run.seconds(), run.work(), after.since(before),
          after.bySubfolder(before)));
    }
    hoursDone += hours;
    return increments;
  }

  /** Each target's storage, by target name, as {@link TargetStorage} reads it from the table. */
  Map<String, String> targetStorage() {
    return job.targets().values().stream().collect(Collectors.toMap(TargetSpec::name, target -> {
      TableAddress address = TableAddresses.resolve(job.settings(), TableFormats.get(target.format()), target.name(),
          target.path(), target.table(), target.options());
      return TargetStorage.of(spark, target.format(), address);
    }));
  }

  private RunResult run(RunMode mode, Instant logicalTime, int targetsAtOnce) {
    return new PipelineRunner(spark, targetsAtOnce).run(Plan.of(job), RunOptions.of(logicalTime, mode), node -> { });
  }
}
