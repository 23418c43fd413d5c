package dev.lakepipe.quality;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A named data-quality check: what it asserts ({@link CheckKind}) and what a failure does ({@link Level}).
 *
 * <pre>{@code
 * Check.error("order_id_unique").uniqueness("order_id");
 * Check.warn("amount_non_negative").nonNegative("amount");
 * Check.error("hourly_orders").rateOfChange(MetricId.size(), 0.5, 24);
 * }</pre>
 *
 * @param name unique among the checks of one target; reports, metrics and quarantined rows carry it
 */
public record Check(String name, Level level, CheckKind kind) {
  /** What a failure of the check does. */
  public enum Level {
    /** Reported only. */
    WARN,
    /** Blocks the publish: the run's data must not become visible. */
    ERROR
  }

  /**
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the name is blank
   */
  public Check {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(kind, "kind");
    if (name.isBlank()) {
      throw new IllegalArgumentException("check name is blank");
    }
  }

  /** Starts a check whose failure is reported only. */
  public static Builder warn(String name) {
    return new Builder(name, Level.WARN);
  }

  /** Starts a check whose failure blocks the publish. */
  public static Builder error(String name) {
    return new Builder(name, Level.ERROR);
  }

  /** Whether the check judges rows one by one, so that {@link Quarantine} can apply it. */
  public boolean isRowLevel() {
    return kind instanceof CheckKind.RowLevel;
  }

  /** Whether the check compares a metric with its history. */
  public boolean isAnomalyCheck() {
    return kind instanceof CheckKind.AnomalyDetection;
  }

  /**
   * The name and level of a check whose kind is still to come. Every method returns a new {@link Check} and throws
   * what the kind's constructor throws.
   */
  public record Builder(String name, Level level) {
    private Check of(CheckKind kind) {
      return new Check(name, level, kind);
    }

    /** Every row has a non-null {@code column}. */
    public Check completeness(String column) {
      return completeness(column, 1.0);
    }

    public Check completeness(String column, double minFraction) {
      return of(new CheckKind.Completeness(column, minFraction));
    }

    public Check uniqueness(String... columns) {
      return of(new CheckKind.Uniqueness(List.of(columns)));
    }

    public Check allowedValues(String column, Collection<String> values) {
      return allowedValues(column, values, 1.0);
    }

    public Check allowedValues(String column, Collection<String> values, double minFraction) {
      return of(new CheckKind.AllowedValues(column, new LinkedHashSet<>(values), minFraction));
    }

    /** Every non-null value of {@code column} lies in [min, max]; an infinite bound leaves that side open. */
    public Check range(String column, double min, double max) {
      return range(column, min, max, 1.0);
    }

    public Check range(String column, double min, double max, double minFraction) {
      return of(new CheckKind.Range(column, min, max, minFraction));
    }

    /** Every non-null value of {@code column} is {@code >= 0}. */
    public Check nonNegative(String column) {
      return range(column, 0, Double.POSITIVE_INFINITY, 1.0);
    }

    public Check pattern(String column, String regex) {
      return pattern(column, regex, 1.0);
    }

    public Check pattern(String column, String regex, double minFraction) {
      return of(new CheckKind.Pattern(column, regex, minFraction));
    }

    public Check rowCount(long min, long max) {
      return of(new CheckKind.RowCount(min, max));
    }

    /** Every row satisfies the Spark SQL expression. */
    public Check predicate(String sql) {
      return predicate(sql, 1.0);
    }

    public Check predicate(String sql, double minFraction) {
      return of(new CheckKind.Predicate(sql, minFraction));
    }

    /** Every non-null value of {@code column} occurs in {@code referenceColumn} of {@code referenceTable}. */
    public Check referential(String column, String referenceTable, String referenceColumn) {
      return referential(column, referenceTable, referenceColumn, 1.0);
    }

    public Check referential(String column, String referenceTable, String referenceColumn, double minFraction) {
      return of(new CheckKind.Referential(column, referenceTable, referenceColumn, minFraction));
    }

    /** The metric must not drop by more than {@code maxDecrease} (0.5 = 50 %) against the value lag points back. */
    public Check rateOfChange(MetricId metric, double maxDecrease, int lag) {
      return rateOfChange(metric, OptionalDouble.of(maxDecrease), OptionalDouble.empty(), lag);
    }

    public Check rateOfChange(MetricId metric, OptionalDouble maxDecrease, OptionalDouble maxIncrease, int lag) {
      return of(new CheckKind.RateOfChange(metric, maxDecrease, maxIncrease, lag));
    }

    /** The metric stays within mean &plusmn; k standard deviations; needs 10 earlier points. */
    public Check onlineNormal(MetricId metric, double k) {
      return of(new CheckKind.OnlineNormal(metric, OptionalDouble.of(k), OptionalDouble.of(k), 10));
    }

    public Check onlineNormal(MetricId metric, OptionalDouble lowerFactor, OptionalDouble upperFactor,
        int minHistory) {
      return of(new CheckKind.OnlineNormal(metric, lowerFactor, upperFactor, minHistory));
    }

    /** Holt-Winters on hourly points with a daily cycle (period 24), Deequ's verdict; needs 48 earlier points. */
    public Check holtWinters(MetricId metric) {
      return holtWinters(metric, CheckKind.Seasonality.HOURLY_DAILY, 0.0);
    }

    /** Holt-Winters whose anomalies must also be {@code minRelativeDeviation} (0.2 = 20 %) off the forecast. */
    public Check holtWinters(MetricId metric, CheckKind.Seasonality seasonality, double minRelativeDeviation) {
      return of(new CheckKind.HoltWinters(metric, seasonality, minRelativeDeviation));
    }
  }
}
