package dev.lakepipe.spec;

import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * A table that a step (or a source) feeds.
 *
 * @param from the step or source whose rows are written
 * @param keys record keys; required by upsert and delete
 * @param orderBy the column whose greatest value wins when a key arrives more than once (upsert); without it an
 *     incoming row always replaces the stored row of its key, and the rows must hold each key once (an aggregate)
 * @param storage how the table stores updates and deletes (Hudi, Delta and Iceberg targets; file targets are
 *     {@link Storage#COPY_ON_WRITE})
 * @param storageDefault why the target has its storage when the spec does not name it; empty when it does
 * @param buckets how many buckets per partition the keys are hashed into (formats that support buckets); empty for
 *     none
 * @param keysFrom for incremental runs that refresh affected keys: per source, SQL expressions over the source's
 *     columns that give key columns of the target (not necessarily all), so that a changed source row names the
 *     target rows it affects; a source not listed maps by its columns named like the keys
 * @param checks the data-quality checks its rows must pass before they are published, by name
 * @param schemaEvolution what a write may change in the table's schema when the rows differ from it
 * @param maintenance how {@code lakepipe maintain} (and a run, when due) compacts the table and cleans its history
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
    Storage storage,
    Optional<String> storageDefault,
    OptionalInt buckets,
    Map<String, String> options,
    Map<String, Map<String, String>> keysFrom,
    List<CheckSpec> checks,
    SchemaEvolution schemaEvolution,
    MaintenanceSpec maintenance) {
  public TargetSpec {
    keys = List.copyOf(keys);
    partitionBy = List.copyOf(partitionBy);
    options = Map.copyOf(options);
    Map<String, Map<String, String>> copy = new TreeMap<>();
    keysFrom.forEach((source, columns) -> copy.put(source, Collections.unmodifiableMap(new TreeMap<>(columns))));
    keysFrom = Collections.unmodifiableMap(copy);
    checks = List.copyOf(checks);
  }

  /**
   * The identifiers that the target's {@code keys-from} expressions over {@code source} name (lower-cased); empty
   * when one can read columns it does not name (see {@link StepSpec#identifiers}).
   */
  public Optional<Set<String>> keysFromIdentifiers(String source) {
    Set<String> names = new HashSet<>();
    for (String expression : keysFrom.getOrDefault(source, Map.of()).values()) {
      Optional<Set<String>> named = SqlReferences.identifiers(expression);
      if (named.isEmpty()) {
        return Optional.empty();
      }
      names.addAll(named.get());
    }
    return Optional.of(Set.copyOf(names));
  }
}
