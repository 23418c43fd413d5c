package dev.lakepipe.quality;

import dev.lakepipe.spec.CheckSpec;
import java.util.List;
import java.util.OptionalDouble;

/** Turns the validated checks of a spec into {@link Check}s. */
public final class SpecChecks {
  private SpecChecks() {}

  /**
   * @throws IllegalArgumentException when the spec's values do not make a check (the spec validator rejects these
   *     before a run)
   */
  public static Check of(CheckSpec spec) {
    Check.Builder builder = new Check.Builder(spec.name(),
        spec.level() == CheckSpec.Level.ERROR ? Check.Level.ERROR : Check.Level.WARN);
    double fraction = spec.number("min-fraction").orElse(1.0);
    String column = spec.text("column").orElse("");
    return switch (spec.type()) {
      case COMPLETENESS -> builder.completeness(column, fraction);
      case UNIQUENESS -> builder.uniqueness(spec.list("columns").toArray(String[]::new));
      case ALLOWED_VALUES -> builder.allowedValues(column, spec.list("values"), fraction);
      case RANGE -> builder.range(column, spec.number("min").orElse(Double.NEGATIVE_INFINITY),
          spec.number("max").orElse(Double.POSITIVE_INFINITY), fraction);
      case NON_NEGATIVE -> builder.range(column, 0, Double.POSITIVE_INFINITY, fraction);
      case PATTERN -> builder.pattern(column, spec.text("regex").orElseThrow(), fraction);
      case PREDICATE -> builder.predicate(spec.text("sql").orElseThrow(), fraction);
      case ROW_COUNT -> builder.rowCount((long) spec.number("min").orElse(0),
          spec.number("max").isPresent() ? (long) spec.number("max").getAsDouble() : Long.MAX_VALUE);
      case REFERENTIAL -> builder.referential(column, spec.text("reference").orElseThrow(),
          spec.text("reference-column").orElseThrow(), fraction);
      case RATE_OF_CHANGE -> builder.rateOfChange(metric(spec), spec.number("max-decrease"),
          spec.number("max-increase"), (int) spec.number("lag").orElse(1));
      case ONLINE_NORMAL -> {
        OptionalDouble k = spec.number("k");
        yield builder.onlineNormal(metric(spec), k.isPresent() ? k : spec.number("lower-k"),
            k.isPresent() ? k : spec.number("upper-k"), (int) spec.number("min-history").orElse(10));
      }
      case HOLT_WINTERS -> builder.holtWinters(metric(spec),
          CheckKind.Seasonality.valueOf(spec.text("seasonality").orElse("hourly-daily").toUpperCase().replace('-', '_')),
          spec.number("min-relative-deviation").orElse(0));
    };
  }

  public static List<Check> of(List<CheckSpec> specs) {
    return specs.stream().map(SpecChecks::of).toList();
  }

  /** The metric an anomaly check follows: {@code size}, or a column metric such as {@code sum(amount)}. */
  static MetricId metric(CheckSpec spec) {
    CheckSpec.Metric metric = spec.metric().orElseThrow(() -> new IllegalArgumentException(
        "check " + spec.name() + " names no valid metric"));
    return metric.column().map(c -> new MetricId(
            MetricId.Type.valueOf(metric.function().toUpperCase().replace('-', '_')), c))
        .orElseGet(MetricId::size);
  }
}
