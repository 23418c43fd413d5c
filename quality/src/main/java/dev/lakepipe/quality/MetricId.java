package dev.lakepipe.quality;

import java.util.Objects;

/**
 * A metric that anomaly detection can follow over time, computed by the same pass as the checks.
 *
 * <p>Its {@link #toString() name} is the one the reports and {@link MetricsHistory} use, Deequ's metric name and
 * instance: {@code Size(*)}, {@code Completeness(customer_id)}, {@code Mean(amount)}.
 *
 * @param type what is measured
 * @param column the measured column, {@code *} for a metric of the whole dataset
 */
public record MetricId(Type type, String column) {
  /** The kinds of metric; each is one Deequ analyzer without a filter. */
  public enum Type {
    /** The number of rows. */
    SIZE("Size"),
    /** The fraction of rows whose column is not null. */
    COMPLETENESS("Completeness"),
    SUM("Sum"),
    MEAN("Mean"),
    MINIMUM("Minimum"),
    MAXIMUM("Maximum"),
    /** The approximate number of distinct values (HyperLogLog). */
    APPROX_COUNT_DISTINCT("ApproxCountDistinct");

    private final String deequName;

    Type(String deequName) {
      this.deequName = deequName;
    }

    /** The metric's name in Deequ and in the metrics history. */
    public String deequName() {
      return deequName;
    }
  }

  /**
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the column is blank, or is not {@code *} exactly when the type is
   *     {@link Type#SIZE}
   */
  public MetricId {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(column, "column");
    if (column.isBlank()) {
      throw new IllegalArgumentException("metric column is blank");
    }
    if ((type == Type.SIZE) != column.equals("*")) {
      throw new IllegalArgumentException(
          type == Type.SIZE ? "Size is measured on the whole dataset (*), not on " + column
              : type.deequName() + " needs a column, not *");
    }
  }

  /** The number of rows. */
  public static MetricId size() {
    return new MetricId(Type.SIZE, "*");
  }

  public static MetricId completeness(String column) {
    return new MetricId(Type.COMPLETENESS, column);
  }

  public static MetricId sum(String column) {
    return new MetricId(Type.SUM, column);
  }

  public static MetricId mean(String column) {
    return new MetricId(Type.MEAN, column);
  }

  public static MetricId minimum(String column) {
    return new MetricId(Type.MINIMUM, column);
  }

  public static MetricId maximum(String column) {
    return new MetricId(Type.MAXIMUM, column);
  }

  public static MetricId approxCountDistinct(String column) {
    return new MetricId(Type.APPROX_COUNT_DISTINCT, column);
  }

  /** Deequ's name and instance, e.g. {@code Completeness(customer_id)}. */
  @Override
  public String toString() {
    return type.deequName() + "(" + column + ")";
  }
}
