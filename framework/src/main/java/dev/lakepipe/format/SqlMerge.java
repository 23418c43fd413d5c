package dev.lakepipe.format;

import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Upsert and delete as SQL {@code MERGE INTO}, for the formats whose MERGE has the same text (Delta,
 * Iceberg). Each statement is one commit of the target table.
 */
public final class SqlMerge {
  /** Runs one SQL statement so that the commit it makes carries the properties. */
  @FunctionalInterface
  public interface CommitProperties {
    void around(Map<String, String> properties, Runnable statement);
  }

  private final SparkSession spark;
  private final String target;
  private final TableLayout layout;
  private final CommitProperties commitProperties;

  /**
   * @param target the table as SQL names it, already quoted (see {@link #quote})
   */
  public SqlMerge(SparkSession spark, String target, TableLayout layout, CommitProperties commitProperties) {
    this.spark = spark;
    this.target = target;
    this.layout = layout;
    this.commitProperties = commitProperties;
  }

  /** Quotes one SQL identifier part. */
  public static String quote(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }

  /**
   * Inserts new keys and replaces stored rows unless they are newer by the order-by column (without one,
   * always). {@code rows} holds one row per key (MERGE fails when two source rows match one target row) and
   * exactly the target's columns.
   *
   * @throws IllegalStateException when the layout has no keys
   */
  public void upsert(Dataset<Row> rows, CommitContext context) {
    String unlessNewer = layout.orderBy().map(SqlMerge::quote).map(o -> " AND s." + o + " >= t." + o).orElse("");
    merge(rows, context, "WHEN MATCHED" + unlessNewer + " THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *");
  }

  /**
   * Deletes the stored rows whose keys appear in {@code keys}, which holds each key once.
   *
   * @throws IllegalStateException when the layout has no keys
   */
  public void delete(Dataset<Row> keys, CommitContext context) {
    merge(keys, context, "WHEN MATCHED THEN DELETE");
  }

  private void merge(Dataset<Row> source, CommitContext context, String clauses) {
    String on = layout.requireKeys().stream()
        .map(SqlMerge::quote)
        .map(key -> "t." + key + " = s." + key)
        .collect(Collectors.joining(" AND "));
    String view = "lakepipe_merge_" + UUID.randomUUID().toString().replace("-", "");
    source.createOrReplaceTempView(view);
    try {
      String sql = "MERGE INTO " + target + " t USING " + view + " s ON " + on + " " + clauses;
      commitProperties.around(context.properties(), () -> spark.sql(sql));
    } finally {
      spark.catalog().dropTempView(view);
    }
  }
}
