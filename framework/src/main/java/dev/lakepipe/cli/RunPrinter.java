package dev.lakepipe.cli;

import dev.lakepipe.run.BatchProgress;
import dev.lakepipe.run.NodeResult;
import dev.lakepipe.run.RunResult;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.OptionalLong;

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
    node(node, OptionalLong.empty());
  }

  /** A node, with the Spark jobs started since the previous line when they were counted. */
  public void node(NodeResult node, OptionalLong sparkJobs) {
    String rows = node.rows().isPresent() ? String.format(Locale.ROOT, "%,d rows", node.rows().getAsLong()) : "-";
    String commit = node.commit().map(c -> (node.kind() == NodeResult.Kind.WRITE ? "  commit " : "  at commit ")
        + c.id()).orElse("");
    out.printf(Locale.ROOT, "  %-5s  %-18s %14s %7.1f s  %s%s%s%n", node.kind().name().toLowerCase(Locale.ROOT),
        node.name(), rows, node.seconds(), node.detail(), commit, jobs(sparkJobs));
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
    summary(result, OptionalLong.empty());
  }

  /** The summary, with the Spark jobs started after the last node (the run history's commit) when counted. */
  public void summary(RunResult result, OptionalLong sparkJobsAfter) {
    out.printf(Locale.ROOT, "done in %.1f s: read %,d rows from %d sources, computed %d steps, wrote %,d rows to %d"
            + " targets%s%n", result.seconds(), result.rows(NodeResult.Kind.READ), result.of(NodeResult.Kind.READ).size(),
        result.of(NodeResult.Kind.STEP).size(), result.rows(NodeResult.Kind.WRITE),
        result.of(NodeResult.Kind.WRITE).size(),
        sparkJobsAfter.isPresent() ? String.format(Locale.ROOT, "; %d Spark jobs after the last node",
            sparkJobsAfter.getAsLong()) : "");
    out.flush();
  }

  private static String jobs(OptionalLong sparkJobs) {
    return sparkJobs.isPresent() ? String.format(Locale.ROOT, "  (%d Spark jobs)", sparkJobs.getAsLong()) : "";
  }
}
