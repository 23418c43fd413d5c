package dev.lakepipe.run.algebraic;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Coalesce;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.Complete$;
import org.apache.spark.sql.catalyst.expressions.aggregate.Count;
import org.apache.spark.sql.catalyst.expressions.aggregate.Sum;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.IntegralType;
import scala.collection.JavaConverters;

/**
 * An aggregate step whose every group can be maintained from changes alone: its analysed plan is one {@code GROUP
 * BY} over rows that it aggregates one at a time, and each column it returns is either a grouping column (the
 * target's keys) or an additive measure that is never null, so that a group's new value is {@code old +
 * agg(post-images) − agg(pre-images)}:
 * <ul>
 *   <li>{@code COUNT(...)}, with or without {@code FILTER (WHERE ...)};
 *   <li>{@code COALESCE(SUM(x), 0)} of an exact type (integral or DECIMAL), with or without a filter;
 *   <li>{@code SUM(x)} of an exact type when x is never null and there is no filter (null only for an empty group).
 * </ul>
 * One measure must be an unfiltered {@code COUNT(*)} (or of a value never null): it tells when a group has no rows
 * left, so that the group is deleted. Floating-point sums are not exact under reordering, and {@code MIN}, {@code
 * MAX}, {@code AVG}, {@code DISTINCT} and anything else need more than the change; those steps are refreshed by
 * affected keys instead.
 *
 * @param keys the grouping columns, in the step's column order
 * @param measures the additive columns, in the step's column order
 * @param rowCount the measure that counts a group's rows
 */
public record AggregateForm(List<String> keys, List<String> measures, String rowCount) {
  public AggregateForm {
    keys = List.copyOf(keys);
    measures = List.copyOf(measures);
  }

  /**
   * Analyses the rows of a step as Spark resolved them.
   *
   * @param targetKeys the keys of the target the step's rows are written to; they must be its grouping columns
   * @throws NotAlgebraicException saying why, when the step is not of this form
   */
  public static AggregateForm of(Dataset<Row> step, List<String> targetKeys) throws NotAlgebraicException {
    LogicalPlan plan = step.queryExecution().analyzed();
    if (!(plan instanceof Aggregate aggregate)) {
      throw new NotAlgebraicException("its result is not a GROUP BY alone (" + plan.nodeName()
          + " on top: HAVING, ORDER BY, LIMIT, a join or a set operation after the aggregation)");
    }
    List<Expression> grouping = JavaConverters.seqAsJavaList(aggregate.groupingExpressions());
    List<String> keys = new ArrayList<>();
    List<String> measures = new ArrayList<>();
    Optional<String> rowCount = Optional.empty();
    Set<Expression> groupingSeen = new HashSet<>();
    for (NamedExpression output : JavaConverters.seqAsJavaList(aggregate.aggregateExpressions())) {
      Expression value = output instanceof Alias alias ? alias.child() : (Expression) output;
      Optional<Expression> group = grouping.stream().filter(value::semanticEquals).findFirst();
      if (group.isPresent()) {
        keys.add(output.name());
        groupingSeen.add(group.get());
        continue;
      }
      measure(output.name(), value);
      measures.add(output.name());
      if (rowCount.isEmpty() && countsRows(value)) {
        rowCount = Optional.of(output.name());
      }
    }
    if (groupingSeen.size() < grouping.size()) {
      throw new NotAlgebraicException("it groups by an expression that is not one of its columns");
    }
    if (!Set.copyOf(keys).equals(Set.copyOf(targetKeys))) {
      throw new NotAlgebraicException("its grouping columns " + keys + " are not the target's keys " + targetKeys);
    }
    return new AggregateForm(keys, measures, rowCount.orElseThrow(() -> new NotAlgebraicException(
        "no column is an unfiltered COUNT(*), which tells when a group has no rows left")));
  }

  /** @throws NotAlgebraicException when the column is not an additive measure that is never null */
  private static void measure(String name, Expression value) throws NotAlgebraicException {
    if (aggregate(value, Count.class).isPresent()) {
      return;
    }
    if (value instanceof Coalesce coalesce && coalesce.children().size() == 2
        && isZero(coalesce.children().apply(1))) {
      Optional<AggregateExpression> sum = aggregate(coalesce.children().apply(0), Sum.class);
      if (sum.isPresent()) {
        requireExact(name, coalesce.dataType());
        requireExact(name, sum.get().dataType());
        return;
      }
    }
    Optional<AggregateExpression> sum = aggregate(value, Sum.class);
    if (sum.isPresent() && sum.get().filter().isEmpty() && !sum.get().aggregateFunction().children().apply(0).nullable()) {
      requireExact(name, sum.get().dataType());
      return;
    }
    throw new NotAlgebraicException("column " + name + " = " + value.sql() + " is not COUNT, COALESCE(SUM(x), 0) or"
        + " a SUM of values never null");
  }

  private static void requireExact(String name, DataType type) throws NotAlgebraicException {
    if (!(type instanceof DecimalType || type instanceof IntegralType)) {
      throw new NotAlgebraicException("column " + name + " sums " + type.simpleString()
          + " values, whose sums depend on the order of addition");
    }
  }

  /** Whether the value counts every row of a group: COUNT(*), or COUNT of values never null, without a filter. */
  private static boolean countsRows(Expression value) {
    return aggregate(value, Count.class)
        .filter(count -> count.filter().isEmpty())
        .filter(count -> JavaConverters.seqAsJavaList(count.aggregateFunction().children()).stream()
            .noneMatch(Expression::nullable))
        .isPresent();
  }

  /** The value as a plain (not DISTINCT) aggregate of that function, if it is one. */
  private static Optional<AggregateExpression> aggregate(Expression value, Class<?> function) {
    return Optional.of(value)
        .filter(AggregateExpression.class::isInstance)
        .map(AggregateExpression.class::cast)
        .filter(a -> function.isInstance(a.aggregateFunction()) && !a.isDistinct() && a.mode() == Complete$.MODULE$);
  }

  /** Whether the value is a constant zero (the analyser may have cast it to the sum's type). */
  private static boolean isZero(Expression value) {
    if (!value.foldable()) {
      return false;
    }
    Object constant = value.eval(null);
    try {
      return constant != null && new BigDecimal(constant.toString()).signum() == 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

}
