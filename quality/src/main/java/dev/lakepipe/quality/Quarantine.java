package dev.lakepipe.quality;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Splits a run's rows into those that pass every row-level check and those that go to the quarantine table.
 *
 * <p>Spark expressions only (no Deequ): one projection evaluates every check on every row and adds two columns;
 * the valid and the quarantined rows are the two sides of one filter on it, so rows in = valid + quarantined,
 * always. Each check fails exactly the rows its Deequ metric counts as failing: both use the same SQL condition
 * (a row fails when the condition is false or null).
 *
 * <p>A row that fails several checks is quarantined once: {@value #CHECK_COLUMN} names the first failing check in
 * the order given, and {@value #REASON_COLUMN} gives the reasons of all failing checks, in that order, joined by
 * {@code "; "}, each prefixed by its check's name, e.g.
 * {@code status_known: status = 'lost' is not one of [created, paid]; amount_ok: amount = -5 is outside [0.0, +inf)}.
 *
 * <p>Both sides re-evaluate the projection over the input: persist the input (or {@link Split#annotated()}) when it
 * is expensive to compute or not deterministic, so that both sides see the same rows.
 */
public final class Quarantine {
  /** The quarantined row's first failing check. */
  public static final String CHECK_COLUMN = "_lakepipe_check";
  /** Why the quarantined row failed: every failing check's reason. */
  public static final String REASON_COLUMN = "_lakepipe_reason";

  private Quarantine() {}

  /**
   * The rows of one run, split.
   *
   * @param valid the rows that pass every check, with the input's columns
   * @param quarantined the rows that fail a check, with the input's columns plus {@value #CHECK_COLUMN} and
   *     {@value #REASON_COLUMN}
   * @param annotated every row with both columns, null on valid rows; {@code valid} and {@code quarantined} are its
   *     two sides
   */
  public record Split(Dataset<Row> valid, Dataset<Row> quarantined, Dataset<Row> annotated) {
    public Split {
      Objects.requireNonNull(valid, "valid");
      Objects.requireNonNull(quarantined, "quarantined");
      Objects.requireNonNull(annotated, "annotated");
    }
  }

  /**
   * Splits {@code data} by the row-level checks (completeness, allowed values, range, pattern, predicate), whatever
   * their level and min fraction: every failing row is quarantined.
   *
   * @throws IllegalArgumentException if a check is not row-level ({@link Check#isRowLevel()}), two checks share a
   *     name, or the data already has a column named {@value #CHECK_COLUMN} or {@value #REASON_COLUMN}
   * @throws org.apache.spark.sql.AnalysisException (undeclared, from Spark) if a check's column or predicate does not
   *     resolve against the data
   */
  public static Split split(Dataset<Row> data, List<Check> checks) {
    Objects.requireNonNull(data, "data");
    Set<String> names = new HashSet<>();
    for (Check check : checks) {
      if (!check.isRowLevel()) {
        throw new IllegalArgumentException("check " + check.name() + " is not row-level: " + check.kind());
      }
      if (!names.add(check.name())) {
        throw new IllegalArgumentException("two checks are named " + check.name());
      }
    }
    for (String column : data.columns()) {
      if (column.equals(CHECK_COLUMN) || column.equals(REASON_COLUMN)) {
        throw new IllegalArgumentException("the data already has a column " + column);
      }
    }
    List<Column> firstFailing = new ArrayList<>();
    List<Column> reasons = new ArrayList<>();
    for (Check check : checks) {
      Column fails = SqlConditions.fails((CheckKind.RowLevel) check.kind());
      firstFailing.add(when(fails, lit(check.name())));
      reasons.add(when(fails, SqlConditions.reason(check)));
    }
    Column checkColumn = checks.isEmpty() ? lit(null).cast("string")
        : coalesce(firstFailing.toArray(Column[]::new));
    Column reasonColumn = checks.isEmpty() ? lit(null).cast("string")
        : when(col(CHECK_COLUMN).isNotNull(), concat_ws("; ", reasons.toArray(Column[]::new)));
    Dataset<Row> annotated = data.withColumn(CHECK_COLUMN, checkColumn).withColumn(REASON_COLUMN, reasonColumn);
    return new Split(
        annotated.where(col(CHECK_COLUMN).isNull()).drop(CHECK_COLUMN, REASON_COLUMN),
        annotated.where(col(CHECK_COLUMN).isNotNull()),
        annotated);
  }
}
