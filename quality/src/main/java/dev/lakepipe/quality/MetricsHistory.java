package dev.lakepipe.quality;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * The stored metrics of one target of one pipeline: every run of {@link QualityRunner} adds the metrics of its
 * logical time, and anomaly checks read the points before it. A rerun for the same logical time replaces the metrics
 * it computes again and keeps the others of that time (Deequ's {@code saveOrAppendResult}); metrics that could not
 * be computed are not stored.
 * Kept in a Deequ {@code FileSystemMetricsRepository}, one JSON file on any Hadoop file system, keyed by the run's
 * logical time in epoch milliseconds and tagged {@code pipeline} and {@code target}.
 *
 * <p>The file is read and rewritten whole on every run; two runs of the same target at once can lose one's
 * points, so runs of one target must not overlap (the pipeline lock sees to it).
 */
public sealed interface MetricsHistory permits FileMetricsHistory {

  /**
   * The history of a target under a warehouse: {@code <warehouse>/_lakepipe/quality/<pipeline>/<target>/metrics.json}.
   * Nothing is read or written until it is used.
   *
   * @throws IllegalArgumentException if the pipeline or target is blank or could leave its folder ({@code /},
   *     {@code \}, {@code .} or {@code ..})
   */
  static MetricsHistory forTarget(SparkSession spark, String warehouse, String pipeline, String target) {
    String root = warehouse.endsWith("/") ? warehouse.substring(0, warehouse.length() - 1) : warehouse;
    return new FileMetricsHistory(spark,
        root + "/_lakepipe/quality/" + FileMetricsHistory.segment(pipeline, "pipeline") + "/"
            + FileMetricsHistory.segment(target, "target") + "/metrics.json",
        pipeline, target);
  }

  String pipeline();

  String target();

  /** The path of the JSON file, as given to Hadoop. */
  String location();

  /** The names of the metrics stored at least once ({@code Size(*)}, {@code Completeness(customer_id)}, ...). */
  Set<String> metrics();

  /**
   * Every stored value of a metric, oldest first. Empty when the file or the metric does not exist yet.
   *
   * @param metric a name as in {@link CheckResult#metric()} or {@link MetricId#toString()}
   * @throws java.io.UncheckedIOException if the file cannot be read
   */
  List<MetricPoint> points(String metric);

  /** The stored values of a metric with logical times before {@code time}, oldest first. */
  List<MetricPoint> pointsBefore(String metric, Instant time);

  default List<MetricPoint> points(MetricId metric) {
    return points(metric.toString());
  }
}
