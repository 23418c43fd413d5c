package dev.lakepipe.quality;

import com.amazon.deequ.analyzers.Analyzer;
import com.amazon.deequ.analyzers.ApproxCountDistinct;
import com.amazon.deequ.analyzers.Completeness;
import com.amazon.deequ.analyzers.Maximum;
import com.amazon.deequ.analyzers.Mean;
import com.amazon.deequ.analyzers.Minimum;
import com.amazon.deequ.analyzers.Size;
import com.amazon.deequ.analyzers.Sum;
import com.amazon.deequ.anomalydetection.AnomalyDetectionStrategy;
import com.amazon.deequ.anomalydetection.OnlineNormalStrategy;
import com.amazon.deequ.anomalydetection.RelativeRateOfChangeStrategy;
import com.amazon.deequ.anomalydetection.seasonal.HoltWinters;
import com.amazon.deequ.checks.CheckLevel$;
import com.amazon.deequ.metrics.Metric;
import java.util.List;
import java.util.OptionalDouble;
import scala.Enumeration;
import scala.Option;

/** Translates lakepipe's checks into Deequ's: one Deequ check with one constraint per lakepipe check. */
final class DeequChecks {
  private DeequChecks() {}

  /**
   * The Deequ check for a kind that a verification pass evaluates (everything but anomaly detection).
   *
   * @param referenceMarker for a {@link CheckKind.Referential} check, the boolean column the runner joined in
   */
  static com.amazon.deequ.checks.Check of(Check check, String referenceMarker) {
    Enumeration.Value level = check.level() == Check.Level.ERROR ? CheckLevel$.MODULE$.Error()
        : CheckLevel$.MODULE$.Warning();
    com.amazon.deequ.checks.Check base =
        new com.amazon.deequ.checks.Check(level, check.name(), Scala.list(List.of()));
    CheckKind kind = check.kind();
    if (kind instanceof CheckKind.Completeness k) {
      double min = k.minFraction();
      return base.hasCompleteness(k.column(), Scala.assertion(v -> v >= min), Scala.none(), Scala.none());
    } else if (kind instanceof CheckKind.RowLevel k) {
      double min = k.minFraction();
      return base.satisfies(SqlConditions.passes(k), check.name(), Scala.assertion(v -> v >= min), Scala.none(),
          Scala.list(columns(k)), Scala.none());
    } else if (kind instanceof CheckKind.Uniqueness k) {
      return base.hasUniqueness(Scala.list(k.columns()), Scala.assertion(v -> v == 1.0), Scala.none(),
          Scala.none());
    } else if (kind instanceof CheckKind.RowCount k) {
      return base.hasSize(Scala.assertion(n -> n >= k.min() && n <= k.max()), Scala.none());
    } else if (kind instanceof CheckKind.Referential k) {
      double min = k.minFraction();
      return base.satisfies(SqlConditions.ident(referenceMarker), check.name(), Scala.assertion(v -> v >= min),
          Scala.none(), Scala.list(List.of(referenceMarker)), Scala.none());
    }
    throw new IllegalArgumentException("not evaluated by a verification pass: " + check);
  }

  /** The name of the metric a check compares, as Deequ names it (see {@link CheckResult#metric()}). */
  static String metricName(Check check) {
    CheckKind kind = check.kind();
    if (kind instanceof CheckKind.Completeness k) {
      return "Completeness(" + k.column() + ")";
    } else if (kind instanceof CheckKind.Uniqueness k) {
      return "Uniqueness(" + String.join(",", k.columns()) + ")";
    } else if (kind instanceof CheckKind.RowCount) {
      return MetricId.size().toString();
    } else if (kind instanceof CheckKind.AnomalyDetection k) {
      return k.metric().toString();
    }
    return "Compliance(" + check.name() + ")";
  }

  /** What a check's metric is compared with. */
  static String bound(Check check) {
    CheckKind kind = check.kind();
    if (kind instanceof CheckKind.RowLevel k) {
      return ">= " + k.minFraction();
    } else if (kind instanceof CheckKind.Referential k) {
      return ">= " + k.minFraction();
    } else if (kind instanceof CheckKind.Uniqueness) {
      return "== 1.0";
    } else if (kind instanceof CheckKind.RowCount k) {
      return k.max() == Long.MAX_VALUE ? ">= " + k.min() : "[" + k.min() + ", " + k.max() + "]";
    } else if (kind instanceof CheckKind.RateOfChange k) {
      return "ratio to the value " + k.lag() + " points back in "
          + SqlConditions.interval(k.maxDecrease().isPresent() ? 1 - k.maxDecrease().getAsDouble()
              : Double.NEGATIVE_INFINITY, k.maxIncrease().isPresent() ? 1 + k.maxIncrease().getAsDouble()
              : Double.POSITIVE_INFINITY);
    } else if (kind instanceof CheckKind.OnlineNormal k) {
      return "within mean " + factor("-", k.lowerFactor()) + " / " + factor("+", k.upperFactor())
          + " stddev of the history";
    } else if (kind instanceof CheckKind.HoltWinters k) {
      return "Holt-Winters forecast (period " + k.seasonality().period() + ") +/- "
          + (k.minRelativeDeviation() > 0 ? "max(1.96 stddev of |residuals|, " + k.minRelativeDeviation()
              + " x forecast)" : "1.96 stddev of |residuals|");
    }
    throw new IllegalArgumentException("unknown kind: " + kind);
  }

  /** The columns of the checked data a kind reads by name; empty for a predicate, which Spark resolves. */
  static List<String> columns(CheckKind kind) {
    if (kind instanceof CheckKind.Completeness k) {
      return List.of(k.column());
    } else if (kind instanceof CheckKind.AllowedValues k) {
      return List.of(k.column());
    } else if (kind instanceof CheckKind.Range k) {
      return List.of(k.column());
    } else if (kind instanceof CheckKind.Pattern k) {
      return List.of(k.column());
    } else if (kind instanceof CheckKind.Uniqueness k) {
      return k.columns();
    } else if (kind instanceof CheckKind.Referential k) {
      return List.of(k.column());
    } else if (kind instanceof CheckKind.AnomalyDetection k) {
      return k.metric().type() == MetricId.Type.SIZE ? List.of() : List.of(k.metric().column());
    }
    return List.of();
  }

  private static String factor(String sign, OptionalDouble factor) {
    return factor.isPresent() ? sign + factor.getAsDouble() : sign + "inf";
  }

  /** The Deequ analyzer that computes a metric id; equal to the one a check of the same metric uses. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Analyzer<?, Metric<?>> analyzer(MetricId metric) {
    Option<String> noFilter = Scala.none();
    String column = metric.column();
    Analyzer analyzer = switch (metric.type()) {
      case SIZE -> new Size(noFilter);
      case COMPLETENESS -> new Completeness(column, noFilter, Scala.none());
      case SUM -> new Sum(column, noFilter);
      case MEAN -> new Mean(column, noFilter);
      case MINIMUM -> new Minimum(column, noFilter, Scala.none());
      case MAXIMUM -> new Maximum(column, noFilter, Scala.none());
      case APPROX_COUNT_DISTINCT -> new ApproxCountDistinct(column, noFilter);
    };
    return analyzer;
  }

  /** Deequ's strategy for an anomaly kind. */
  static AnomalyDetectionStrategy strategy(CheckKind.AnomalyDetection kind) {
    if (kind instanceof CheckKind.RateOfChange k) {
      // Deequ's bounds are on the ratio new / old, not on the change.
      Option<Object> lower = k.maxDecrease().isPresent() ? Scala.someDouble(1 - k.maxDecrease().getAsDouble())
          : Scala.none();
      Option<Object> upper = k.maxIncrease().isPresent() ? Scala.someDouble(1 + k.maxIncrease().getAsDouble())
          : Scala.none();
      return new RelativeRateOfChangeStrategy(lower, upper, k.lag());
    } else if (kind instanceof CheckKind.OnlineNormal k) {
      return new OnlineNormalStrategy(option(k.lowerFactor()), option(k.upperFactor()), 0.1, true);
    } else if (kind instanceof CheckKind.HoltWinters k) {
      HoltWinters.MetricInterval$ interval = HoltWinters.MetricInterval$.MODULE$;
      HoltWinters.SeriesSeasonality$ seasonality = HoltWinters.SeriesSeasonality$.MODULE$;
      return switch (k.seasonality()) {
        case HOURLY_DAILY -> new HoltWinters(
            interval.Hourly(), seasonality.Daily());
        case DAILY_WEEKLY -> new HoltWinters(
            interval.Daily(), seasonality.Weekly());
        case MONTHLY_YEARLY -> new HoltWinters(
            interval.Monthly(), seasonality.Yearly());
      };
    }
    throw new IllegalArgumentException("unknown anomaly kind: " + kind);
  }

  private static Option<Object> option(OptionalDouble value) {
    return value.isPresent() ? Scala.someDouble(value.getAsDouble()) : Scala.none();
  }
}
