package dev.lakepipe.plan;

import dev.lakepipe.spec.SourceSpec;
import dev.lakepipe.spec.StepSpec;
import dev.lakepipe.spec.TargetSpec;
import dev.lakepipe.spec.WriteMode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * How an incremental run computes one target, and why; decided from the spec alone, so {@code plan} can print it.
 * Row-wise is the one strategy so far: the target's steps map, filter or enrich the rows of one incremental
 * (driving) source, so they run on the source's net changes and the result is upserted, the keys it no longer
 * holds deleted. Aggregations and joins of changing sources need affected-key refresh, not available yet.
 *
 * @param drivingSource for a row-wise target, the source whose changes it follows; empty when an incremental run
 *     cannot compute the target
 * @param reason why, in a sentence for {@code plan} and for errors
 */
public record IncrementalStrategy(String target, Optional<String> drivingSource, String reason) {
  private static final String LATER = "; that needs affected-key refresh, not available yet";

  public boolean isRowWise() {
    return drivingSource.isPresent();
  }

  /** The strategy of one target of a plan. */
  public static IncrementalStrategy of(Plan plan, TargetSpec target) {
    List<SourceSpec> incremental = plan.incrementalSources(target);
    if (incremental.isEmpty()) {
      return refused(target, "reads no source with read = incremental; only full runs compute it");
    }
    if (incremental.size() > 1) {
      return refused(target, "combines the changes of " + String.join(" and ",
          incremental.stream().map(SourceSpec::name).toList()) + LATER);
    }
    String driving = incremental.get(0).name();
    if (target.mode() != WriteMode.UPSERT) {
      return refused(target, "has mode " + target.mode().specName() + ", but a row-wise increment upserts rows and"
          + " deletes keys; use mode = upsert");
    }
    Set<String> upstream = plan.upstream(target.from());
    Set<String> changing = new LinkedHashSet<>(List.of(driving));
    List<String> rowWise = new ArrayList<>();
    for (StepSpec step : plan.steps()) {
      List<String> inputs = step.sortedDependencies().stream().filter(changing::contains).toList();
      if (!upstream.contains(step.name()) || inputs.isEmpty()) {
        continue;
      }
      if (inputs.size() > 1) {
        return refused(target, "step " + step.name() + " combines " + String.join(" and ", inputs)
            + ", which all change with " + driving + LATER);
      }
      List<String> blockers = step.rowWiseBlockers(inputs.get(0));
      if (!blockers.isEmpty()) {
        return refused(target, "step " + step.name() + " is not row-wise over " + inputs.get(0) + " ("
            + String.join(", ", blockers) + ")" + LATER);
      }
      changing.add(step.name());
      rowWise.add(step.name());
    }
    String how = rowWise.isEmpty() ? "its rows are written as they are"
        : "step" + (rowWise.size() == 1 ? " " : "s ") + String.join(", ", rowWise) + " map, filter or enrich its rows";
    return new IncrementalStrategy(target.name(), Optional.of(driving), "row-wise on the changes of " + driving
        + ": " + how + "; upserted by " + String.join(",", target.keys()) + ", deleted keys deleted");
  }

  private static IncrementalStrategy refused(TargetSpec target, String reason) {
    return new IncrementalStrategy(target.name(), Optional.empty(), "not incremental: " + reason);
  }
}
