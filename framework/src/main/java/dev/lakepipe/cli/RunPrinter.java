package dev.lakepipe.cli;

import dev.lakepipe.run.BatchProgress;
import dev.lakepipe.run.NodeResult;
import dev.lakepipe.run.RunResult;
import dev.lakepipe.run.SparkWork;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;

/** Prints a run as it goes: a line per node, then a summary. */
public final class RunPrinter {
  private final PrintWriter out;

  public RunPrinter(PrintWriter out) {
    this.out = out;
  }

  public void start(String pipeline, String runId, String logicalTime) {
    out.printf("lakepipe run %s  logical-time %s  run-id %s%n", pipeline, logicalTime, runId);
    out.flush();
  }

  public void node(NodeResult node) {
    node(node, Optional.empty());
  }

  /** A node, with what Spark did for it when that was counted. */
  public void node(NodeResult node, Optional<SparkWork.Work> work) {
    String rows = node.rows().isPresent() ? String.format(Locale.ROOT, "%,d rows", node.rows().getAsLong()) : "-";
    String commit = node.commit().map(c -> (node.kind() == NodeResult.Kind.WRITE ? "  commit " : "  at commit ")
        + c.id()).orElse("");
    out.printf(Locale.ROOT, "  %-5s  %-18s %14s %7.1f s  %s%s%s%n", node.kind().name().toLowerCase(Locale.ROOT),
        node.name(), rows, node.seconds(), node.detail(), commit, work.map(w -> "  (" + w + ")").orElse(""));
    out.flush();
  }

  /** A micro-batch of a streaming run. */
  public void batch(BatchProgress batch) {
    String what = batch.skipped() ? "already written (a retried batch), skipped"
        : String.format(Locale.ROOT, "%,d in, %,d out, %,d quarantined", batch.rowsIn(), batch.rowsOut(),
            batch.quarantined()) + (batch.late() > 0 ? String.format(Locale.ROOT, ", %,d late", batch.late()) : "");
    String lag = batch.lagSeconds().map(l -> String.format(Locale.ROOT, "  lag %.1f s", l)).orElse("")
        + batch.watermark().map(w -> "  watermark " + w).orElse("");
    out.printf(Locale.ROOT, "  batch  %-18s #%-5d %s  %.1f s%s%n", batch.target(), batch.batchId(), what,
        batch.seconds(), lag);
    out.flush();
  }

  public void summary(RunResult result) {
    summary(result, Optional.empty());
  }

  /**
   * The summary, with what Spark did for the whole run when that was counted, and outside its nodes (the run
   * history's commit).
   */
  public void summary(RunResult result, Optional<SparkWork.Tally> work) {
    out.printf(Locale.ROOT, "done in %.1f s: read %,d rows from %d sources, computed %d steps, wrote %,d rows to %d"
            + " targets%s%n", result.seconds(), result.rows(NodeResult.Kind.READ), result.of(NodeResult.Kind.READ).size(),
        result.of(NodeResult.Kind.STEP).size(), result.rows(NodeResult.Kind.WRITE),
        result.of(NodeResult.Kind.WRITE).size(),
        work.map(RunPrinter::outsideNodes).orElse(""));
    out.flush();
  }

  private static String outsideNodes(SparkWork.Tally work) {
    return String.format(Locale.ROOT, "; Spark in all: %s; outside the nodes: %s", work.total(),
        work.outsideNodes());
  }
}
