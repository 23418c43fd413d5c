package dev.lakepipe.spec;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A validated job spec: what to read, compute and write, and where it runs. Knows nothing of Spark.
 *
 * @param file the spec file as the user named it
 * @param sources by name, sorted
 * @param steps by name, sorted (the planner orders them by dependency)
 * @param targets by name, sorted
 * @param mode how the spec runs unless the command line says otherwise ({@code mode = streaming}); empty: full
 * @param streaming how streaming runs trigger their micro-batches
 */
public record JobSpec(
    String name,
    Optional<String> description,
    String file,
    EngineSettings settings,
    Map<String, SourceSpec> sources,
    Map<String, StepSpec> steps,
    Map<String, TargetSpec> targets,
    Optional<String> mode,
    StreamingSpec streaming) {
  /** The run modes a spec can name. */
  public static final List<String> MODES = List.of("full", "incremental", "streaming");

  public JobSpec {
    sources = Collections.unmodifiableMap(new TreeMap<>(sources));
    steps = Collections.unmodifiableMap(new TreeMap<>(steps));
    targets = Collections.unmodifiableMap(new TreeMap<>(targets));
  }

  /** A spec without a mode of its own or streaming settings. */
  public JobSpec(String name, Optional<String> description, String file, EngineSettings settings,
      Map<String, SourceSpec> sources, Map<String, StepSpec> steps, Map<String, TargetSpec> targets) {
    this(name, description, file, settings, sources, steps, targets, Optional.empty(), StreamingSpec.DEFAULT);
  }

  /** The sources and steps that a source, step or target's {@code from} reads, directly or not, itself included. */
  public Set<String> upstream(String name) {
    return upstream(name, steps);
  }

  /** {@link #upstream(String)} over steps not yet in a spec: the validator's, while it builds one. */
  static Set<String> upstream(String name, Map<String, StepSpec> steps) {
    Set<String> names = new LinkedHashSet<>();
    collect(name, steps, names);
    return names;
  }

  private static void collect(String name, Map<String, StepSpec> steps, Set<String> names) {
    if (names.add(name) && steps.containsKey(name)) {
      steps.get(name).dependencies().forEach(d -> collect(d, steps, names));
    }
  }
}
