package dev.lakepipe.spec;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A table that a step (or a source) feeds.
 *
 * @param from the step or source whose rows are written
 * @param keys record keys; required by upsert and delete
 * @param orderBy the column whose greatest value wins when a key arrives more than once (upsert)
 * @param checks the data-quality checks its rows must pass before they are published, by name
 */
public record TargetSpec(
    String name,
    String from,
    String format,
    Optional<String> path,
    Optional<String> table,
    WriteMode mode,
    List<String> keys,
    Optional<String> orderBy,
    List<String> partitionBy,
    Map<String, String> options,
    List<CheckSpec> checks) {
  public TargetSpec {
    keys = List.copyOf(keys);
    partitionBy = List.copyOf(partitionBy);
    options = Map.copyOf(options);
    checks = List.copyOf(checks);
  }

  /** A target without checks. */
  public TargetSpec(String name, String from, String format, Optional<String> path, Optional<String> table,
      WriteMode mode, List<String> keys, Optional<String> orderBy, List<String> partitionBy,
      Map<String, String> options) {
    this(name, from, format, path, table, mode, keys, orderBy, partitionBy, options, List.of());
  }
}
