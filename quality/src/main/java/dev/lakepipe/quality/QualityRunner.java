package dev.lakepipe.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import com.amazon.deequ.VerificationResult;
import com.amazon.deequ.VerificationRunBuilder;
import com.amazon.deequ.VerificationSuite;
import com.amazon.deequ.analyzers.Analyzer;
import com.amazon.deequ.analyzers.runners.EmptyStateException;
import com.amazon.deequ.constraints.ConstraintResult;
import com.amazon.deequ.constraints.ConstraintStatus$;
import com.amazon.deequ.metrics.Metric;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.BooleanType$;
import scala.Option;
import scala.util.Try;

/**
 * Runs all checks of one target on the data of one run, in one Deequ {@code VerificationSuite} pass, stores the
 * pass's metrics in the target's {@link MetricsHistory} under the run's logical time, and judges the anomaly checks
 * against the points stored for earlier logical times.
 *
 * <p>One pass: Deequ computes all scan-shareable metrics (completeness, every row-level condition, size, sums, ...)
 * in a single aggregation over the data; uniqueness adds one grouping over the same data per set of key columns.
 * A referential check does not add a query: the distinct values of the reference column are left-joined into the
 * checked data and measured by the same aggregation. Anomaly detection reads only the history file.
 *
 * <p>A check that cannot run (an unknown column, a predicate that does not parse or is not boolean, a reference
 * table that cannot be read) is reported {@link CheckResult.Status#FAILED} with the reason and kept out of the
 * pass, so that it cannot fail the metrics of the other checks (Deequ computes the shared aggregation's metrics
 * together, and one broken expression fails all of them). A check whose metric has no value because there were no
 * rows (or only nulls) to measure is {@link CheckResult.Status#SKIPPED}.
 *
 * <p>Instances are immutable and can be shared; runs of the same target must not overlap (see
 * {@link MetricsHistory}).
 */
public final class QualityRunner {
  private static final String REFERENCE_MARKER = "_lakepipe_ref_";

  private final FileMetricsHistory history;
  private final Function<String, Dataset<Row>> references;

  private QualityRunner(FileMetricsHistory history, Function<String, Dataset<Row>> references) {
    this.history = history;
    this.references = references;
  }

  /** A runner that keeps metrics in {@code history} and reads the tables of referential checks with {@code spark.table}. */
  public static QualityRunner create(SparkSession spark, MetricsHistory history) {
    Objects.requireNonNull(spark, "spark");
    return new QualityRunner((FileMetricsHistory) Objects.requireNonNull(history, "history"), spark::table);
  }

  /** The same runner, reading the tables of referential checks through {@code resolver}. */
  public QualityRunner withReferences(Function<String, Dataset<Row>> resolver) {
    return new QualityRunner(history, Objects.requireNonNull(resolver, "resolver"));
  }

  public MetricsHistory history() {
    return history;
  }

  /**
   * Checks the data of one run and stores its metrics for {@code logicalTime}, replacing the same metrics of an
   * earlier run for the same logical time. Anomaly checks see only points of earlier logical times, so a rerun or an
   * out-of-order backfill judges each hour against the hours before it.
   *
   * @param data the rows the run is about to publish
   * @param checks the target's checks; names must be unique
   * @param logicalTime the run's logical time
   * @return one result per check, in the order of {@code checks}
   * @throws IllegalArgumentException if two checks share a name, or the data has a column starting with
   *     {@code _lakepipe_ref_}
   * @throws java.io.UncheckedIOException if the metrics history cannot be read or written
   */
  public QualityReport verify(Dataset<Row> data, List<Check> checks, Instant logicalTime) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(logicalTime, "logicalTime");
    requireUniqueNames(checks);
    for (String column : data.columns()) {
      if (column.startsWith(REFERENCE_MARKER)) {
        throw new IllegalArgumentException("column " + column + " clashes with lakepipe's reference markers");
      }
    }

    Map<String, CheckResult> results = new LinkedHashMap<>();
    Map<String, com.amazon.deequ.checks.Check> deequChecks = new LinkedHashMap<>();
    Map<String, Analyzer<?, Metric<?>>> anomalyAnalyzers = new LinkedHashMap<>();
    Dataset<Row> checked = data;
    for (int i = 0; i < checks.size(); i++) {
      Check check = checks.get(i);
      try {
        if (check.kind() instanceof CheckKind.Referential k) {
          String marker = REFERENCE_MARKER + i;
          checked = joinReference(checked, k, marker);
          deequChecks.put(check.name(), DeequChecks.of(check, marker));
        } else if (check.kind() instanceof CheckKind.AnomalyDetection k) {
          resolve(checked, DeequChecks.columns(k));
          anomalyAnalyzers.put(check.name(), DeequChecks.analyzer(k.metric()));
        } else {
          resolve(checked, DeequChecks.columns(check.kind()));
          if (check.kind() instanceof CheckKind.RowLevel k) {
            Dataset<Row> condition = checked.select(expr(SqlConditions.passes(k)));
            if (!(condition.schema().fields()[0].dataType() instanceof BooleanType$)) {
              throw new IllegalArgumentException("the condition is not boolean but "
                  + condition.schema().fields()[0].dataType().simpleString());
            }
          }
          deequChecks.put(check.name(), DeequChecks.of(check, null));
        }
      } catch (Exception e) {
        // Spark's AnalysisException (an unknown column, a bad predicate) is a checked exception thrown undeclared.
        results.put(check.name(), new CheckResult(check, CheckResult.Status.FAILED, DeequChecks.metricName(check),
            OptionalDouble.empty(), DeequChecks.bound(check), "check cannot run: " + firstLine(e)));
      }
    }

    Map<String, Double> metrics = new TreeMap<>();
    VerificationResult verification = null;
    if (!deequChecks.isEmpty() || !anomalyAnalyzers.isEmpty()) {
      VerificationRunBuilder builder = new VerificationSuite().onData(checked);
      if (!deequChecks.isEmpty()) {
        builder = builder.addChecks(Scala.list(new ArrayList<>(deequChecks.values())));
      }
      if (!anomalyAnalyzers.isEmpty()) {
        builder = builder.addRequiredAnalyzers(Scala.list(new ArrayList<>(anomalyAnalyzers.values())));
      }
      // useRepository returns the subclass whose methods take the repository; call it last (Java sees the base
      // class's return types on the others).
      verification = builder.useRepository(history.repository()).saveOrAppendResult(history.key(logicalTime)).run();
      for (Metric<?> metric : Scala.javaList(verification.metrics().values().toList())) {
        OptionalDouble value = valueOf(metric.value());
        if (value.isPresent()) {
          metrics.put(FileMetricsHistory.name(metric), value.getAsDouble());
        }
      }
    }

    List<CheckResult> ordered = new ArrayList<>(checks.size());
    Anomalies anomalies = new Anomalies();
    Map<String, List<MetricPoint>> histories = new LinkedHashMap<>();
    for (Check check : checks) {
      CheckResult result = results.get(check.name());
      if (result == null && deequChecks.containsKey(check.name())) {
        result = fromConstraint(check, verification.checkResults().get(deequChecks.get(check.name())).get()
            .constraintResults().head());
      } else if (result == null) {
        result = anomaly(check, verification.metrics().get(anomalyAnalyzers.get(check.name())), logicalTime,
            anomalies, histories);
      }
      ordered.add(result);
    }
    return new QualityReport(history.pipeline(), history.target(), logicalTime, ordered, metrics);
  }

  private static void requireUniqueNames(List<Check> checks) {
    Set<String> names = new HashSet<>();
    for (Check check : checks) {
      if (!names.add(check.name())) {
        throw new IllegalArgumentException("two checks are named " + check.name());
      }
    }
  }

  /** Fails (with Spark's AnalysisException) unless every column resolves in the data. */
  private static void resolve(Dataset<Row> data, List<String> columns) {
    for (String column : columns) {
      data.select(col(SqlConditions.ident(column)));
    }
  }

  /**
   * Adds a boolean column {@code marker}: the row's value is null or occurs in the reference column. The reference
   * values are made distinct first, so the join keeps the number of rows.
   */
  private Dataset<Row> joinReference(Dataset<Row> data, CheckKind.Referential check, String marker) {
    Dataset<Row> reference = references.apply(check.referenceTable());
    String key = marker + "_key";
    Dataset<Row> keys = reference.select(col(SqlConditions.ident(check.referenceColumn())).as(key))
        .where(col(key).isNotNull())
        .distinct();
    Column value = data.col(SqlConditions.ident(check.column()));
    return data.join(keys, value.equalTo(keys.col(key)), "left_outer")
        .withColumn(marker, value.isNull().or(keys.col(key).isNotNull()))
        .drop(key);
  }

  private static CheckResult fromConstraint(Check check, ConstraintResult constraint) {
    String metric = DeequChecks.metricName(check);
    String bound = DeequChecks.bound(check);
    Option<Metric<?>> computed = constraint.metric();
    OptionalDouble value = computed.isDefined() ? valueOf(computed.get().value()) : OptionalDouble.empty();
    if (value.isEmpty() && computed.isDefined() && isEmptyState(computed.get().value())) {
      return new CheckResult(check, CheckResult.Status.SKIPPED, metric, value, bound,
          "skipped: " + metric + " has no value, there were no rows to measure");
    }
    if (constraint.status().equals(ConstraintStatus$.MODULE$.Success()) && value.isPresent()) {
      return new CheckResult(check, CheckResult.Status.PASSED, metric, value, bound,
          metric + " = " + value.getAsDouble() + ", expected " + bound);
    }
    String message = value.isPresent()
        ? metric + " = " + value.getAsDouble() + ", expected " + bound
        : metric + " could not be computed: " + (computed.isDefined() ? failure(computed.get().value())
            : constraint.message().getOrElse(() -> "no metric"));
    return new CheckResult(check, CheckResult.Status.FAILED, metric, value, bound, message);
  }

  private CheckResult anomaly(Check check, Option<Metric<?>> computed, Instant logicalTime, Anomalies anomalies,
      Map<String, List<MetricPoint>> histories) {
    CheckKind.AnomalyDetection kind = (CheckKind.AnomalyDetection) check.kind();
    String metric = kind.metric().toString();
    OptionalDouble value = computed.isDefined() ? valueOf(computed.get().value()) : OptionalDouble.empty();
    if (value.isEmpty()) {
      boolean empty = computed.isDefined() && isEmptyState(computed.get().value());
      return new CheckResult(check, empty ? CheckResult.Status.SKIPPED : CheckResult.Status.FAILED, metric, value,
          DeequChecks.bound(check), empty ? "skipped: " + metric + " has no value, there were no values to measure"
              : metric + " could not be computed: " + (computed.isDefined() ? failure(computed.get().value())
                  : "no metric"));
    }
    List<MetricPoint> points = histories.computeIfAbsent(metric, m -> history.pointsBefore(m, logicalTime));
    return anomalies.evaluate(check, value.getAsDouble(), points, logicalTime.toEpochMilli());
  }

  private static OptionalDouble valueOf(Try<?> value) {
    return value.isSuccess() && value.get() instanceof Number n ? OptionalDouble.of(n.doubleValue())
        : OptionalDouble.empty();
  }

  private static boolean isEmptyState(Try<?> value) {
    if (value.isSuccess()) {
      return false;
    }
    for (Throwable t = value.failed().get(); t != null; t = t.getCause()) {
      if (t instanceof EmptyStateException) {
        return true;
      }
    }
    return false;
  }

  private static String failure(Try<?> value) {
    return value.isFailure() ? firstLine(value.failed().get()) : "no value";
  }

  private static String firstLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
