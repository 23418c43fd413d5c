package dev.lakepipe.run;

import dev.lakepipe.format.CommitContext;
import dev.lakepipe.plan.IncrementalStrategy;
import dev.lakepipe.plan.Plan;
import dev.lakepipe.spec.TargetSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;

/**
 * An incremental run: each target is refreshed by its {@link IncrementalStrategy}, row-wise ({@link
 * RowWiseRefresh}), by the algebraic delta of an aggregate ({@link AlgebraicRefresh}) or by affected keys ({@link
 * AffectedKeyRefresh}), from the checkpoints in its own latest commit. Each source's changes are read once per
 * checkpoint and shared by the targets ({@link ChangeReads}).
 * Each target resumes from its own checkpoints, so targets that a crash left at different commits each catch up
 * exactly.
 *
 * <p>Targets are refreshed side by side, each in its own Spark session (its own temporary views and settings, the
 * same Spark context and cache): an hour's refresh is mostly small Spark jobs and a format's commit, which leave
 * the cores idle one target at a time. Each target commits alone, so the targets are as independent as when they
 * run one after another: a failed target does not stop the others, and the run fails once all have ended.
 */
public final class IncrementalRun {
  /** Enough to keep two cores busy with small jobs; more would only hold more of the targets' rows in memory. */
  public static final int TARGETS_AT_ONCE = 4;

  private final SparkSession spark;
  private final int targetsAtOnce;

  /** A run refreshing up to {@value #TARGETS_AT_ONCE} targets at once. */
  public IncrementalRun(SparkSession spark) {
    this(spark, TARGETS_AT_ONCE);
  }

  /** @param targetsAtOnce how many targets are refreshed at once; 1 refreshes them one after another, in order */
  public IncrementalRun(SparkSession spark, int targetsAtOnce) {
    if (targetsAtOnce < 1) {
      throw new IllegalArgumentException("targets at once must be at least 1: " + targetsAtOnce);
    }
    this.spark = spark;
    this.targetsAtOnce = targetsAtOnce;
  }

  /**
   * @param plan a plan whose targets are all incremental
   * @param progress told of each node as soon as it is done, by one thread at a time
   * @throws IllegalArgumentException when only full runs compute a target (see {@link IncrementalStrategy})
   * @throws RunFailedException naming the node that failed: no checkpoint, a source's history is gone (the
   *     message says to run --mode full), keys that the sources or the steps do not name, or a failed read,
   *     step or write; the failures of other targets are suppressed in it
   */
  public RunResult run(Plan plan, RunOptions options, Consumer<NodeResult> progress) {
    long start = System.nanoTime();
    Tables tables = new Tables(spark, plan.spec().settings());
    List<NodeResult> results = new ArrayList<>();
    Consumer<NodeResult> record = result -> {
      synchronized (results) {
        results.add(result);
        progress.accept(result);
      }
    };
    CommitContext context = new CommitContext(plan.spec().name(), options.runId(), options.logicalTime());
    AuditGate gate = AuditGate.of(spark, plan, options);
    try (ChangeReads changeReads = new ChangeReads(tables, plan)) {
      SideBySide.each(plan.writes(), targetsAtOnce, target -> {
        Tables own = tables.in(spark.cloneSession());
        refresh(plan, options, own, changeReads.sharedWith(own), target, context, record, gate);
      });
    }
    return new RunResult(plan.spec().name(), options.runId(), options.logicalTime(), results,
        (System.nanoTime() - start) / 1e9);
  }

  private static void refresh(Plan plan, RunOptions options, Tables tables, ChangeReads changeReads,
      TargetSpec target, CommitContext context, Consumer<NodeResult> record, AuditGate gate) {
    IncrementalStrategy strategy = IncrementalStrategy.of(plan, target);
    try (Views views = new Views(tables.session(), options)) {
      TargetRefresh refresh = switch (strategy.kind()) {
        case ROW_WISE -> new RowWiseRefresh(plan, tables, views, changeReads, target, context, record, gate,
            strategy);
        case ALGEBRAIC -> new AlgebraicRefresh(plan, tables, views, changeReads, target, context, record, gate,
            strategy);
        case AFFECTED_KEYS -> new AffectedKeyRefresh(plan, tables, views, changeReads, target, context, record,
            gate, strategy);
        case NONE -> throw new IllegalArgumentException("target " + target.name() + " is " + strategy.reason());
      };
      refresh.run();
    }
  }
}
