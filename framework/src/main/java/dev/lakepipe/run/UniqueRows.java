package dev.lakepipe.run;

import dev.lakepipe.plan.Plan;
import dev.lakepipe.spec.SourceSpec;
import dev.lakepipe.spec.StepSpec;
import dev.lakepipe.spec.TargetSpec;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionSet;
import scala.collection.Iterator;

/**
 * Whether a target's rows hold each of its keys at most once, so that a full run may write them without keeping
 * the latest row per key (a shuffle and sort of every row). The proof is Spark's own (the distinct keys its
 * optimizer derives: a GROUP BY, a DISTINCT, a projection or filter of unique rows, a join to rows unique by the
 * join keys), made over the sources as their declared {@code keys} say they are: each keyed source is seen as one
 * row per key. Nothing is executed; the SQL steps are analyzed again in a session of their own.
 */
final class UniqueRows {
  private UniqueRows() {}

  /**
   * True when the rows of the target's {@code from} are unique by a subset of the target's keys. False when that
   * cannot be shown, among others when a step on the way is not SQL, or its SQL needs what only the run's session
   * holds (its functions).
   */
  static boolean byTargetKeys(Plan plan, Views views, TargetSpec target) {
    Set<String> upstream = plan.upstream(target.from());
    List<SourceSpec> sources = plan.reads().stream().filter(s -> upstream.contains(s.name())).toList();
    Dataset<Row> rows = views.get(target.from());
    if (sources.stream().allMatch(s -> s.keys().isEmpty())) {
      return uniqueBy(rows, target.keys());
    }
    List<StepSpec> steps = plan.steps().stream().filter(s -> upstream.contains(s.name())).toList();
    if (steps.stream().anyMatch(s -> s.sql().isEmpty())) {
      return false;
    }
    SparkSession probe = rows.sparkSession().newSession();
    try {
      for (SourceSpec source : sources) {
        Dataset<Row> read = views.get(source.name());
        Dataset<Row> declared = source.keys().isEmpty() ? read
            : read.dropDuplicates(source.keys().toArray(String[]::new));
        Dataset.ofRows(probe, declared.logicalPlan()).createOrReplaceTempView(source.name());
      }
      for (StepSpec step : steps) {
        probe.sql(step.sql().orElseThrow()).createOrReplaceTempView(step.name());
      }
      return uniqueBy(probe.table(target.from()), target.keys());
    } catch (Exception e) { // Spark's analysis errors are checked exceptions its Scala API does not declare
      if (e instanceof AnalysisException) {
        return false;
      }
      throw e;
    }
  }

  /** Whether the optimizer knows a set of the rows' columns, all among the keys, to be distinct. */
  private static boolean uniqueBy(Dataset<Row> rows, List<String> keys) {
    Iterator<ExpressionSet> distinct = rows.queryExecution().optimizedPlan().distinctKeys().iterator();
    while (distinct.hasNext()) {
      if (allAmong(distinct.next().iterator(), keys)) {
        return true;
      }
    }
    return false;
  }

  private static boolean allAmong(Iterator<Expression> columns, List<String> keys) {
    boolean any = false;
    while (columns.hasNext()) {
      Expression column = columns.next();
      if (!(column instanceof Attribute attribute) || keys.stream().noneMatch(attribute.name()::equalsIgnoreCase)) {
        return false;
      }
      any = true;
    }
    return any;
  }
}
