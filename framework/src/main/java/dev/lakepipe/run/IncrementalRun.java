package dev.lakepipe.run;

import dev.lakepipe.format.ChangeSet;
import dev.lakepipe.format.Commit;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.LatestWins;
import dev.lakepipe.format.SqlMerge;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.format.TableWriter;
import dev.lakepipe.plan.IncrementalStrategy;
import dev.lakepipe.plan.Plan;
import dev.lakepipe.spec.SourceSpec;
import dev.lakepipe.spec.StepSpec;
import dev.lakepipe.spec.TargetSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * An incremental run of row-wise targets (see {@link IncrementalStrategy}). For each target: find in its latest
 * commit the checkpoint of its driving source, read the source's changes since then, make the source's view the
 * net upserted rows, compute the target's steps over them (other sources read whole), upsert the result, and
 * delete the keys the source deleted or the steps no longer return (a row an update made fail a filter). The
 * last commit carries the new checkpoint; an earlier one of the same run carries the old one, so a crash in
 * between is redone by the next run, through idempotent upserts and deletes.
 *
 * <p>Each target resumes from its own checkpoint, so targets that a crash left at different commits each catch up
 * exactly.
 */
public final class IncrementalRun {
  private final SparkSession spark;

  public IncrementalRun(SparkSession spark) {
    this.spark = spark;
  }

  /**
   * @param plan a plan whose targets are all row-wise
   * @param progress told of each node as soon as it is done
   * @throws IllegalArgumentException when a target is not row-wise (see {@link IncrementalStrategy})
   * @throws RunFailedException naming the node that failed: no checkpoint, the source's history is gone (the
   *     message says to run --mode full), a key that is not a column of the driving source, or a failed read,
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
    for (TargetSpec target : plan.writes()) {
      try (Views views = new Views(spark, options)) {
        new TargetRun(plan, tables, views, target, context, record, gate).run();
      }
    }
    return new RunResult(plan.spec().name(), options.runId(), options.logicalTime(), results,
        (System.nanoTime() - start) / 1e9);
  }

  /** One target's share of the run. */
  private static final class TargetRun {
    private final Plan plan;
    private final Tables tables;
    private final Views views;
    private final TargetSpec target;
    private final CommitContext context;
    private final Consumer<NodeResult> record;
    private final AuditGate gate;
    private final SourceSpec driving;
    /** The target's latest commit, which holds the checkpoint. */
    private Commit stored;
    private String since;
    private ChangeSet changes;
    private NetChanges net;

    TargetRun(Plan plan, Tables tables, Views views, TargetSpec target, CommitContext context,
        Consumer<NodeResult> record, AuditGate gate) {
      this.plan = plan;
      this.tables = tables;
      this.views = views;
      this.target = target;
      this.context = context;
      this.record = record;
      this.gate = gate;
      String source = IncrementalStrategy.of(plan, target).drivingSource().orElseThrow(
          () -> new IllegalArgumentException("target " + target.name() + " is not row-wise"));
      this.driving = plan.spec().sources().get(source);
    }

    void run() {
      record.accept(Nodes.timed(NodeResult.Kind.READ, driving.name(), this::readChanges));
      Optional<Commit> until = changes.until();
      if (until.isEmpty()) {
        boolean rerun = context.logicalTime().toString().equals(stored.properties().get(CommitContext.LOGICAL_TIME));
        record.accept(Nodes.timed(NodeResult.Kind.WRITE, target.name(), () -> new Nodes.Outcome(
            (rerun ? "already done for this logical time" : "nothing new") + " since commit " + since + " of "
                + driving.name() + "; nothing committed", OptionalLong.of(0), Optional.empty())));
        return;
      }
      views.put(driving.name(), net.upserts());
      Set<String> upstream = plan.upstream(target.from());
      for (SourceSpec source : plan.reads()) {
        if (!source.name().equals(driving.name()) && upstream.contains(source.name())) {
          record.accept(Nodes.timed(NodeResult.Kind.READ, source.name(), () -> BatchRun.read(tables, source, views)));
        }
      }
      for (StepSpec step : plan.steps()) {
        if (upstream.contains(step.name())) {
          record.accept(Nodes.timed(NodeResult.Kind.STEP, step.name(), () -> views.compute(step)));
        }
      }
      record.accept(Nodes.timed(NodeResult.Kind.WRITE, target.name(), () -> write(views.get(target.from()),
          Map.of(driving.name(), since), Map.of(driving.name(), until.get().id()))));
    }

    /**
     * Reads the driving source's changes since the target's checkpoint.
     *
     * @throws IllegalStateException when the target records no checkpoint
     * @throws dev.lakepipe.format.HistoryUnavailableException when the source's history since it is gone
     * @throws IllegalArgumentException when a key of the target is not a column of the source
     */
    private Nodes.Outcome readChanges() {
      stored = tables.reader(target).latestCommit().orElse(null);
      since = checkpoint();
      TableReader reader = tables.reader(driving);
      requireKeyColumns(reader.snapshot().columns(), "columns of its driving source " + driving.name());
      changes = reader.changes(since, target.keys());
      String detail = tables.describe(driving) + " changes";
      if (changes.until().isEmpty()) {
        return new Nodes.Outcome(detail, OptionalLong.of(0), reader.latestCommit(), Optional.of(since));
      }
      NetChanges all = NetChanges.of(changes.rows(), target.keys());
      net = new NetChanges(views.cache(all.upserts()), views.cache(all.deletedKeys()));
      return new Nodes.Outcome(detail, OptionalLong.of(changes.rows().count()), changes.until(), Optional.of(since));
    }

    /** @throws IllegalStateException when the target has no commit that records where it left off */
    private String checkpoint() {
      String fullFirst = ": run --mode full first";
      if (stored == null) {
        throw new IllegalStateException("target " + target.name() + " has no commit yet" + fullFirst);
      }
      return CommitContext.checkpoint(stored.properties(), driving.name()).orElseThrow(() -> new IllegalStateException(
          "the latest commit " + stored.id() + " of target " + target.name() + " records no checkpoint of source "
              + driving.name() + fullFirst));
    }

    /**
     * Upserts the steps' rows and deletes the keys that are gone; the last commit carries the new checkpoint.
     */
    private Nodes.Outcome write(Dataset<Row> rows, Map<String, String> before,
        Map<String, String> after) {
      requireKeyColumns(rows.columns(), "columns of " + target.from());
      String[] keys = target.keys().stream().map(SqlMerge::quote).toArray(String[]::new);
      Dataset<Row> computed = views.cache(LatestWins.dedupe(rows, Tables.layout(target)));
      // Source rows that the steps dropped (an update that now fails a filter) leave the target too.
      Dataset<Row> deletes = views.cache(net.upserts().selectExpr(keys).except(computed.selectExpr(keys))
          .union(net.deletedKeys().selectExpr(keys)));
      Dataset<Row> upserts = gate.audit(target, computed, TableAfter.ofUpsertAndDelete(tables, target, deletes),
          record);
      long upserted = upserts.count();
      long deleted = deletes.count();
      TableWriter writer = tables.writer(target);
      Optional<Commit> commit;
      if (deleted == 0 && upserted > 0) {
        commit = Optional.of(writer.upsert(upserts, context.withCheckpoints(after)));
      } else {
        if (upserted > 0) {
          writer.upsert(upserts, context.withCheckpoints(before));
        }
        // Also with no key to delete: the commit records the new checkpoint.
        commit = writer.delete(deletes, context.withCheckpoints(after));
      }
      return new Nodes.Outcome(tables.describe(target) + ": " + upserted + " upserted, " + deleted + " deleted",
          OptionalLong.of(upserted + deleted), commit);
    }

    /** @throws IllegalArgumentException when a key of the target is not among the columns */
    private void requireKeyColumns(String[] columns, String what) {
      List<String> missing = target.keys().stream().filter(k -> !Arrays.asList(columns).contains(k)).toList();
      if (!missing.isEmpty()) {
        throw new IllegalArgumentException("the keys " + target.keys() + " of target " + target.name()
            + " must be " + what + ", with the same names (a row-wise increment deletes target rows by the"
            + " source's keys); missing: " + missing);
      }
    }
  }
}
