package dev.lakepipe.quality;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The outcome of all checks of one target for one logical time.
 *
 * @param pipeline the pipeline the target belongs to
 * @param target the checked target
 * @param logicalTime the run's logical time, the key of its metrics in the history
 * @param results one result per check, in declaration order
 * @param metrics every metric the pass computed successfully, by name ({@code Size(*)} etc.), as stored in the
 *     history
 */
public record QualityReport(
    String pipeline, String target, Instant logicalTime, List<CheckResult> results, Map<String, Double> metrics) {
  /** @throws NullPointerException if an argument is null */
  public QualityReport {
    Objects.requireNonNull(pipeline, "pipeline");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(logicalTime, "logicalTime");
    results = List.copyOf(results);
    metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
  }

  /** Whether an {@code ERROR}-level check failed: the run's data must not be published. */
  public boolean blocksPublish() {
    return results.stream().anyMatch(CheckResult::blocksPublish);
  }

  /** The failed checks, of either level, in declaration order. */
  public List<CheckResult> failures() {
    return results.stream().filter(r -> r.status() == CheckResult.Status.FAILED).toList();
  }

  /**
   * The result of the check with this name.
   *
   * @throws NoSuchElementException if no check has this name
   */
  public CheckResult result(String checkName) {
    return results.stream()
        .filter(r -> r.name().equals(checkName))
        .findFirst()
        .orElseThrow(() -> new NoSuchElementException("no check named " + checkName));
  }
}
