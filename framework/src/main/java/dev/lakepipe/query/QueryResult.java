package dev.lakepipe.query;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * The rows a query returned, up to its limit.
 *
 * @param truncated whether the query had more rows than the limit let through
 */
public record QueryResult(StructType schema, List<Row> rows, boolean truncated) {
  public QueryResult {
    rows = List.copyOf(rows);
  }
}
