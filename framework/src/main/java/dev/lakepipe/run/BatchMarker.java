package dev.lakepipe.run;

import dev.lakepipe.format.Commit;
import dev.lakepipe.format.CommitContext;
import java.util.Optional;

/**
 * The micro-batch a commit holds, recorded in the commit as the streamed source's checkpoint, {@code <query
 * id>@<batch id>}: Structured Streaming retries a batch with the same id after a failure, and the query id stays
 * the same across restarts from one checkpoint, so a batch whose marker the table already holds is skipped.
 */
public record BatchMarker(String queryId, long batchId) {
  private static final String SEPARATOR = "@";

  String encode() {
    return queryId + SEPARATOR + batchId;
  }

  /**
   * Whether the commit holds this batch, or a later one of the same query, for that source. A commit of another
   * query (another checkpoint) or of a batch run never does.
   */
  boolean heldBy(Optional<Commit> commit, String source) {
    return commit.flatMap(c -> of(c, source))
        .filter(held -> held.queryId.equals(queryId) && held.batchId >= batchId).isPresent();
  }

  /** The micro-batch of the source that the commit holds; empty for a commit of a batch run. */
  public static Optional<BatchMarker> of(Commit commit, String source) {
    return CommitContext.checkpoint(commit.properties(), source).flatMap(BatchMarker::decode);
  }

  private static Optional<BatchMarker> decode(String text) {
    int at = text.lastIndexOf(SEPARATOR);
    if (at <= 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(new BatchMarker(text.substring(0, at), Long.parseLong(text.substring(at + 1))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
