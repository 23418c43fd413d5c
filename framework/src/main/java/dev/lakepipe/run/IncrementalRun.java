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
 */
public final class IncrementalRun {
  private final SparkSession spark;

  public IncrementalRun(SparkSession spark) {
    this.spark = spark;
  }

  /**
   * @param plan a plan whose targets are all incremental
   * @param progress told of each node as soon as it is done
   * @throws IllegalArgumentException when only full runs compute a target (see {@link IncrementalStrategy})
   * @throws RunFailedException naming the node that failed: no checkpoint, a source's history is gone (the
   *     message says to run --mode full), keys that the sources or the steps do not name, or a failed read,
   *     step or write
   */
  public RunResult run(Plan plan, RunOptions options, Consumer<NodeResult> progress) {
    long start = System.nanoTime();
    Tables tables = new Tables(spark, plan.spec().settings());
    List<NodeResult> results = new ArrayList<>();
    Consumer<NodeResult> record = result -> {
      results.add(result);
      progress.accept(result);
    };
    CommitContext context = new CommitContext(plan.spec().name(), options.runId(), options.logicalTime());
    AuditGate gate = AuditGate.of(spark, plan, options);
    try (ChangeReads changeReads = new ChangeReads(tables)) {
      for (TargetSpec target : plan.writes()) {
        IncrementalStrategy strategy = IncrementalStrategy.of(plan, target);
        try (Views views = new Views(spark, options)) {
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
    return new RunResult(plan.spec().name(), options.runId(), options.logicalTime(), results,
        (System.nanoTime() - start) / 1e9);
  }
}
