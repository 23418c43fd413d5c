package dev.lakepipe.quality;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The outcome of one check in one run.
 *
 * @param check the check as declared
 * @param status passed, failed or skipped
 * @param metric the metric the check compared, Deequ's name and instance: {@code Completeness(customer_id)},
 *     {@code Compliance(<check name>)}, {@code Uniqueness(order_id)}, {@code Size(*)}
 * @param value this run's value of the metric; empty when it could not be computed
 * @param bound what the value was compared with, e.g. {@code >= 0.9}, {@code [10, 100]}
 * @param message one line for people: the value and the bound, Deequ's anomaly detail, or why the check was skipped
 */
public record CheckResult(
    Check check, Status status, String metric, OptionalDouble value, String bound, String message) {
  public enum Status {
    PASSED,
    FAILED,
    /** No verdict: too little metric history for an anomaly check, or no rows to measure. Never blocks. */
    SKIPPED
  }

  /** @throws NullPointerException if an argument is null */
  public CheckResult {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(bound, "bound");
    Objects.requireNonNull(message, "message");
  }

  public String name() {
    return check.name();
  }

  public Check.Level level() {
    return check.level();
  }

  /** Whether this result keeps the run's data from being published: an {@code ERROR} check that failed. */
  public boolean blocksPublish() {
    return status == Status.FAILED && check.level() == Check.Level.ERROR;
  }
}
