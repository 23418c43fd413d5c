package dev.lakepipe.format;

import static org.apache.spark.sql.functions.col;

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
   * Per partition column of the layout, in its order, the distinct non-null values of the source's rows as
   * literals of the column's type: a superset of the partitions the keys' stored rows are in (a null key matches
   * no stored row). One Spark job. Empty when the layout is not partitioned, its keys do not include every partition
   * column, the source names more than {@value #MAX_NAMED_PARTITIONS} partitions or a column only nulls.
   *
   * @throws IllegalStateException when the layout has no keys
   */
  public static Optional<Map<String, List<Literal>>> named(Dataset<Row> source, TableLayout layout) {
    List<String> partitions = layout.partitionBy();
    if (partitions.isEmpty() || !layout.requireKeys().containsAll(partitions)) {
      return Optional.empty();
    }
    List<Row> named = source.select(partitions.stream().map(c -> col(SqlMerge.quote(c))).toArray(Column[]::new))
        .distinct().limit(MAX_NAMED_PARTITIONS + 1).collectAsList();
    if (named.size() > MAX_NAMED_PARTITIONS) {
      return Optional.empty();
    }
    Map<String, List<Literal>> values = new LinkedHashMap<>();
    for (int i = 0; i < partitions.size(); i++) {
      DataType type = source.schema().apply(partitions.get(i)).dataType();
      int column = i;
      List<Literal> literals = named.stream().filter(row -> !row.isNullAt(column))
          .map(row -> Literal.create(row.get(column), type)).distinct().toList();
      if (literals.isEmpty()) {
        return Optional.empty();
      }
      values.put(partitions.get(i), literals);
    }
    return Optional.of(values);
  }
}
