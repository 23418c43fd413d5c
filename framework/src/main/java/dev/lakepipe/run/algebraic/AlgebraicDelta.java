package dev.lakepipe.run.algebraic;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.lakepipe.format.SqlMerge;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Applies changes to the stored groups of an {@link AggregateForm}: a group's new state is its stored one plus the
 * state of the rows the changes added, minus that of the rows they removed, and its columns are computed from it.
 * Commits telescope, so the images of every commit in the change set may be used as they are: a row updated twice
 * adds and removes its middle image once each.
 */
public final class AlgebraicDelta {
  private static final String DELTA = "d";
  private static final String STORED = "s";

  private AlgebraicDelta() {}

  /**
   * What a target's rows become, and the groups that are left with no rows.
   *
   * @param upserts the new rows of the groups whose state changed, in the stored columns
   * @param deletedKeys the keys of the groups left with no rows
   */
  public record Changes(Dataset<Row> upserts, Dataset<Row> deletedKeys) {}

  /**
   * Per group, the change of each state column.
   *
   * @param added {@link AggregateForm#states} of the rows that the changes added (inserts and post-images)
   * @param removed {@link AggregateForm#states} of the rows that the changes removed (deletes and pre-images)
   * @param keepUnchanged whether groups whose state stays the same are kept (to be rewritten), or left out
   */
  public static Dataset<Row> delta(AggregateForm form, Dataset<Row> added, Dataset<Row> removed,
      boolean keepUnchanged) {
    List<Column> minus = new ArrayList<>(columns(form.keys()));
    List<Column> sums = new ArrayList<>();
    Column changed = lit(keepUnchanged);
    for (String state : form.states()) {
      Column value = col(SqlMerge.quote(state));
      minus.add(value.unary_$minus().as(state));
      sums.add(sum(value).as(state));
      changed = changed.or(value.notEqual(lit(0)));
    }
    return added.unionByName(removed.select(minus.toArray(Column[]::new)))
        .groupBy(columns(form.keys()).toArray(Column[]::new))
        .agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new))
        .where(changed);
  }

  /**
   * Adds a {@link #delta} to the stored rows of its groups.
   *
   * @param stored the target's rows, at least those of the delta's groups
   * @param columns the columns and types the target stores ({@link AggregateForm#withState})
   * @param keep keeps the new rows of the delta's groups for the two queries that split them into upserts and
   *     deleted keys, so that the stored rows are read once
   */
  public static Changes apply(AggregateForm form, Dataset<Row> delta, Dataset<Row> stored, StructType columns,
      UnaryOperator<Dataset<Row>> keep) {
    Column on = form.keys().stream()
        .map(key -> col(DELTA + "." + SqlMerge.quote(key)).eqNullSafe(col(STORED + "." + SqlMerge.quote(key))))
        .reduce(Column::and)
        .orElseThrow();
    List<Column> states = new ArrayList<>();
    form.keys().forEach(key -> states.add(col(DELTA + "." + SqlMerge.quote(key)).as(key)));
    for (String state : form.states()) {
      states.add(coalesce(col(STORED + "." + SqlMerge.quote(state)), lit(0))
          .plus(col(DELTA + "." + SqlMerge.quote(state))).cast(columns.apply(state).dataType()).as(state));
    }
    Column rows = col(SqlMerge.quote(form.rowCount()));
    Dataset<Row> next = keep.apply(delta.alias(DELTA).join(stored.alias(STORED), on, "left")
        .select(states.toArray(Column[]::new))
        .withColumn(form.rowCount(), when(rows.lt(0), raise_error(lit("lakepipe algebraic delta: a group would"
            + " have fewer than no rows: the changes do not match the stored rows; run --mode full")))
            .otherwise(rows))
        .select(form.rowsFromStates(columns)));
    return new Changes(next.where(rows.gt(0)), next.where(rows.equalTo(0))
        .select(columns(form.keys()).toArray(Column[]::new)));
  }

  private static List<Column> columns(List<String> names) {
    return names.stream().map(name -> col(SqlMerge.quote(name))).toList();
  }
}
