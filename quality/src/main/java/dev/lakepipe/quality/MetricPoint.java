package dev.lakepipe.quality;

import java.time.Instant;
import java.util.Objects;

/**
 * One stored value of a metric: the value a run computed for the logical time it ran for.
 *
 * @param time the logical time of the run (the metrics repository keeps it in epoch milliseconds)
 * @param value the metric's value
 */
public record MetricPoint(Instant time, double value) {
  /** @throws NullPointerException if time is null */
  public MetricPoint {
    Objects.requireNonNull(time, "time");
  }
}
