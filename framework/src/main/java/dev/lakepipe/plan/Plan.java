package dev.lakepipe.plan;

import dev.lakepipe.spec.JobSpec;
import dev.lakepipe.spec.SourceSpec;
import dev.lakepipe.spec.StepSpec;
import dev.lakepipe.spec.TargetSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a run does, in order: the sources it reads, the steps it computes (each after everything it reads),
 * and the targets it writes. Sources and steps that feed no target are left out.
 */
public record Plan(JobSpec spec, List<SourceSpec> reads, List<StepSpec> steps, List<TargetSpec> writes) {
  public Plan {
    reads = List.copyOf(reads);
    steps = List.copyOf(steps);
    writes = List.copyOf(writes);
  }

  /** Plans a validated spec (which has no cycles and no unknown names). */
  public static Plan of(JobSpec spec) {
    Set<String> needed = new LinkedHashSet<>();
    spec.targets().values().forEach(t -> needed.addAll(spec.upstream(t.from())));
    // Referential checks read their reference as a view.
    spec.targets().values().forEach(t -> t.checks().forEach(c -> c.reference().ifPresent(r -> needed.addAll(
        spec.upstream(r)))));
    List<StepSpec> ordered = new ArrayList<>();
    Set<String> done = new TreeSet<>(spec.sources().keySet());
    // Repeatedly take the ready steps in name order: a stable order that users can predict from the spec.
    List<StepSpec> pending = spec.steps().values().stream().filter(s -> needed.contains(s.name())).toList();
    while (ordered.size() < pending.size()) {
      StepSpec next = pending.stream()
          .filter(s -> !done.contains(s.name()) && done.containsAll(s.dependencies()))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("steps of " + spec.name() + " form a cycle"));
      ordered.add(next);
      done.add(next.name());
    }
    List<SourceSpec> reads = spec.sources().values().stream().filter(s -> needed.contains(s.name())).toList();
    return new Plan(spec, reads, ordered, List.copyOf(spec.targets().values()));
  }

  /** The sources and steps that a source, step or target's {@code from} reads, directly or not, itself included. */
  public Set<String> upstream(String name) {
    return spec.upstream(name);
  }

  /**
   * How many of these targets, and of the steps they need, read a source or step directly: a step read more than
   * once is worth computing once and keeping.
   */
  public int readers(String name, List<TargetSpec> targets) {
    Set<String> needed = new LinkedHashSet<>();
    targets.forEach(target -> needed.addAll(upstream(target.from())));
    long steps = this.steps.stream().filter(s -> needed.contains(s.name()) && s.dependencies().contains(name)).count();
    return Math.toIntExact(steps + targets.stream().filter(t -> t.from().equals(name)).count());
  }

  /** The sources read with {@code read = incremental} that a target's rows come from, in name order. */
  public List<SourceSpec> incrementalSources(TargetSpec target) {
    Set<String> upstream = upstream(target.from());
    return reads.stream().filter(s -> s.incremental() && upstream.contains(s.name())).toList();
  }

  /**
   * The columns of a source that the planned steps and the targets can read (lower-cased, a superset): the
   * identifiers of the SQL steps that read it, its keys, and the targets' keys, order-by, partition-by and
   * keys-from. Empty when its rows may be read whole: a step that reads it can read columns it does not name (a
   * star, NATURAL JOIN, a kind step), a class step runs (lakepipe cannot see what it reads), a target is written
   * from the source itself, or a check reads it.
   */
  public Optional<Set<String>> columnsRead(SourceSpec source) {
    Set<String> names = new HashSet<>();
    for (StepSpec step : steps) {
      boolean classStep = step.sql().isEmpty() && step.kind().isEmpty();
      if (classStep || step.dependencies().contains(source.name())) {
        Optional<Set<String>> named = step.identifiers();
        if (named.isEmpty()) {
          return Optional.empty();
        }
        names.addAll(named.get());
      }
    }
    source.keys().forEach(key -> names.add(lower(key)));
    for (TargetSpec target : writes) {
      Optional<Set<String>> keysFrom = target.keysFromIdentifiers(source.name());
      if (target.from().equals(source.name()) || keysFrom.isEmpty() || target.checks().stream()
          .anyMatch(check -> check.reference().map(r -> upstream(r).contains(source.name())).orElse(false))) {
        return Optional.empty();
      }
      names.addAll(keysFrom.get());
      target.keys().forEach(key -> names.add(lower(key)));
      target.orderBy().ifPresent(column -> names.add(lower(column)));
      target.partitionBy().forEach(column -> names.add(lower(column)));
    }
    return Optional.of(Set.copyOf(names));
  }

  private static String lower(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  /** Steps of the spec that no target needs. */
  public List<String> unusedSteps() {
    Set<String> used = new TreeSet<>();
    steps.forEach(s -> used.add(s.name()));
    return spec.steps().keySet().stream().filter(s -> !used.contains(s)).toList();
  }

  /** Sources of the spec that no target needs. */
  public List<String> unusedSources() {
    Set<String> used = new TreeSet<>();
    reads.forEach(s -> used.add(s.name()));
    return spec.sources().keySet().stream().filter(s -> !used.contains(s)).toList();
  }
}
