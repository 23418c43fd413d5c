package dev.lakepipe.format;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What lakepipe records in every commit it makes, inside the table's own commit metadata (Hudi extra
 * metadata, Delta user metadata, Iceberg snapshot summary), so the table itself says which run wrote it and,
 * for incremental runs, up to which commit of each source its data goes.
 *
 * @param checkpoints by source name, the latest commit of the source that the table's data includes; stored in
 *     the same atomic commit as the data, so the checkpoint and the data never disagree
 */
public record CommitContext(String pipeline, String runId, Instant logicalTime, Map<String, String> checkpoints) {
  public static final String PREFIX = "lakepipe.";
  /** The property that holds the logical time of the run that made a commit. */
  public static final String LOGICAL_TIME = PREFIX + "logical-time";
  private static final String CHECKPOINT = PREFIX + "checkpoint.";

  public CommitContext {
    checkpoints = Collections.unmodifiableMap(new TreeMap<>(checkpoints));
  }

  /** A commit that records no checkpoint. */
  public CommitContext(String pipeline, String runId, Instant logicalTime) {
    this(pipeline, runId, logicalTime, Map.of());
  }

  /** The same run, recording these checkpoints instead. */
  public CommitContext withCheckpoints(Map<String, String> checkpoints) {
    return new CommitContext(pipeline, runId, logicalTime, checkpoints);
  }

  /** The properties to store with the commit, keys prefixed with {@value #PREFIX}. */
  public Map<String, String> properties() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put(PREFIX + "pipeline", pipeline);
    properties.put(PREFIX + "run-id", runId);
    properties.put(LOGICAL_TIME, logicalTime.toString());
    checkpoints.forEach((source, commit) -> properties.put(checkpointKey(source), commit));
    return properties;
  }

  /** The checkpoint of a source in the properties of a commit, if the commit recorded one. */
  public static Optional<String> checkpoint(Map<String, String> properties, String source) {
    return Optional.ofNullable(properties.get(checkpointKey(source)));
  }

  // Lower case: Hudi's commit metadata comes from write options, which Spark keeps in a case-insensitive map; and
  // Spark resolves view names regardless of case, so two sources never differ by case only.
  private static String checkpointKey(String source) {
    return CHECKPOINT + source.toLowerCase(Locale.ROOT);
  }
}
