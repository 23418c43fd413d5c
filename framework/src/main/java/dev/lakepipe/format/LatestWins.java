package dev.lakepipe.format;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Keeps one row per key, the one with the greatest order-by value, before an upsert. Without an order-by column
 * the rows must already hold each key once (an aggregate by the keys), and are kept as they are.
 */
public final class LatestWins {
  private static final String RANK = "__lakepipe_rank";

  private LatestWins() {}

  /** @throws IllegalStateException when the layout has no keys */
  public static Dataset<Row> dedupe(Dataset<Row> rows, TableLayout layout) {
    List<String> keys = layout.requireKeys();
    if (layout.orderBy().isEmpty()) {
      return rows;
    }
    String orderBy = layout.orderBy().get();
    Column[] partition = keys.stream().map(key -> col(key)).toArray(Column[]::new);
    return rows.withColumn(RANK, row_number().over(Window.partitionBy(partition).orderBy(col(orderBy).desc())))
        .where(col(RANK).equalTo(1))
        .drop(RANK);
  }
}
