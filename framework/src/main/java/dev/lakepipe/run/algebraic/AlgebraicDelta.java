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
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Applies changes to the stored groups of an {@link AggregateForm}: a group's new measures are its stored ones plus
 * the step's measures over the rows the changes added, minus those over the rows they removed. Commits telescope,
 * so the images of every commit in the change set may be used as they are: a row updated twice adds and removes
 * its middle image once each.
 */
public final class AlgebraicDelta {
  private static final String DELTA = "d";
  private static final String STORED = "s";

  private AlgebraicDelta() {}

  /**
   * What a target's rows become, and the groups that are left with no rows.
   *
   * @param upserts the new rows of the groups whose measures changed, in the step's columns
   * @param deletedKeys the keys of the groups left with no rows
   */
  public record Changes(Dataset<Row> upserts, Dataset<Row> deletedKeys) {}

  /**
   * Per group, the change of each measure; groups whose measures all stay the same are left out.
   *
   * @param added the step's rows over the rows that the changes added (inserts and post-images)
   * @param removed the step's rows over the rows that the changes removed (deletes and pre-images)
   */
  public static Dataset<Row> delta(AggregateForm form, Dataset<Row> added, Dataset<Row> removed) {
    List<Column> plus = new ArrayList<>(columns(form.keys()));
    List<Column> minus = new ArrayList<>(columns(form.keys()));
    List<Column> sums = new ArrayList<>();
    Column changed = lit(false);
    for (String measure : form.measures()) {
      plus.add(col(SqlMerge.quote(measure)));
      minus.add(col(SqlMerge.quote(measure)).unary_$minus().as(measure));
      sums.add(sum(col(SqlMerge.quote(measure))).as(measure));
      changed = changed.or(col(SqlMerge.quote(measure)).notEqual(lit(0)));
    }
    return added.select(plus.toArray(Column[]::new))
        .unionByName(removed.select(minus.toArray(Column[]::new)))
        .groupBy(columns(form.keys()).toArray(Column[]::new))
        .agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new))
        .where(changed);
  }

  /**
   * Adds a {@link #delta} to the stored rows of its groups.
   *
   * @param stored the target's rows, at least those of the delta's groups
   * @param schema the step's columns and types, which the target's rows have
   */
  public static Changes apply(AggregateForm form, Dataset<Row> delta, Dataset<Row> stored, StructType schema) {
    Column on = form.keys().stream()
        .map(key -> col(DELTA + "." + SqlMerge.quote(key)).eqNullSafe(col(STORED + "." + SqlMerge.quote(key))))
        .reduce(Column::and)
        .orElseThrow();
    List<Column> row = new ArrayList<>();
    for (String column : schema.fieldNames()) {
      Column value = form.keys().contains(column) ? col(DELTA + "." + SqlMerge.quote(column))
          : coalesce(col(STORED + "." + SqlMerge.quote(column)), lit(0)).plus(col(DELTA + "." + SqlMerge.quote(column)));
      row.add(value.cast(schema.apply(column).dataType()).as(column));
    }
    Column rows = col(SqlMerge.quote(form.rowCount()));
    Dataset<Row> next = delta.alias(DELTA).join(stored.alias(STORED), on, "left").select(row.toArray(Column[]::new))
        .withColumn(form.rowCount(), when(rows.lt(0), raise_error(lit("lakepipe algebraic delta: a group of "
            + form.rowCount() + " " + "would have fewer than no rows: the changes do not match the stored rows;"
            + " run --mode full"))).otherwise(rows));
    return new Changes(next.where(rows.gt(0)), next.where(rows.equalTo(0)).select(columns(form.keys())
        .toArray(Column[]::new)));
  }

  private static List<Column> columns(List<String> names) {
    return names.stream().map(name -> col(SqlMerge.quote(name))).toList();
  }
}
