package dev.lakepipe.run;

import static org.apache.spark.sql.functions.col;

import dev.lakepipe.format.ChangeSet;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.SqlMerge;
import dev.lakepipe.plan.IncrementalStrategy;
import dev.lakepipe.plan.Plan;
import dev.lakepipe.run.algebraic.AggregateForm;
import dev.lakepipe.run.algebraic.AlgebraicDelta;
import dev.lakepipe.run.algebraic.NotAlgebraicException;
import dev.lakepipe.spec.SourceSpec;
import dev.lakepipe.spec.TargetSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The algebraic strategy (see {@link IncrementalStrategy}): the target's steps run over the rows the driving
 * source's changes added and over the rows they removed, and the difference is added to the stored rows of the
 * groups it touches ({@link AlgebraicDelta}). Neither the source's history nor untouched groups are read. A step
 * that Spark's analysis shows is not of an {@link AggregateForm} is refreshed by affected keys instead, and the run
 * says why.
 */
final class AlgebraicRefresh extends TargetRefresh {
  private final SourceSpec driving;
  private final IncrementalStrategy strategy;
  private ChangeSet changes;

  AlgebraicRefresh(Plan plan, Tables tables, Views views, ChangeReads changeReads, TargetSpec target,
      CommitContext context, Consumer<NodeResult> record, AuditGate gate, IncrementalStrategy strategy) {
    super(plan, tables, views, changeReads, target, context, record, gate);
    this.driving = plan.spec().sources().get(strategy.drivingSource().orElseThrow());
    this.strategy = strategy;
  }

  /**
   * @throws IllegalStateException when the target records no checkpoint
   * @throws dev.lakepipe.format.HistoryUnavailableException when the source's history since it is gone
   */
  @Override
  void run() {
    String since = checkpoints(List.of(driving.name())).get(driving.name());
    record(Nodes.timed(NodeResult.Kind.READ, driving.name(), () -> {
      changes = changeReads.changes(driving, since, List.of()).changes();
      return new Nodes.Outcome(tables.describe(driving) + " changes", OptionalLong.empty(),
          changes.until().or(() -> tables.reader(driving).latestCommit()), Optional.of(since));
    }));
    if (changes.until().isEmpty()) {
      nothingNew("commit " + since + " of " + driving.name());
      return;
    }
    Set<String> upstream = plan.upstream(target.from());
    plan.reads().stream().filter(s -> !s.name().equals(driving.name()) && upstream.contains(s.name()))
        .forEach(s -> record(Nodes.timed(NodeResult.Kind.READ, s.name(), () -> BatchRun.read(tables, s, views))));
    Dataset<Row> rows = changes.rows();
    Dataset<Row> added = stepOver(rows.where(col(ChangeSet.CHANGE_TYPE).isin(ChangeSet.INSERT,
        ChangeSet.UPDATE_POSTIMAGE)));
    AggregateForm form;
    try {
      form = AggregateForm.of(added, target.keys());
    } catch (NotAlgebraicException e) {
      record(Nodes.timed(NodeResult.Kind.STEP, target.from(), () -> new Nodes.Outcome("not an algebraic delta: "
          + e.getMessage() + "; refreshed by affected keys", OptionalLong.empty(), Optional.empty())));
      byAffectedKeys(strategy.asAffectedKeys()).run();
      return;
    }
    Dataset<Row> addedStates = form.states(added);
    Dataset<Row> removedStates = form.states(stepOver(rows.where(col(ChangeSet.CHANGE_TYPE).isin(
        ChangeSet.UPDATE_PREIMAGE, ChangeSet.DELETE))));
    // After an interrupted write some groups are already ahead: rewrite every group the changes touch.
    Dataset<Row> delta = views.detach(AlgebraicDelta.delta(form, addedStates, removedStates, interrupted()));
    // Literal IN lists on the keys let the formats skip the partitions and files of untouched groups.
    Map<String, String> byName = form.keys().stream()
        .collect(Collectors.toMap(Function.identity(), SqlMerge::quote));
    Optional<Column> nearby = new AffectedKeys(List.of(AffectedKeys.Part.of(target.from(), delta, byName, views)))
        .filterFor(byName);
    // The delta is relative: it is added to the rows its checkpoints describe, so a retry gives the same rows.
    Dataset<Row> stored = storedAtCheckpoints();
    AlgebraicDelta.Changes next = AlgebraicDelta.apply(form, delta, nearby.map(stored::where).orElse(stored),
        form.withState(added).schema(), views::detach);
    write(next.upserts(), next.deletedKeys(), Map.of(driving.name(), since),
        Map.of(driving.name(), changes.until().get().id()));
  }

  /** One row per group, and the groups are the target's keys. */
  @Override
  protected boolean writesUniqueKeys() {
    return true;
  }

  /**
   * The rows a full run writes to a target: for an algebraic aggregate with hidden state, the step's rows with its
   * state columns, so that increments can add to them.
   */
  static Dataset<Row> rowsToStore(Plan plan, TargetSpec target, Dataset<Row> rows) {
    if (plan.incrementalSources(target).isEmpty()
        || IncrementalStrategy.of(plan, target).kind() != IncrementalStrategy.Kind.ALGEBRAIC) {
      return rows;
    }
    try {
      return AggregateForm.of(rows, target.keys()).withState(rows);
    } catch (NotAlgebraicException e) {
      return rows;
    }
  }

  /** The target's rows computed over some rows of the driving source, the other sources as they were read. */
  private Dataset<Row> stepOver(Dataset<Row> images) {
    views.put(driving.name(), images.drop(ChangeSet.CHANGE_TYPE, ChangeSet.COMMIT_SEQ));
    computeStepsOnly();
    return views.get(target.from());
  }
}
