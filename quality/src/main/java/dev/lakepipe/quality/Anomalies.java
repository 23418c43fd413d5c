package dev.lakepipe.quality;

import com.amazon.deequ.anomalydetection.Anomaly;
import com.amazon.deequ.anomalydetection.AnomalyDetector;
import com.amazon.deequ.anomalydetection.DataPoint;
import com.amazon.deequ.anomalydetection.DetectionResult;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.regex.Matcher;
import scala.Console$;
import scala.Tuple2;

/**
 * Anomaly detection of one run's metric values against their history, with Deequ's {@link AnomalyDetector} and
 * strategies. One instance per run: it remembers each detection, so that checks that differ only in the
 * Holt-Winters tolerance fit the model once.
 *
 * <p>Not through Deequ's {@code Check.isNewestPointNonAnomalous} (what {@code addAnomalyCheck} builds): that one
 * yields only a boolean (no forecast or bounds for the report), fails with "There have to be previous results in the
 * MetricsRepository!" on an empty history but silently passes a rate-of-change check whose history is shorter than
 * its lag, fails a Holt-Winters check with "Need at least two full cycles of data" instead of skipping it, and
 * reads every stored time (also later ones) as history.
 */
final class Anomalies {
  private static final java.util.regex.Pattern FORECAST =
      java.util.regex.Pattern.compile("Forecasted (\\S+) for observed value");
  /**
   * Stack of the thread that fits the models. Holt-Winters solves with LAPACK's dgesv through netlib, which uses the
   * machine's native BLAS when one is installed; OpenBLAS's parallel LU factorization needs more stack than the
   * 1 MB of a default Java thread and overflows it with a segmentation fault that kills the JVM (seen with Debian's
   * OpenBLAS 0.3.21 on two cores).
   */
  private static final long DETECTION_STACK_BYTES = 64L << 20;

  private final Map<CheckKind.AnomalyDetection, Optional<Anomaly>> detections = new HashMap<>();

  /**
   * The verdict on this run's value of a metric.
   *
   * @param value this run's value; the caller handles a metric that could not be computed
   * @param history the stored points of earlier logical times, oldest first
   * @param now the run's logical time in epoch milliseconds, later than every history point
   */
  CheckResult evaluate(Check check, double value, List<MetricPoint> history, long now) {
    CheckKind.AnomalyDetection kind = (CheckKind.AnomalyDetection) check.kind();
    String metric = kind.metric().toString();
    String bound = DeequChecks.bound(check);
    OptionalDouble current = OptionalDouble.of(value);
    String against = " against " + history.size() + " earlier points";
    if (history.size() < kind.requiredHistory()) {
      return new CheckResult(check, CheckResult.Status.SKIPPED, metric, current, bound,
          "skipped: needs " + kind.requiredHistory() + " earlier points of " + metric + ", found " + history.size());
    }
    Optional<Anomaly> anomaly;
    try {
      anomaly = detections.computeIfAbsent(withoutTolerance(kind), k -> detect(k, value, history, now));
    } catch (IllegalArgumentException | AssertionError e) {
      // Deequ's require(...) and breeze's LBFGS-B assertions (deequ issue 345): the model, not the data, failed.
      return new CheckResult(check, CheckResult.Status.SKIPPED, metric, current, bound,
          "skipped: anomaly detection could not decide" + against + ": " + e.getMessage());
    }
    if (anomaly.isEmpty()) {
      return new CheckResult(check, CheckResult.Status.PASSED, metric, current, bound,
          metric + " = " + value + ": no anomaly" + against);
    }
    String detail = anomaly.get().detail().isDefined() ? anomaly.get().detail().get() : "no detail";
    if (kind instanceof CheckKind.HoltWinters hw && hw.minRelativeDeviation() > 0) {
      Matcher forecast = FORECAST.matcher(detail);
      if (forecast.find()) {
        double expected = Double.parseDouble(forecast.group(1));
        double deviation = Math.abs(value - expected) / Math.abs(expected);
        if (deviation <= hw.minRelativeDeviation()) {
          return new CheckResult(check, CheckResult.Status.PASSED, metric, current, bound,
              metric + " = " + value + ": no anomaly" + against + " (" + detail + ": off by " + deviation
                  + ", within " + hw.minRelativeDeviation() + ")");
        }
      }
    }
    return new CheckResult(check, CheckResult.Status.FAILED, metric, current, bound,
        metric + " = " + value + ": anomaly" + against + ": " + detail);
  }

  private static CheckKind.AnomalyDetection withoutTolerance(CheckKind.AnomalyDetection kind) {
    return kind instanceof CheckKind.HoltWinters hw
        ? new CheckKind.HoltWinters(hw.metric(), hw.seasonality(), 0.0)
        : kind;
  }

  private static Optional<Anomaly> detect(CheckKind.AnomalyDetection kind, double value, List<MetricPoint> history,
      long now) {
    List<DataPoint<Object>> points = new ArrayList<>(history.size());
    for (MetricPoint point : history) {
      points.add(new DataPoint<>(point.time().toEpochMilli(), Scala.some(point.value())));
    }
    AnomalyDetector detector = new AnomalyDetector(DeequChecks.strategy(kind));
    DataPoint<Object> newPoint = new DataPoint<>(now, Scala.some(value));
    // Deequ's Holt-Winters prints its fitted parameters with println; keep them off stdout.
    DetectionResult result = onLargeStack(() -> Console$.MODULE$.withOut(OutputStream.nullOutputStream(),
        () -> detector.isNewPointAnomalous(Scala.list(points), newPoint)));
    List<Tuple2<Object, Anomaly>> anomalies = Scala.javaList(result.anomalies());
    return anomalies.isEmpty() ? Optional.empty() : Optional.of(anomalies.get(anomalies.size() - 1)._2());
  }

  /**
   * Runs the detection on a thread of its own with {@link #DETECTION_STACK_BYTES} of stack and waits for it.
   *
   * @throws RuntimeException or {@link Error} as the detection threw it
   * @throws IllegalStateException when the calling thread is interrupted while it waits
   */
  private static DetectionResult onLargeStack(Callable<DetectionResult> detection) {
    FutureTask<DetectionResult> task = new FutureTask<>(detection);
    Thread thread = new Thread(null, task, "lakepipe-anomaly-detection", DETECTION_STACK_BYTES);
    thread.setDaemon(true);
    thread.start();
    try {
      return task.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      thread.interrupt();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while detecting anomalies", e);
    }
  }
}
