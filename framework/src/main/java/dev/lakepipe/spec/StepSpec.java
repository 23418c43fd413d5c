package dev.lakepipe.spec;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A named transformation: a SQL query over sources and earlier steps, a Java class implementing {@code
 * dev.lakepipe.step.CustomStep}, or a step of a kind a module registers ({@code dev.lakepipe.step.StepKind}). It is
 * visible to later steps as a view of the same name.
 *
 * @param kind the registered kind of the step; its {@code options} are then the settings of the kind's block
 * @param dependencies the sources and steps it reads: the names its SQL references, or its {@code inputs}
 * @param cache whether the step's rows are computed once and kept for its readers (and counted); unset, they are
 *     when more than one step or target of the run reads them
 */
public record StepSpec(
    String name,
    Optional<String> sql,
    Optional<String> className,
    Optional<String> kind,
    Set<String> dependencies,
    Map<String, String> options,
    Optional<Boolean> cache) {
  public StepSpec {
    dependencies = Set.copyOf(dependencies);
    options = Map.copyOf(options);
  }

  /**
   * For a SQL step, why it does not map, filter or enrich the rows of its input {@code relation} one at a time
   * (aggregations, windows, DISTINCT, ...), as far as its text shows; empty when nothing shows. A class step
   * cannot be looked into.
   */
  public List<String> rowWiseBlockers(String relation) {
    return sql.map(text -> SqlReferences.rowWiseBlockers(text, relation))
        .orElse(List.of(kind.map(k -> "a " + k + " step, which combines rows of an entity")
            .orElse("a Java class, which lakepipe cannot look into")));
  }

  /**
   * For a SQL step, the identifiers its text names (lower-cased): every column it reads from its inputs is among
   * them. Empty when it can read columns it does not name (a star, NATURAL JOIN) and for class and kind steps.
   */
  public Optional<Set<String>> identifiers() {
    return sql.flatMap(SqlReferences::identifiers);
  }

  /** What the step is, for display: sql, class NAME, or its kind. */
  public String describeKind() {
    return sql.isPresent() ? "sql" : kind.orElseGet(() -> "class " + className.orElseThrow());
  }

  /** The dependencies in a stable order, for display. */
  public List<String> sortedDependencies() {
    return dependencies.stream().sorted().toList();
  }
}
