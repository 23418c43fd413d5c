package dev.lakepipe.audit;

import java.util.List;

/**
 * An error-level check failed: the run published nothing of the target (nor of any target after it) and exits
 * with code 3. The message names each failed check with its metric value and bound.
 */
public class QualityGateException extends RuntimeException {
  private final String target;
  private final List<String> findings;

  public QualityGateException(String target, List<String> findings, String report) {
    super("data-quality checks of target " + target + " failed, nothing published: " + String.join("; ", findings)
        + " (report: " + report + ")");
    this.target = target;
    this.findings = List.copyOf(findings);
  }

  public String target() {
    return target;
  }

  public List<String> findings() {
    return findings;
  }
}
