package dev.lakepipe.quality;

import com.amazon.deequ.analyzers.Analyzer;
import com.amazon.deequ.analyzers.runners.AnalyzerContext;
import com.amazon.deequ.metrics.DoubleMetric;
import com.amazon.deequ.metrics.Entity$;
import com.amazon.deequ.metrics.Metric;
import com.amazon.deequ.repository.AnalysisResult;
import com.amazon.deequ.repository.ResultKey;
import com.amazon.deequ.repository.fs.FileSystemMetricsRepository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;
import scala.util.Success;

/** {@link MetricsHistory} over Deequ's {@code FileSystemMetricsRepository}. */
final class FileMetricsHistory implements MetricsHistory {
  static final String PIPELINE_TAG = "pipeline";
  static final String TARGET_TAG = "target";

  private final String location;
  private final String pipeline;
  private final String target;
  private final FileSystemMetricsRepository repository;

  FileMetricsHistory(SparkSession spark, String location, String pipeline, String target) {
    this.location = Objects.requireNonNull(location, "location");
    this.pipeline = segment(pipeline, "pipeline");
    this.target = segment(target, "target");
    this.repository = new FileSystemMetricsRepository(spark, location);
  }

  static String segment(String name, String what) {
    Objects.requireNonNull(name, what);
    if (name.isBlank() || name.equals(".") || name.equals("..") || name.contains("/") || name.contains("\\")) {
      throw new IllegalArgumentException(what + " name cannot be a folder name: '" + name + "'");
    }
    return name;
  }

  @Override
  public String pipeline() {
    return pipeline;
  }

  @Override
  public String target() {
    return target;
  }

  @Override
  public String location() {
    return location;
  }

  FileSystemMetricsRepository repository() {
    return repository;
  }

  /** The key of a run's metrics: its logical time and this target's tags. */
  ResultKey key(Instant logicalTime) {
    return new ResultKey(logicalTime.toEpochMilli(), tags());
  }

  private scala.collection.immutable.Map<String, String> tags() {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(PIPELINE_TAG, pipeline);
    tags.put(TARGET_TAG, target);
    return Scala.map(tags);
  }

  @Override
  public Set<String> metrics() {
    Set<String> names = new TreeSet<>();
    for (AnalysisResult result : load()) {
      for (Metric<?> metric : Scala.javaList(result.analyzerContext().allMetrics())) {
        names.add(name(metric));
      }
    }
    return names;
  }

  @Override
  public List<MetricPoint> points(String metric) {
    return pointsBefore(metric, Instant.ofEpochMilli(Long.MAX_VALUE));
  }

  @Override
  public List<MetricPoint> pointsBefore(String metric, Instant time) {
    long before = time.toEpochMilli();
    List<MetricPoint> points = new ArrayList<>();
    for (AnalysisResult result : load()) {
      long at = result.resultKey().dataSetDate();
      if (at >= before) {
        continue;
      }
      for (Metric<?> stored : Scala.javaList(result.analyzerContext().allMetrics())) {
        if (name(stored).equals(metric) && stored.value().isSuccess() && stored.value().get() instanceof Number n) {
          points.add(new MetricPoint(Instant.ofEpochMilli(at), n.doubleValue()));
        }
      }
    }
    points.sort(Comparator.comparing(MetricPoint::time));
    return points;
  }

  /**
   * Stores values for one logical time as a run would, replacing what was stored for that time. For tests and
   * imports; runs store their metrics through Deequ's {@code VerificationSuite}.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  void record(Instant logicalTime, Map<MetricId, Double> values) {
    scala.collection.immutable.Map<Analyzer<?, Metric<?>>, Metric<?>> metrics =
        scala.collection.immutable.Map$.MODULE$.empty();
    for (Map.Entry<MetricId, Double> entry : values.entrySet()) {
      MetricId id = entry.getKey();
      DoubleMetric metric = new DoubleMetric(
          id.type() == MetricId.Type.SIZE ? Entity$.MODULE$.Dataset() : Entity$.MODULE$.Column(),
          id.type().deequName(), id.column(), new Success<>(entry.getValue()), Scala.none());
      metrics = metrics.$plus(new Tuple2(DeequChecks.analyzer(id), metric));
    }
    AnalyzerContext context = new AnalyzerContext(metrics);
    io(() -> {
      repository.save(key(logicalTime), context);
      return null;
    });
  }

  private List<AnalysisResult> load() {
    return io(() -> Scala.javaList(repository.load().withTagValues(tags()).get()));
  }

  /** Deequ's name and instance of a metric, as {@link MetricId#toString()} writes them. */
  static String name(Metric<?> metric) {
    return metric.name() + "(" + metric.instance() + ")";
  }

  /** Runs a repository call; Scala throws Hadoop's IOExceptions undeclared. */
  private static <T> T io(Supplier<T> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      if (e instanceof IOException io) {
        throw new UncheckedIOException("metrics history: " + io.getMessage(), io);
      }
      throw new IllegalStateException(e);
    }
  }
}
