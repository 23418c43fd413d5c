package dev.lakepipe.plan;

import dev.lakepipe.spec.SourceSpec;
import dev.lakepipe.spec.StepSpec;
import dev.lakepipe.spec.TargetSpec;
import dev.lakepipe.spec.WriteMode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How an incremental run computes one target, and why; decided from the spec alone, so {@code plan} can print it.
 *
 * <ul>
 *   <li>{@link Kind#ROW_WISE}: the target's steps map, filter or enrich the rows of one incremental (driving)
 *       source, so they run on the source's net changes only; the result is upserted, the keys it no longer holds
 *       deleted.
 *   <li>{@link Kind#ALGEBRAIC}: a GROUP BY over the rows of one changing source with COUNT, SUM and AVG. The
 *       groups the changes touch get {@code old + agg(post-images) − agg(pre-images)}, from the changes and the
 *       stored rows of those groups only; a group left with no rows is deleted. Which aggregates qualify is
 *       settled when Spark has analysed the step (see {@code dev.lakepipe.run.algebraic.AggregateForm}); a step
 *       that does not is refreshed by affected keys.
 *   <li>{@link Kind#AFFECTED_KEYS}: other aggregations, and joins of several changing sources. The changes of every
 *       incremental source name the target keys they affect (through the target's {@code keys-from}, or the
 *       source's columns named like the keys); those keys are recomputed from the sources' snapshots, filtered to
 *       the rows that can contribute to them, and replaced in the target; keys that no longer come out are
 *       deleted.
 *   <li>{@link Kind#NONE}: only full runs compute the target.
 * </ul>
 *
 * @param drivingSource for a row-wise target, the source whose changes it follows
 * @param changingSources the incremental sources the target's rows come from, in name order
 * @param reason why, in a sentence for {@code plan} and for errors
 */
public record IncrementalStrategy(String target, Kind kind, Optional<String> drivingSource,
    List<String> changingSources, String reason) {
  /** The ways an incremental run computes a target. */
  public enum Kind { ROW_WISE, ALGEBRAIC, AFFECTED_KEYS, NONE }

  public IncrementalStrategy {
    changingSources = List.copyOf(changingSources);
  }

  public boolean isIncremental() {
    return kind != Kind.NONE;
  }

  /** The same target refreshed by affected keys: for a step that turns out not to be algebraic. */
  public IncrementalStrategy asAffectedKeys() {
    return new IncrementalStrategy(target, Kind.AFFECTED_KEYS, Optional.empty(), changingSources,
        "affected keys, as the step is not an algebraic aggregate");
  }

  /** The strategy of one target of a plan. */
  public static IncrementalStrategy of(Plan plan, TargetSpec target) {
    List<String> incremental = plan.incrementalSources(target).stream().map(SourceSpec::name).toList();
    if (incremental.isEmpty()) {
      return none(target, "reads no source with read = incremental; only full runs compute it");
    }
    if (target.mode() != WriteMode.UPSERT) {
      return none(target, "has mode " + target.mode().specName() + ", but an increment upserts rows and deletes"
          + " keys; use mode = upsert with keys");
    }
    Optional<String> notRowWise = incremental.size() > 1
        ? Optional.of("it combines the changes of " + String.join(" and ", incremental))
        : rowWiseBlocker(plan, target, incremental.get(0));
    if (notRowWise.isEmpty()) {
      return rowWise(plan, target, incremental.get(0));
    }
    if (incremental.size() == 1 && algebraicBlocker(plan, target, incremental.get(0)).isEmpty()) {
      return new IncrementalStrategy(target.name(), Kind.ALGEBRAIC, Optional.of(incremental.get(0)), incremental,
          "algebraic delta, as step " + target.from() + " is a GROUP BY over the rows of " + incremental.get(0)
              + " with COUNT/SUM/AVG measures: the groups its changes touch get old + agg(post-images) -"
              + " agg(pre-images), from the changes and the stored rows of those groups only; a group left with"
              + " no rows is deleted (if Spark's analysis of the step finds another aggregate, affected keys)");
    }
    return new IncrementalStrategy(target.name(), Kind.AFFECTED_KEYS, Optional.empty(), incremental,
        "affected keys, as " + notRowWise.get() + ": the keys " + String.join(",", target.keys()) + " that the changes"
            + " of " + incremental.stream().map(s -> s + " " + keyMapping(target, s)).collect(Collectors.joining(
                " and ")) + " name are recomputed from the sources, read only where they can contribute, and"
            + " replaced; keys no longer computed are deleted");
  }

  /**
   * The strategy of a target in a streaming run, where each micro-batch of the streamed source is its change:
   * row-wise when the steps map, filter or enrich the streamed rows (any write mode), affected keys otherwise
   * (upsert only: the keys a micro-batch names are recomputed from the sources' snapshots).
   */
  public static IncrementalStrategy ofStream(Plan plan, TargetSpec target, String streamed) {
    Optional<String> notRowWise = rowWiseBlocker(plan, target, streamed);
    if (notRowWise.isEmpty()) {
      return rowWise(plan, target, streamed);
    }
    if (target.mode() != WriteMode.UPSERT) {
      return none(target, notRowWise.get() + ", so a micro-batch's result alone is not the target's rows, and mode "
          + target.mode().specName() + " cannot replace the keys it affects; use mode = upsert with keys");
    }
    return new IncrementalStrategy(target.name(), Kind.AFFECTED_KEYS, Optional.empty(), List.of(streamed),
        "affected keys per micro-batch, as " + notRowWise.get() + ": the keys " + String.join(",", target.keys())
            + " that each micro-batch of " + streamed + " " + keyMapping(target, streamed) + " names are"
            + " recomputed from the sources' snapshots and replaced; keys no longer computed are deleted");
  }

  /** The aggregates an algebraic delta may maintain, as the SQL text names them; Spark's analysis decides. */
  private static final Set<String> ADDITIVE = Set.of("GROUP BY", "the aggregate count()", "the aggregate sum()",
      "the aggregate avg()", "the aggregate mean()");

  /**
   * Why the target's rows are not, as far as the SQL text shows, one GROUP BY with additive aggregates over rows
   * that come row-wise from its one changing source; empty when they may be.
   */
  private static Optional<String> algebraicBlocker(Plan plan, TargetSpec target, String driving) {
    Optional<StepSpec> aggregate = plan.steps().stream().filter(s -> s.name().equals(target.from())).findFirst();
    if (aggregate.isEmpty() || aggregate.get().sql().isEmpty() || target.orderBy().isPresent()) {
      return Optional.of("not a SQL aggregate written without order-by");
    }
    Set<String> inputs = aggregate.get().dependencies();
    List<String> changingInputs = inputs.stream()
        .filter(input -> input.equals(driving) || plan.upstream(input).contains(driving)).toList();
    if (changingInputs.size() != 1) {
      return Optional.of("it does not read one changing relation");
    }
    String input = changingInputs.get(0);
    if (!input.equals(driving) && rowWiseBlocker(plan, input, driving).isPresent()) {
      return Optional.of("its input " + input + " is not row-wise over " + driving);
    }
    List<String> blockers = aggregate.get().rowWiseBlockers(input);
    return blockers.contains("GROUP BY") && ADDITIVE.containsAll(blockers) ? Optional.empty()
        : Optional.of("step " + target.from() + " has " + String.join(", ", blockers));
  }

  /** Why the target's steps are not row-wise over its one changing source; empty when they are. */
  private static Optional<String> rowWiseBlocker(Plan plan, TargetSpec target, String driving) {
    return rowWiseBlocker(plan, target.from(), driving);
  }

  /** Why the steps up to {@code relation} are not row-wise over {@code driving}; empty when they are. */
  private static Optional<String> rowWiseBlocker(Plan plan, String relation, String driving) {
    Set<String> upstream = plan.upstream(relation);
    Set<String> changing = new LinkedHashSet<>(List.of(driving));
    for (StepSpec step : plan.steps()) {
      List<String> inputs = step.sortedDependencies().stream().filter(changing::contains).toList();
      if (!upstream.contains(step.name()) || inputs.isEmpty()) {
        continue;
      }
      if (inputs.size() > 1) {
        return Optional.of("step " + step.name() + " combines " + String.join(" and ", inputs) + ", which all change"
            + " with " + driving);
      }
      List<String> blockers = step.rowWiseBlockers(inputs.get(0));
      if (!blockers.isEmpty()) {
        return Optional.of("step " + step.name() + " is not row-wise over " + inputs.get(0) + " ("
            + String.join(", ", blockers) + ")");
      }
      changing.add(step.name());
    }
    return Optional.empty();
  }

  private static IncrementalStrategy rowWise(Plan plan, TargetSpec target, String driving) {
    Set<String> upstream = plan.upstream(target.from());
    List<String> steps = plan.steps().stream().map(StepSpec::name).filter(upstream::contains)
        .filter(step -> plan.upstream(step).contains(driving)).toList();
    String how = steps.isEmpty() ? "its rows are written as they are"
        : "step" + (steps.size() == 1 ? " " : "s ") + String.join(", ", steps) + " map, filter or enrich its rows";
    return new IncrementalStrategy(target.name(), Kind.ROW_WISE, Optional.of(driving), List.of(driving),
        "row-wise on the changes of " + driving + ": " + how + "; upserted by " + String.join(",", target.keys())
            + ", deleted keys deleted");
  }

  /** How a source's rows name target keys, for {@code plan}. */
  private static String keyMapping(TargetSpec target, String source) {
    Map<String, String> declared = target.keysFrom().get(source);
    if (declared == null) {
      return "(by column name)";
    }
    return "(" + declared.entrySet().stream().map(e -> e.getKey() + " = " + e.getValue())
        .collect(Collectors.joining(", ")) + ")";
  }

  private static IncrementalStrategy none(TargetSpec target, String reason) {
    return new IncrementalStrategy(target.name(), Kind.NONE, Optional.empty(), List.of(), "not incremental: "
        + reason);
  }
}
