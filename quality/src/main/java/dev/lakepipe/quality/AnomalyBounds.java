package dev.lakepipe.quality;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values an anomaly check accepts in a run, for charts: rate of change from the point {@code lag} back,
 * online normal from the history's mean and standard deviation (Deequ also leaves earlier anomalies out, so its
 * bounds can be narrower), Holt-Winters from the forecast when Deequ reported one and a minimum relative deviation
 * is set. NaN where a side is open or cannot be told.
 */
final class AnomalyBounds {
  private static final Pattern FORECAST = Pattern.compile("Forecasted (\\S+) for observed value");

  private AnomalyBounds() {}

  /** {@code [lower, upper]}. */
  static double[] of(CheckResult result, List<MetricPoint> history) {
    double[] open = {Double.NaN, Double.NaN};
    if (result.check().kind() instanceof CheckKind.RateOfChange k) {
      if (history.size() < k.lag()) {
        return open;
      }
      double reference = history.get(history.size() - k.lag()).value();
      return new double[] {k.maxDecrease().isPresent() ? reference * (1 - k.maxDecrease().getAsDouble()) : Double.NaN,
          k.maxIncrease().isPresent() ? reference * (1 + k.maxIncrease().getAsDouble()) : Double.NaN};
    }
    if (result.check().kind() instanceof CheckKind.OnlineNormal k) {
      if (history.size() < 2) {
        return open;
      }
      double mean = history.stream().mapToDouble(MetricPoint::value).average().orElseThrow();
      double variance = history.stream().mapToDouble(p -> (p.value() - mean) * (p.value() - mean)).sum()
          / (history.size() - 1);
      double deviation = Math.sqrt(variance);
      return new double[] {k.lowerFactor().isPresent() ? mean - k.lowerFactor().getAsDouble() * deviation : Double.NaN,
          k.upperFactor().isPresent() ? mean + k.upperFactor().getAsDouble() * deviation : Double.NaN};
    }
    if (result.check().kind() instanceof CheckKind.HoltWinters k && k.minRelativeDeviation() > 0) {
      Matcher forecast = FORECAST.matcher(result.message());
      if (forecast.find()) {
        double expected = Double.parseDouble(forecast.group(1));
        return new double[] {expected * (1 - k.minRelativeDeviation()), expected * (1 + k.minRelativeDeviation())};
      }
    }
    return open;
  }
}
