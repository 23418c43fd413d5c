package dev.lakepipe.quality;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.PatternSyntaxException;

/**
 * What a {@link Check} asserts. Three families:
 *
 * <ul>
 *   <li>{@link RowLevel} kinds judge each row on its own; a check of such a kind passes when at least
 *       {@code minFraction} of the rows pass, and {@link Quarantine} can route the failing rows away. Only
 *       {@link Completeness} judges nulls: for the others a null column value passes (as Deequ's
 *       {@code isContainedIn} does), and a {@link Predicate} that evaluates to null fails.
 *   <li>Dataset-level kinds: {@link Uniqueness}, {@link RowCount}, {@link Referential}.
 *   <li>{@link AnomalyDetection} kinds compare this run's value of a metric with its stored history.
 * </ul>
 */
public sealed interface CheckKind {

  /** A kind that judges each row on its own. */
  sealed interface RowLevel extends CheckKind {
    /** The least fraction of rows that must pass, in [0, 1]. */
    double minFraction();
  }

  /** A kind that compares this run's value of a metric with the values stored for earlier logical times. */
  sealed interface AnomalyDetection extends CheckKind {
    MetricId metric();

    /** How many earlier points the history must hold; with fewer the check is skipped with a note. */
    int requiredHistory();
  }

  /**
   * At least {@code minFraction} of the rows have a non-null {@code column}.
   *
   * <p>Metric: {@code Completeness(column)}.
   */
  record Completeness(String column, double minFraction) implements RowLevel {
    /** @throws IllegalArgumentException if the column is blank or the fraction is outside [0, 1] */
    public Completeness {
      requireName(column, "column");
      requireFraction(minFraction);
    }
  }

  /**
   * The value of {@code column} is one of {@code values} (compared as strings: {@code CAST(column AS STRING)}), or
   * null.
   *
   * <p>Metric: {@code Compliance(<check name>)}.
   *
   * @param values the allowed values, in the order given (kept for messages)
   */
  record AllowedValues(String column, Set<String> values, double minFraction) implements RowLevel {
    /**
     * @throws IllegalArgumentException if the column is blank, there are no values or the fraction is outside
     *     [0, 1]
     * @throws NullPointerException if a value is null
     */
    public AllowedValues {
      requireName(column, "column");
      if (values.isEmpty()) {
        throw new IllegalArgumentException("allowed values of " + column + " are empty");
      }
      for (String value : values) {
        Objects.requireNonNull(value, "allowed value");
      }
      values = Collections.unmodifiableSet(new LinkedHashSet<>(values));
      requireFraction(minFraction);
    }
  }

  /**
   * The value of {@code column} lies in [{@code min}, {@code max}] (both inclusive), or is null. An infinite bound
   * leaves that side open: {@code Range(c, 0, +Infinity)} is "non-negative".
   *
   * <p>Metric: {@code Compliance(<check name>)}.
   */
  record Range(String column, double min, double max, double minFraction) implements RowLevel {
    /**
     * @throws IllegalArgumentException if the column is blank, a bound is NaN, both bounds are infinite,
     *     {@code min > max} or the fraction is outside [0, 1]
     */
    public Range {
      requireName(column, "column");
      if (Double.isNaN(min) || Double.isNaN(max)) {
        throw new IllegalArgumentException("range bound of " + column + " is NaN");
      }
      if (Double.isInfinite(min) && Double.isInfinite(max)) {
        throw new IllegalArgumentException("range of " + column + " has no finite bound");
      }
      if (min > max) {
        throw new IllegalArgumentException("range of " + column + ": min " + min + " > max " + max);
      }
      requireFraction(minFraction);
    }
  }

  /**
   * The value of {@code column} (as a string) contains a match of {@code regex}, Java syntax, as Spark's
   * {@code RLIKE} finds it: anchor with {@code ^...$} to match the whole value. A null value passes.
   *
   * <p>Metric: {@code Compliance(<check name>)}.
   */
  record Pattern(String column, String regex, double minFraction) implements RowLevel {
    /**
     * @throws IllegalArgumentException if the column is blank, the regex does not compile or the fraction is
     *     outside [0, 1]
     */
    public Pattern {
      requireName(column, "column");
      Objects.requireNonNull(regex, "regex");
      try {
        java.util.regex.Pattern.compile(regex);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("pattern of " + column + " does not compile: " + e.getMessage(), e);
      }
      requireFraction(minFraction);
    }
  }

  /**
   * A Spark SQL boolean expression over the row's columns holds; a null result counts as not holding.
   *
   * <p>Metric: {@code Compliance(<check name>)}.
   */
  record Predicate(String sql, double minFraction) implements RowLevel {
    /** @throws IllegalArgumentException if the expression is blank or the fraction is outside [0, 1] */
    public Predicate {
      requireName(sql, "predicate");
      requireFraction(minFraction);
    }
  }

  /**
   * No combination of values of {@code columns} occurs twice. Rows whose columns are all null are ignored, as in
   * Deequ.
   *
   * <p>Metric: {@code Uniqueness(col1,col2)}, the fraction of rows whose combination occurs exactly once.
   */
  record Uniqueness(List<String> columns) implements CheckKind {
    /** @throws IllegalArgumentException if there is no column, a column is blank or one repeats */
    public Uniqueness {
      if (columns.isEmpty()) {
        throw new IllegalArgumentException("uniqueness needs a column");
      }
      for (String column : columns) {
        requireName(column, "column");
      }
      if (new LinkedHashSet<>(columns).size() != columns.size()) {
        throw new IllegalArgumentException("uniqueness columns repeat: " + columns);
      }
      columns = List.copyOf(columns);
    }
  }

  /**
   * The number of rows lies in [{@code min}, {@code max}].
   *
   * <p>Metric: {@code Size(*)}.
   */
  record RowCount(long min, long max) implements CheckKind {
    /** @throws IllegalArgumentException if {@code min < 0} or {@code min > max} */
    public RowCount {
      if (min < 0 || min > max) {
        throw new IllegalArgumentException("row count bounds [" + min + ", " + max + "] are invalid");
      }
    }
  }

  /**
   * The value of {@code column} occurs in {@code referenceColumn} of {@code referenceTable}, or is null (as a
   * foreign key). The runner resolves the table through its reference resolver (by default
   * {@code spark.table(name)}) and joins its distinct values into the same pass as the other checks.
   *
   * <p>Metric: {@code Compliance(<check name>)}, the fraction of rows that reference an existing value.
   */
  record Referential(String column, String referenceTable, String referenceColumn, double minFraction)
      implements CheckKind {
    /** @throws IllegalArgumentException if a name is blank or the fraction is outside [0, 1] */
    public Referential {
      requireName(column, "column");
      requireName(referenceTable, "reference table");
      requireName(referenceColumn, "reference column");
      requireFraction(minFraction);
    }
  }

  /**
   * The ratio of this run's value to the value {@code lag} points earlier stays within
   * [{@code 1 - maxDecrease}, {@code 1 + maxIncrease}]: with hourly runs and {@code lag = 24},
   * {@code maxDecrease = 0.5} reads "must not drop by more than 50 % against the same hour yesterday". Deequ's
   * {@code RelativeRateOfChangeStrategy(Some(1 - maxDecrease), Some(1 + maxIncrease), order = lag)}; Deequ counts
   * points, not hours, so a gap in the history shifts the comparison.
   *
   * @param maxDecrease the largest accepted drop as a fraction of the earlier value (0.5 = 50 %); empty: no limit
   * @param maxIncrease the largest accepted rise as a fraction of the earlier value (1.0 = 100 %); empty: no limit
   */
  record RateOfChange(MetricId metric, OptionalDouble maxDecrease, OptionalDouble maxIncrease, int lag)
      implements AnomalyDetection {
    /**
     * @throws IllegalArgumentException if neither limit is given, a limit is negative or NaN, the decrease
     *     exceeds 1, or the lag is below 1
     */
    public RateOfChange {
      Objects.requireNonNull(metric, "metric");
      Objects.requireNonNull(maxDecrease, "maxDecrease");
      Objects.requireNonNull(maxIncrease, "maxIncrease");
      if (maxDecrease.isEmpty() && maxIncrease.isEmpty()) {
        throw new IllegalArgumentException("rate of change of " + metric + " needs a max decrease or increase");
      }
      maxDecrease.ifPresent(d -> {
        if (!(d >= 0 && d <= 1)) {
          throw new IllegalArgumentException("max decrease of " + metric + " must be in [0, 1]: " + d);
        }
      });
      maxIncrease.ifPresent(i -> {
        if (!(i >= 0)) {
          throw new IllegalArgumentException("max increase of " + metric + " must be >= 0: " + i);
        }
      });
      if (lag < 1) {
        throw new IllegalArgumentException("lag of " + metric + " must be >= 1: " + lag);
      }
    }

    @Override
    public int requiredHistory() {
      return lag;
    }
  }

  /**
   * This run's value lies within the running mean &plusmn; k standard deviations of the history (Deequ's
   * {@code OnlineNormalStrategy}, which leaves earlier anomalies out of the mean and ignores the first 10 % of the
   * series).
   *
   * @param lowerFactor k below the mean; empty: no lower limit
   * @param upperFactor k above the mean; empty: no upper limit
   * @param minHistory the least number of earlier points for a verdict
   */
  record OnlineNormal(MetricId metric, OptionalDouble lowerFactor, OptionalDouble upperFactor, int minHistory)
      implements AnomalyDetection {
    /**
     * @throws IllegalArgumentException if neither factor is given, a factor is negative or NaN, or
     *     {@code minHistory < 1}
     */
    public OnlineNormal {
      Objects.requireNonNull(metric, "metric");
      Objects.requireNonNull(lowerFactor, "lowerFactor");
      Objects.requireNonNull(upperFactor, "upperFactor");
      if (lowerFactor.isEmpty() && upperFactor.isEmpty()) {
        throw new IllegalArgumentException("online normal check of " + metric + " needs a factor");
      }
      for (OptionalDouble factor : List.of(lowerFactor, upperFactor)) {
        factor.ifPresent(k -> {
          if (!(k >= 0)) {
            throw new IllegalArgumentException("deviation factor of " + metric + " must be >= 0: " + k);
          }
        });
      }
      if (minHistory < 1) {
        throw new IllegalArgumentException("min history of " + metric + " must be >= 1: " + minHistory);
      }
    }

    @Override
    public int requiredHistory() {
      return minHistory;
    }
  }

  /**
   * This run's value is close to the additive Holt-Winters forecast fitted on the history (Deequ's
   * {@code HoltWinters(MetricInterval, SeriesSeasonality)}). Deequ flags a value whose distance to the forecast
   * exceeds 1.96 times the standard deviation of the absolute one-step residuals; on noisy series that flags about
   * one normal point in eight, so {@code minRelativeDeviation} can ask for a distance of at least that fraction of the
   * forecast as well (0.2: flagged only when also more than 20 % off). Deequ needs two full cycles of history.
   *
   * @param minRelativeDeviation the least distance to the forecast, as a fraction of it, that can be an anomaly; 0
   *     keeps Deequ's verdict as it is
   */
  record HoltWinters(MetricId metric, Seasonality seasonality, double minRelativeDeviation)
      implements AnomalyDetection {
    /**
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if the deviation is negative or NaN
     */
    public HoltWinters {
      Objects.requireNonNull(metric, "metric");
      Objects.requireNonNull(seasonality, "seasonality");
      if (!(minRelativeDeviation >= 0)) {
        throw new IllegalArgumentException("min relative deviation of " + metric + " must be >= 0: "
            + minRelativeDeviation);
      }
    }

    @Override
    public int requiredHistory() {
      return 2 * seasonality.period();
    }
  }

  /** The interval between runs and the cycle of the metric, as Deequ's Holt-Winters accepts them. */
  enum Seasonality {
    /** Hourly runs, a daily cycle: period 24. */
    HOURLY_DAILY(24),
    /** Daily runs, a weekly cycle: period 7. */
    DAILY_WEEKLY(7),
    /** Monthly runs, a yearly cycle: period 12. */
    MONTHLY_YEARLY(12);

    private final int period;

    Seasonality(int period) {
      this.period = period;
    }

    /** The number of points in one cycle. */
    public int period() {
      return period;
    }
  }

  private static void requireName(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isBlank()) {
      throw new IllegalArgumentException(what + " is blank");
    }
  }

  private static void requireFraction(double fraction) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("fraction must be in [0, 1]: " + fraction);
    }
  }
}
