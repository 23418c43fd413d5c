package dev.lakepipe.run.algebraic;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.lakepipe.format.SqlMerge;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Coalesce;
import org.apache.spark.sql.catalyst.expressions.DecimalDivideWithOverflowCheck;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.Average;
import org.apache.spark.sql.catalyst.expressions.aggregate.Complete$;
import org.apache.spark.sql.catalyst.expressions.aggregate.Count;
import org.apache.spark.sql.catalyst.expressions.aggregate.Sum;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.StructType;
import scala.Option;
import scala.collection.JavaConverters;

/**
 * An aggregate step whose every group can be maintained from changes alone: its analysed plan is one {@code GROUP
 * BY} over rows that it aggregates one at a time, each column it returns is a grouping column (together the target's
 * keys) or one of these measures, and the group's state is a set of sums, so that its new state is {@code old +
 * agg(post-images) − agg(pre-images)}:
 * <ul>
 *   <li>{@code COUNT(...)} and {@code COALESCE(SUM(x), 0)}, with or without {@code FILTER (WHERE ...)}, and {@code
 *       SUM(x)} of values never null without a filter: the column is its own state;
 *   <li>any other {@code SUM(x)} and {@code AVG(x)}: kept as two hidden state columns, {@code __lakepipe_sum_<col>}
 *       (the sum of the non-null values, 0 when none) and {@code __lakepipe_count_<col>} (their number), from which
 *       the column is computed exactly as Spark computes it (null when the count is 0);
 *   <li>{@code __lakepipe_rows}, the group's number of rows, is kept as a hidden column too when no column is an
 *       unfiltered {@code COUNT(*)}: a group whose count reaches 0 is deleted.
 * </ul>
 * Sums must be of an exact type (integral or DECIMAL): floating-point sums depend on the order of addition. {@code
 * MIN}, {@code MAX}, {@code DISTINCT}, expressions over aggregates and anything else need more than the change; those
 * steps are refreshed by affected keys instead. Hidden state columns are written by full runs too, so a target
 * that has them stores them.
 */
public final class AggregateForm {
  /** The hidden column that counts a group's rows, when no column of the step does. */
  public static final String ROWS = "__lakepipe_rows";
  private static final String SUM = "__lakepipe_sum_";
  private static final String COUNT = "__lakepipe_count_";

  /** How a column of the step is kept. */
  private enum Role { KEY, OWN_STATE, SUM, AVERAGE }

  private final List<String> columns;
  private final List<Role> roles;
  private final String rowCount;

  private AggregateForm(List<String> columns, List<Role> roles, String rowCount) {
    this.columns = List.copyOf(columns);
    this.roles = List.copyOf(roles);
    this.rowCount = rowCount;
  }

  /**
   * Analyses the rows of a step as Spark resolved them.
   *
   * @param targetKeys the keys of the target the step's rows are written to; they must be its grouping columns
   * @throws NotAlgebraicException saying why, when the step is not of this form
   */
  public static AggregateForm of(Dataset<Row> step, List<String> targetKeys) throws NotAlgebraicException {
    Aggregate aggregate = requireAggregate(step);
    List<Expression> grouping = JavaConverters.seqAsJavaList(aggregate.groupingExpressions());
    List<String> columns = new ArrayList<>();
    List<Role> roles = new ArrayList<>();
    Optional<String> rowCount = Optional.empty();
    Set<Expression> groupingSeen = new HashSet<>();
    for (NamedExpression output : JavaConverters.seqAsJavaList(aggregate.aggregateExpressions())) {
      Expression value = valueOf(output);
      Optional<Expression> group = grouping.stream().filter(value::semanticEquals).findFirst();
      group.ifPresent(groupingSeen::add);
      Role role = group.isPresent() ? Role.KEY : measure(output.name(), value);
      columns.add(output.name());
      roles.add(role);
      if (rowCount.isEmpty() && countsRows(value)) {
        rowCount = Optional.of(output.name());
      }
    }
    if (groupingSeen.size() < grouping.size()) {
      throw new NotAlgebraicException("it groups by an expression that is not one of its columns");
    }
    List<String> keys = keysOf(columns, roles);
    if (!Set.copyOf(keys).equals(Set.copyOf(targetKeys))) {
      throw new NotAlgebraicException("its grouping columns " + keys + " are not the target's keys " + targetKeys);
    }
    return new AggregateForm(columns, roles, rowCount.orElse(ROWS));
  }

  /** The grouping columns, in the step's column order. */
  public List<String> keys() {
    return keysOf(columns, roles);
  }

  /** The columns that hold a group's state, each a sum: the step's own measures and the hidden ones. */
  public List<String> states() {
    List<String> states = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      switch (roles.get(i)) {
        case KEY -> { }
        case OWN_STATE -> states.add(columns.get(i));
        case SUM, AVERAGE -> states.addAll(List.of(SUM + columns.get(i), COUNT + columns.get(i)));
      }
    }
    if (rowCount.equals(ROWS)) {
      states.add(ROWS);
    }
    return states;
  }

  /** The state column that counts a group's rows. */
  public String rowCount() {
    return rowCount;
  }

  /** Whether the target stores state columns that are not columns of the step. */
  public boolean hasHiddenState() {
    return !columns.containsAll(states());
  }

  /**
   * The step's rows with its hidden state columns after its own: what a full run writes.
   *
   * @param step rows of the step this form was made of, as analysed again over other views
   */
  public Dataset<Row> withState(Dataset<Row> step) {
    if (!hasHiddenState()) {
      return step;
    }
    Aggregate aggregate = aggregateOf(step);
    List<NamedExpression> outputs = new ArrayList<>(JavaConverters.seqAsJavaList(aggregate.aggregateExpressions()));
    outputs.addAll(hiddenStates(aggregate));
    return rebuilt(step, aggregate, outputs);
  }

  /**
   * The keys and {@link #states()} of the step's groups.
   *
   * @param step rows of the step this form was made of, as analysed again over other views
   */
  public Dataset<Row> states(Dataset<Row> step) {
    Aggregate aggregate = aggregateOf(step);
    List<NamedExpression> all = JavaConverters.seqAsJavaList(aggregate.aggregateExpressions());
    List<NamedExpression> outputs = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      if (roles.get(i) == Role.KEY || roles.get(i) == Role.OWN_STATE) {
        outputs.add(all.get(i));
      }
    }
    outputs.addAll(hiddenStates(aggregate));
    List<String> selected = new ArrayList<>(keys());
    selected.addAll(states());
    return rebuilt(step, aggregate, outputs).select(column(selected));
  }

  /**
   * The columns of {@link #withState} computed from the keys and states of a relation, as Spark computes them.
   *
   * @param stored the columns and types the target stores ({@link #withState}'s)
   */
  public Column[] rowsFromStates(StructType stored) {
    List<Column> row = new ArrayList<>();
    for (String name : stored.fieldNames()) {
      int i = columns.indexOf(name);
      Column value = i < 0 ? col(SqlMerge.quote(name)) : switch (roles.get(i)) {
        case KEY, OWN_STATE -> col(SqlMerge.quote(name));
        case SUM -> whenCounted(name, col(SqlMerge.quote(SUM + name)));
        case AVERAGE -> whenCounted(name, average(name, stored.apply(name).dataType()));
      };
      row.add(value.cast(stored.apply(name).dataType()).as(name));
    }
    return row.toArray(Column[]::new);
  }

  private static Column whenCounted(String name, Column value) {
    return when(col(SqlMerge.quote(COUNT + name)).equalTo(0), lit(null)).otherwise(value);
  }

  /** Spark's average of a sum and a count: decimal division rounded half up to the result's scale, else double. */
  private static Column average(String name, DataType result) {
    Column sum = col(SqlMerge.quote(SUM + name));
    Column count = col(SqlMerge.quote(COUNT + name));
    if (result instanceof DecimalType decimal) {
      return new Column(new DecimalDivideWithOverflowCheck(sum.expr(),
          count.cast(DataTypes.createDecimalType(20, 0)).expr(), decimal, null, true));
    }
    return sum.cast(DataTypes.DoubleType).divide(count.cast(DataTypes.DoubleType));
  }

  private List<NamedExpression> hiddenStates(Aggregate aggregate) {
    List<NamedExpression> all = JavaConverters.seqAsJavaList(aggregate.aggregateExpressions());
    List<NamedExpression> hidden = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      if (roles.get(i) == Role.SUM || roles.get(i) == Role.AVERAGE) {
        AggregateExpression measured = (AggregateExpression) valueOf(all.get(i));
        Expression value = measured.aggregateFunction().children().apply(0);
        AggregateExpression sum = new Sum(value).toAggregateExpression(false, measured.filter());
        hidden.add(named(coalesce(new Column(sum), lit(0).cast(sum.dataType())), SUM + columns.get(i)));
        hidden.add(named(new Column(new Count(JavaConverters.asScalaBuffer(List.of(value)).toSeq())
            .toAggregateExpression(false, measured.filter())), COUNT + columns.get(i)));
      }
    }
    if (rowCount.equals(ROWS)) {
      hidden.add(named(new Column(new Count(JavaConverters.asScalaBuffer(List.<Expression>of(Literal.create(1,
          DataTypes.IntegerType))).toSeq()).toAggregateExpression(false, Option.empty())), ROWS));
    }
    return hidden;
  }

  private static NamedExpression named(Column value, String name) {
    return (NamedExpression) value.as(name).expr();
  }

  private static Dataset<Row> rebuilt(Dataset<Row> step, Aggregate aggregate, List<NamedExpression> outputs) {
    return Dataset.ofRows(step.sparkSession(), new Aggregate(aggregate.groupingExpressions(),
        JavaConverters.asScalaBuffer(outputs).toSeq(), aggregate.child()));
  }

  /** @throws IllegalStateException when the step is not an aggregate (its form was made of another step) */
  private static Aggregate aggregateOf(Dataset<Row> step) {
    try {
      return requireAggregate(step);
    } catch (NotAlgebraicException e) {
      throw new IllegalStateException("the step's rows are no longer a GROUP BY: " + e.getMessage(), e);
    }
  }

  private static Aggregate requireAggregate(Dataset<Row> step) throws NotAlgebraicException {
    LogicalPlan plan = step.queryExecution().analyzed();
    if (!(plan instanceof Aggregate aggregate)) {
      throw new NotAlgebraicException("its result is not a GROUP BY alone (" + plan.nodeName()
          + " on top: HAVING, ORDER BY, LIMIT, a join or a set operation after the aggregation)");
    }
    return aggregate;
  }

  /** @throws NotAlgebraicException when the column is not a measure this form keeps */
  private static Role measure(String name, Expression value) throws NotAlgebraicException {
    if (aggregate(value, Count.class).isPresent()) {
      return Role.OWN_STATE;
    }
    if (value instanceof Coalesce coalesce && coalesce.children().size() == 2
        && isZero(coalesce.children().apply(1))) {
      Optional<AggregateExpression> sum = aggregate(coalesce.children().apply(0), Sum.class);
      if (sum.isPresent()) {
        requireExact(name, sum.get());
        return Role.OWN_STATE;
      }
    }
    Optional<AggregateExpression> sum = aggregate(value, Sum.class);
    if (sum.isPresent()) {
      requireExact(name, sum.get());
      boolean neverNull = sum.get().filter().isEmpty() && !sum.get().aggregateFunction().children().apply(0).nullable();
      return neverNull ? Role.OWN_STATE : Role.SUM;
    }
    Optional<AggregateExpression> average = aggregate(value, Average.class);
    if (average.isPresent()) {
      requireExact(name, average.get());
      return Role.AVERAGE;
    }
    throw new NotAlgebraicException("column " + name + " = " + value.sql() + " is not COUNT, SUM, COALESCE(SUM(x), 0)"
        + " or AVG");
  }

  /** @throws NotAlgebraicException when the aggregate's input is not integral or DECIMAL */
  private static void requireExact(String name, AggregateExpression aggregate) throws NotAlgebraicException {
    DataType type = aggregate.aggregateFunction().children().apply(0).dataType();
    if (!(type instanceof DecimalType || type instanceof IntegralType)) {
      throw new NotAlgebraicException("column " + name + " aggregates " + type.simpleString()
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

  private static Expression valueOf(NamedExpression output) {
    return output instanceof Alias alias ? alias.child() : (Expression) output;
  }

  private static List<String> keysOf(List<String> columns, List<Role> roles) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      if (roles.get(i) == Role.KEY) {
        keys.add(columns.get(i));
      }
    }
    return keys;
  }

  private static Column[] column(List<String> names) {
    return names.stream().map(name -> col(SqlMerge.quote(name))).toArray(Column[]::new);
  }
}
