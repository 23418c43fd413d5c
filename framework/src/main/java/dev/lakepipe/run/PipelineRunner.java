package dev.lakepipe.run;

import dev.lakepipe.format.Commit;
import dev.lakepipe.plan.Plan;
import dev.lakepipe.plan.RunRefusals;
import dev.lakepipe.run.maintenance.CheckpointReaders;
import dev.lakepipe.run.maintenance.MaintenanceRun;
import dev.lakepipe.spec.SourceSpec;
import dev.lakepipe.spec.TargetSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/** Runs a plan and records the run in the warehouse's {@link RunHistory}, whether it succeeds or fails. */
public final class PipelineRunner {
  /** A crashed run's locks are taken over this long after its last heartbeat, so a retry can go ahead. */
  public static final Duration LOCK_TIME_TO_LIVE = Duration.ofMinutes(2);

  private final SparkSession spark;
  private final int targetsAtOnce;

  /** A runner whose incremental runs refresh up to {@value IncrementalRun#TARGETS_AT_ONCE} targets at once. */
  public PipelineRunner(SparkSession spark) {
    this(spark, IncrementalRun.TARGETS_AT_ONCE);
  }

  /**
   * @param targetsAtOnce how many targets an incremental run refreshes at once; 1 for one after another, which
   *     makes the Spark jobs started between two progress lines those of the node the second line names
   */
  public PipelineRunner(SparkSession spark, int targetsAtOnce) {
    this.spark = spark;
    this.targetsAtOnce = targetsAtOnce;
  }

  /**
   * Takes the pipeline's locks, runs, records the run, releases the locks.
   *
   * @param progress told of each node as soon as it is done
   * @throws IncrementalNotSupportedException for an incremental run of a plan with a target that only full runs compute
   *     (nothing ran)
   * @throws dev.lakepipe.format.ChangesNotReadableException for an incremental run that reads the changes of a
   *     merge-on-read table whose format cannot read them (nothing ran)
   * @throws LockHeldException when another run holds the pipeline's or a target table's lock (nothing ran)
   * @throws RunFailedException naming the node that failed; the failed run is recorded first
   */
  public RunResult run(Plan plan, RunOptions options, Consumer<NodeResult> progress) {
    return run(plan, options, progress, batch -> { });
  }

  /**
   * {@link #run(Plan, RunOptions, Consumer)}, telling {@code batches} of each micro-batch of a streaming run.
   *
   * @throws StreamingNotSupportedException for a streaming run of a plan with a target that cannot be streamed
   *     (nothing ran)
   */
  public RunResult run(Plan plan, RunOptions options, Consumer<NodeResult> progress,
      Consumer<BatchProgress> batches) {
    if (options.mode() == RunMode.STREAMING) {
      StreamRun.check(plan);
    }
    if (options.mode() == RunMode.INCREMENTAL) {
      RunRefusals.incremental(plan).ifPresent(refused -> {
        throw new IncrementalNotSupportedException(refused);
      });
      Tables tables = new Tables(spark, plan.spec().settings());
      plan.reads().stream().filter(SourceSpec::incremental).forEach(source -> tables.reader(source).checkChangeReads());
    }
    Optional<PipelineLocks.Lease> lease = PipelineLocks.of(plan.spec().settings().warehouse(), LOCK_TIME_TO_LIVE)
        .map(locks -> locks.acquire(lockNames(plan), options.runId()));
    // Streaming runs stop between micro-batches on SIGTERM, then end and are recorded as usual.
    try (GracefulStop stop = options.mode() == RunMode.STREAMING ? new GracefulStop() : null) {
      new CheckpointReaders(spark, plan.spec().settings().warehouse()).register(plan);
      RunResult result = runLocked(plan, options, progress, batches, stop);
      maintainWhenDue(plan, progress);
      return result;
    } finally {
      lease.ifPresent(PipelineLocks.Lease::close);
    }
  }

  /** Maintains the targets whose maintenance is due, under the run's locks, once the run is recorded. */
  private void maintainWhenDue(Plan plan, Consumer<NodeResult> progress) {
    for (TargetSpec target : plan.writes()) {
      if (target.maintenance().every().isPresent()) {
        progress.accept(Nodes.timed(NodeResult.Kind.MAINTAIN, target.name(), () -> new Nodes.Outcome(
            new MaintenanceRun(spark).runDue(plan, target, Instant.now()).map(r -> String.join("\n", r.lines()))
                .orElse("not due"), OptionalLong.empty(), Optional.empty())));
      }
    }
  }

  /** The pipeline's own lock, and one per target table: two pipelines writing one table never interleave. */
  public static List<String> lockNames(Plan plan) {
    List<String> names = new ArrayList<>();
    names.add(PipelineLocks.pipelineLock(plan.spec().name()));
    for (TargetSpec target : plan.writes()) {
      names.add(PipelineLocks.tableLock(Tables.address(plan.spec().settings(), target).location()));
    }
    return names;
  }

  private RunResult runLocked(Plan plan, RunOptions options, Consumer<NodeResult> progress,
      Consumer<BatchProgress> batches, GracefulStop stop) {
    RunHistory history = new RunHistory(spark, plan.spec().settings());
    Instant started = Instant.now();
    List<NodeResult> done = new ArrayList<>();
    try {
      Consumer<NodeResult> record = node -> {
        done.add(node);
        progress.accept(node);
      };
      RunResult result = switch (options.mode()) {
        case FULL -> new BatchRun(spark).run(plan, options, record);
        case INCREMENTAL -> new IncrementalRun(spark, targetsAtOnce).run(plan, options, record);
        case STREAMING -> new StreamRun(spark).run(plan, options, record, batches, stop);
      };
      history.append(record(plan, options, started, done, RunRecord.SUCCESS, Optional.empty()));
      return result;
    } catch (RuntimeException e) {
      try {
        history.append(record(plan, options, started, done, RunRecord.FAILED, Optional.ofNullable(e.getMessage())));
      } catch (RuntimeException recording) {
        e.addSuppressed(recording);
      }
      throw e;
    }
  }

  private static RunRecord record(Plan plan, RunOptions options, Instant started, List<NodeResult> done,
      String outcome, Optional<String> message) {
    RunResult partial = new RunResult(plan.spec().name(), options.runId(), options.logicalTime(), done, 0);
    return new RunRecord(options.runId(), plan.spec().name(), options.logicalTime(), options.mode().specName(), outcome, started,
        Duration.between(started, Instant.now()).toMillis() / 1e3, partial.rows(NodeResult.Kind.READ),
        partial.rows(NodeResult.Kind.WRITE), commits(partial.of(NodeResult.Kind.READ)),
        commits(partial.of(NodeResult.Kind.WRITE)), message);
  }

  private static Map<String, String> commits(List<NodeResult> nodes) {
    Map<String, String> commits = new LinkedHashMap<>();
    // A read of changes consumed the commits after its checkpoint: since..until.
    nodes.forEach(node -> commits.put(node.name(), node.since().map(since -> since + "..").orElse("")
        + node.commit().map(Commit::id).orElse("-")));
    return commits;
  }
}
