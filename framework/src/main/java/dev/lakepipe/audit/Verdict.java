package dev.lakepipe.audit;

import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What an audit decided.
 *
 * @param outcome whether the rows may be published
 * @param rows the rows to write: the audited rows less the quarantined ones
 * @param rowsIn how many rows were audited; always {@code rowsWritten + rowsQuarantined}
 * @param rowsWritten how many rows {@code rows} holds
 * @param rowsQuarantined how many rows went to the quarantine table instead
 * @param summary one line for the run's progress, e.g. {@code 5 checks: 4 passed, 1 warned}
 * @param findings one line per check that failed or was skipped, naming the check, its metric value and bound
 * @param report where the audit's full report was written
 */
public record Verdict(Outcome outcome, Dataset<Row> rows, long rowsIn, long rowsWritten, long rowsQuarantined,
    String summary, List<String> findings, String report) {
  /** Whether the run may publish the rows. */
  public enum Outcome {
    PASS,
    /** Publish, but a warn-level check failed. */
    WARN,
    /** Publish nothing: an error-level check failed. */
    FAIL
  }

  /** @throws IllegalArgumentException when the counts do not reconcile */
  public Verdict {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(rows, "rows");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(report, "report");
    findings = List.copyOf(findings);
    if (rowsIn != rowsWritten + rowsQuarantined) {
      throw new IllegalArgumentException("rows in " + rowsIn + " != written " + rowsWritten + " + quarantined "
          + rowsQuarantined);
    }
  }
}
