package dev.lakepipe.audit;

/**
 * Checks a target's rows before they are committed. Implementations are found with {@link java.util.ServiceLoader}
 * and must have a public no-argument constructor.
 */
public interface TargetAuditor {
  /**
   * Runs the target's checks on the rows about to be written (and, for checks that ask for it, on the table as it
   * will be after the write). Commits nothing to the target; may write the audit's own records (metrics, report,
   * quarantined rows).
   *
   * @return what may be written, and whether the run may publish it
   * @throws RuntimeException when the checks cannot be run at all (the run fails with exit code 1)
   */
  Verdict audit(AuditRequest request);
}
