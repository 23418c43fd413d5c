package dev.lakepipe.format;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.types.DataType;

/**
 * The partitions that the stored rows of a source's keys can be in. When the keys include every partition column, a
 * stored row can only match a source row in a partition that the source names: a write that reads the stored rows of
 * its keys reads only those partitions.
 */
public final class KeyPartitions {
  /** More partitions than this are not named: the write reads all of them. */
  private static final int MAX_NAMED_PARTITIONS = 1_000;

  private KeyPartitions() {}

  /**
   * The sums of some columns over a source's rows, and the partitions their keys name (see {@link #named}).
   *
   * @param sums each column's sum, 0 over no rows
   * @param partitions as {@link #named} gives them
   */
  public record Tally(List<Long> sums, Optional<Map<String, List<Literal>>> partitions) {
    public Tally {
      sums = List.copyOf(sums);
    }
  }

  /**
   * Per partition column of the layout, in its order, the distinct non-null values of the source's rows as
   * literals of the column's type: a superset of the partitions the keys' stored rows are in (a null key matches
   * no stored row). One Spark job. Empty when the layout is not partitioned, its keys do not include every partition
   * column, the source names more than {@value #MAX_NAMED_PARTITIONS} partitions or a column only nulls.
   *
   * @throws IllegalStateException when the layout has no keys
   */
  public static Optional<Map<String, List<Literal>>> named(Dataset<Row> source, TableLayout layout) {
    List<String> partitions = nameable(layout);
    if (partitions.isEmpty()) {
      return Optional.empty();
    }
    return literals(source.select(columns(partitions)).distinct().limit(MAX_NAMED_PARTITIONS + 1).collectAsList(),
        source, partitions);
  }

  /**
   * The sums of the columns over the source's rows and the partitions {@link #named} gives, in one query: the rows
   * grouped by the partitions (one group when they cannot be named).
   *
   * @param summed numeric columns of the source's rows
   * @throws IllegalStateException when the layout has no keys
   */
  public static Tally tally(Dataset<Row> source, TableLayout layout, List<Column> summed) {
    List<String> partitions = nameable(layout);
    Column[] sums = summed.stream().map(column -> coalesce(sum(column), lit(0L))).toArray(Column[]::new);
    List<Row> groups = source.groupBy(columns(partitions)).agg(sums[0], Arrays.copyOfRange(sums, 1, sums.length))
        .collectAsList();
    List<Long> totals = new ArrayList<>();
    for (int i = 0; i < sums.length; i++) {
      int column = partitions.size() + i;
      totals.add(groups.stream().mapToLong(group -> ((Number) group.get(column)).longValue()).sum());
    }
    return new Tally(totals, partitions.isEmpty() || groups.size() > MAX_NAMED_PARTITIONS ? Optional.empty()
        : literals(groups, source, partitions));
  }

  /** The partition columns when the keys include each of them, otherwise none. */
  private static List<String> nameable(TableLayout layout) {
    List<String> partitions = layout.partitionBy();
    return layout.requireKeys().containsAll(partitions) ? partitions : List.of();
  }

  private static Column[] columns(List<String> names) {
    return names.stream().map(name -> col(SqlMerge.quote(name))).toArray(Column[]::new);
  }

  /** The distinct non-null values of each partition column among the rows, which hold the columns first. */
  private static Optional<Map<String, List<Literal>>> literals(List<Row> rows, Dataset<Row> source,
      List<String> partitions) {
    Map<String, List<Literal>> values = new LinkedHashMap<>();
    for (int i = 0; i < partitions.size(); i++) {
      DataType type = source.schema().apply(partitions.get(i)).dataType();
      int column = i;
      List<Literal> literals = rows.stream().filter(row -> !row.isNullAt(column))
          .map(row -> Literal.create(row.get(column), type)).distinct().toList();
      if (literals.isEmpty()) {
        return Optional.empty();
      }
      values.put(partitions.get(i), literals);
    }
    return Optional.of(values);
  }
}
