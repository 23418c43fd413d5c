package dev.lakepipe.run;

import dev.lakepipe.format.Commit;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.apache.hadoop.fs.FSError;

/**
 * Times the nodes of a run, names the node in the failure of one, and names the node of the Spark jobs it starts
 * ({@link SparkWork}).
 */
final class Nodes {
  private Nodes() {}

  /** What a node did, before it is timed. */
  record Outcome(String detail, OptionalLong rows, Optional<Commit> commit, Optional<String> since) {
    Outcome(String detail, OptionalLong rows, Optional<Commit> commit) {
      this(detail, rows, commit, Optional.empty());
    }
  }

  /** @throws RunFailedException naming the node, when the work fails */
  static NodeResult timed(NodeResult.Kind kind, String name, Supplier<Outcome> work) {
    long start = System.nanoTime();
    Outcome outcome;
    try {
      outcome = SparkWork.asNode(kind, name, work);
    } catch (Exception | FSError e) {
      // Spark's AnalysisException is checked in Java's terms but thrown from Scala anyway; Hadoop's local file
      // system throws FSError, an Error, when a write fails (no space left on the device).
      throw new RunFailedException(kind.name().toLowerCase() + " " + name + " failed: " + Failures.reason(e), e);
    }
    return new NodeResult(kind, name, outcome.detail(), outcome.rows(), (System.nanoTime() - start) / 1e9,
        outcome.commit(), outcome.since());
  }
}
