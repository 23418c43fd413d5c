package dev.lakepipe.run;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * One run of a pipeline as the run history keeps it.
 *
 * @param mode how the run computed its targets: {@code full} or {@code incremental} ({@link RunMode})
 * @param outcome {@code success} or {@code failed}
 * @param reads for each source, the latest commit of the table when the run read it ("-" when it has none); for a
 *     source read as changes, the commits consumed as {@code checkpoint..last}
 * @param commits for each target, the commit the run made
 * @param message why the run failed; empty on success
 */
public record RunRecord(
    String runId,
    String pipeline,
    Instant logicalTime,
    String mode,
    String outcome,
    Instant startedAt,
    double seconds,
    long rowsRead,
    long rowsWritten,
    Map<String, String> reads,
    Map<String, String> commits,
    Optional<String> message) {
  public static final String SUCCESS = "success";
  public static final String FAILED = "failed";

  public RunRecord {
    reads = Map.copyOf(reads);
    commits = Map.copyOf(commits);
  }
}
