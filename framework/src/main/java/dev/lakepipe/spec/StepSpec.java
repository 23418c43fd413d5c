package dev.lakepipe.spec;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A named transformation: a SQL query over sources and earlier steps, or a Java class implementing {@code
 * dev.lakepipe.step.CustomStep}. It is visible to later steps as a view of the same name.
 *
 * @param dependencies the sources and steps it reads: the names its SQL references, or its {@code inputs}
 * @param cache whether the step's rows are computed once and kept for its readers (and counted)
 */
public record StepSpec(
    String name,
    Optional<String> sql,
    Optional<String> className,
    Set<String> dependencies,
    Map<String, String> options,
    boolean cache) {
  public StepSpec {
    dependencies = Set.copyOf(dependencies);
    options = Map.copyOf(options);
  }

  /** The dependencies in a stable order, for display. */
  public List<String> sortedDependencies() {
    return dependencies.stream().sorted().toList();
  }
}
