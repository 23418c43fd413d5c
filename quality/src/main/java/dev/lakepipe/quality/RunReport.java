package dev.lakepipe.quality;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lakepipe.audit.AuditRequest;
import dev.lakepipe.spec.CheckSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The quality report of one target in one run, as JSON under
 * {@code <warehouse>/_lakepipe/quality/<pipeline>/reports/<run id>.<target>.json}. Self-contained: an anomaly
 * check carries the history of its metric and its bounds, so that {@code lakepipe quality report} draws its chart
 * from the report alone.
 *
 * @param outcome {@code pass}, {@code warn} or {@code fail} (nothing published)
 * @param rowsIn the rows audited: {@code rowsWritten + rowsQuarantined}
 * @param metrics every metric computed, by scope ({@code rows}, {@code table}) and name
 */
public record RunReport(String pipeline, String target, String runId, String logicalTime, String outcome,
    long rowsIn, long rowsWritten, long rowsQuarantined, List<Entry> checks, Map<String, Map<String, Double>> metrics) {
  /** How many earlier points of a metric a report carries for its chart. */
  static final int CHART_POINTS = 240;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * One check's outcome.
   *
   * @param value the metric's value in this run; null when it could not be computed
   * @param history for an anomaly check, the metric's earlier points, oldest first; empty otherwise
   * @param lower the lowest value the anomaly check accepts, when it can be told; null otherwise
   * @param upper the highest, likewise
   */
  public record Entry(String name, String kind, String level, String scope, String status, String metric,
      Double value, String bound, String message, List<Point> history, Double lower, Double upper) {}

  /** A metric's value at a logical time. */
  public record Point(String time, double value) {}

  static RunReport of(AuditRequest request, String outcome, long written, long quarantined,
      List<CheckResult> results, Map<CheckSpec.Scope, QualityReport> reports) {
    List<Entry> entries = new ArrayList<>();
    for (CheckResult result : results) {
      CheckSpec spec = request.target().checks().stream().filter(c -> c.name().equals(result.name())).findFirst()
          .orElseThrow();
      List<MetricPoint> history = result.check().kind() instanceof CheckKind.AnomalyDetection
          ? DeequAuditor.history(request, spec.scope()).pointsBefore(result.metric(), request.logicalTime())
          : List.of();
      history = history.subList(Math.max(0, history.size() - CHART_POINTS), history.size());
      double[] bounds = AnomalyBounds.of(result, history);
      entries.add(new Entry(result.name(), spec.type().specName(), spec.level().name().toLowerCase(),
          spec.onFail() == CheckSpec.OnFail.QUARANTINE ? "quarantine" : spec.scope().name().toLowerCase(),
          result.status().name().toLowerCase(), result.metric(),
          result.value().isPresent() ? result.value().getAsDouble() : null, result.bound(), result.message(),
          history.stream().map(p -> new Point(p.time().toString(), p.value())).toList(),
          Double.isNaN(bounds[0]) ? null : bounds[0], Double.isNaN(bounds[1]) ? null : bounds[1]));
    }
    Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
    reports.forEach((scope, report) -> metrics.put(scope.name().toLowerCase(), report.metrics()));
    return new RunReport(request.pipeline(), request.target().name(), request.runId(),
        request.logicalTime().toString(), outcome, written + quarantined, written, quarantined, entries, metrics);
  }

  /** The folder of a pipeline's reports. */
  public static String folder(String warehouse, String pipeline) {
    return warehouse.replaceFirst("/+$", "") + "/_lakepipe/quality/" + FileMetricsHistory.segment(pipeline,
        "pipeline") + "/reports";
  }

  /**
   * Writes the report and returns its location.
   *
   * @throws UncheckedIOException when it cannot be written
   */
  String write(SparkSession spark, String warehouse) {
    Path path = new Path(folder(warehouse, pipeline), runId + "." + target + ".json");
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (OutputStream out = fs.create(path, true)) {
        JSON.writeValue(out, this);
      }
      return path.toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the quality report " + path, e);
    }
  }

  /**
   * The reports of a pipeline's latest runs, oldest first.
   *
   * @param runs how many runs (each with a report per checked target)
   * @throws UncheckedIOException when the folder or a report cannot be read
   */
  public static List<RunReport> latest(SparkSession spark, String warehouse, String pipeline, int runs) {
    Path folder = new Path(folder(warehouse, pipeline));
    try {
      FileSystem fs = folder.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(folder)) {
        return List.of();
      }
      List<RunReport> reports = new ArrayList<>();
      for (FileStatus file : fs.listStatus(folder, p -> p.getName().endsWith(".json"))) {
        try (InputStream in = fs.open(file.getPath())) {
          reports.add(JSON.readValue(in, RunReport.class));
        }
      }
      // Run ids start with the time the run started.
      List<String> latestRuns = reports.stream().map(RunReport::runId).distinct().sorted(Comparator.reverseOrder())
          .limit(runs).toList();
      return reports.stream().filter(r -> latestRuns.contains(r.runId()))
          .sorted(Comparator.comparing(RunReport::runId).thenComparing(RunReport::target)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the quality reports under " + folder, e);
    }
  }

  /** The reports as one JSON array. */
  public static String toJson(List<RunReport> reports) {
    try {
      return JSON.writeValueAsString(reports);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
