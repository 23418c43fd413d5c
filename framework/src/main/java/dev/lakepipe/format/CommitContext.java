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
 * @param firstOfTwo whether the commit is the first of two of one write (see {@link #asFirstOfTwo()})
 */
public record CommitContext(String pipeline, String runId, Instant logicalTime, Map<String, String> checkpoints,
    boolean firstOfTwo) {
  public static final String PREFIX = "lakepipe.";
  /** The property that holds the logical time of the run that made a commit. */
  public static final String LOGICAL_TIME = PREFIX + "logical-time";
  /** The property that holds the run id of the run that made a commit. */
  public static final String RUN_ID = PREFIX + "run-id";
  /** The prefix of the properties that hold checkpoints, followed by the source name in lower case. */
  public static final String CHECKPOINT = PREFIX + "checkpoint.";
  private static final String FIRST_OF_TWO = PREFIX + "first-of-two";

  public CommitContext {
    checkpoints = Collections.unmodifiableMap(new TreeMap<>(checkpoints));
  }

  /** A commit that records no checkpoint. */
  public CommitContext(String pipeline, String runId, Instant logicalTime) {
    this(pipeline, runId, logicalTime, Map.of(), false);
  }

  /** The same run, recording these checkpoints instead, in a write's only or last commit. */
  public CommitContext withCheckpoints(Map<String, String> checkpoints) {
    return new CommitContext(pipeline, runId, logicalTime, checkpoints, false);
  }

  /**
   * The first of two commits of one write (a format that cannot upsert and delete at once), which keeps the
   * checkpoints the table held: a table whose latest commit is one shows a write that did not finish.
   */
  public CommitContext asFirstOfTwo() {
    return new CommitContext(pipeline, runId, logicalTime, checkpoints, true);
  }

  /** The properties to store with the commit, keys prefixed with {@value #PREFIX}. */
  public Map<String, String> properties() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put(PREFIX + "pipeline", pipeline);
    properties.put(RUN_ID, runId);
    properties.put(LOGICAL_TIME, logicalTime.toString());
    checkpoints.forEach((source, commit) -> properties.put(checkpointKey(source), commit));
    if (firstOfTwo) {
      properties.put(FIRST_OF_TWO, "true");
    }
    return properties;
  }

  /** Whether a commit with these properties is the first of two of a write ({@link #asFirstOfTwo()}). */
  public static boolean isFirstOfTwo(Map<String, String> properties) {
    return "true".equals(properties.get(FIRST_OF_TWO));
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
