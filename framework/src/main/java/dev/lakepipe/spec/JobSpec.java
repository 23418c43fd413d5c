package dev.lakepipe.spec;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A validated job spec: what to read, compute and write, and where it runs. Knows nothing of Spark.
 *
 * @param file the spec file as the user named it
 * @param sources by name, sorted
 * @param steps by name, sorted (the planner orders them by dependency)
 * @param targets by name, sorted
 */
public record JobSpec(
    String name,
    Optional<String> description,
    String file,
    EngineSettings settings,
    Map<String, SourceSpec> sources,
    Map<String, StepSpec> steps,
    Map<String, TargetSpec> targets) {
  public JobSpec {
    sources = Collections.unmodifiableMap(new TreeMap<>(sources));
    steps = Collections.unmodifiableMap(new TreeMap<>(steps));
    targets = Collections.unmodifiableMap(new TreeMap<>(targets));
  }
}
