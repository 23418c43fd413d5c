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
    Map<String, String> options) {
  public TargetSpec {
    keys = List.copyOf(keys);
    partitionBy = List.copyOf(partitionBy);
    options = Map.copyOf(options);
  }
}
