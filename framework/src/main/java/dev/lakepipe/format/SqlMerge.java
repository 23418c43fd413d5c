package dev.lakepipe.format;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.types.DataType;

/**
 * Upsert and delete as SQL {@code MERGE INTO}, for the formats whose MERGE has the same text (Delta,
 * Iceberg). Each statement is one commit of the target table.
 */
public final class SqlMerge {
  /** Runs one MERGE statement of {@code source} so that the commit it makes carries the properties. */
  @FunctionalInterface
  public interface CommitProperties {
    void around(Map<String, String> properties, Dataset<Row> source, Runnable statement);
  }

  /** Marks the rows of a combined upsert-and-delete source that delete their key. */
  private static final String DELETE_FLAG = "__lakepipe_delete";

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

  /**
   * Upserts as {@link #upsert} does and deletes the stored rows of {@code keys} (which holds each key once, and no
   * key of the rows), in one statement.
   *
   * @throws IllegalStateException when the layout has no keys
   */
  public void upsertAndDelete(Dataset<Row> rows, Dataset<Row> keys, CommitContext context) {
    List<String> keyColumns = layout.requireKeys();
    List<String> columns = List.of(rows.columns());
    Column[] deletes = new Column[columns.size() + 1];
    for (int i = 0; i < columns.size(); i++) {
      String column = columns.get(i);
      DataType type = rows.schema().apply(column).dataType();
      deletes[i] = (keyColumns.contains(column) ? col(quote(column)) : lit(null)).cast(type).as(column);
    }
    deletes[columns.size()] = lit(true).as(DELETE_FLAG);
    Dataset<Row> source = rows.withColumn(DELETE_FLAG, lit(false)).unionByName(keys.select(deletes));
    String flag = "s." + quote(DELETE_FLAG);
    String unlessNewer = layout.orderBy().map(SqlMerge::quote).map(o -> " AND s." + o + " >= t." + o).orElse("");
    String quoted = columns.stream().map(SqlMerge::quote).collect(Collectors.joining(", "));
    merge(source, context, "WHEN MATCHED AND " + flag + " THEN DELETE"
        + " WHEN MATCHED AND NOT " + flag + unlessNewer + " THEN UPDATE SET "
        + columns.stream().map(SqlMerge::quote).map(c -> "t." + c + " = s." + c).collect(Collectors.joining(", "))
        + " WHEN NOT MATCHED AND NOT " + flag + " THEN INSERT (" + quoted + ") VALUES ("
        + columns.stream().map(c -> "s." + quote(c)).collect(Collectors.joining(", ")) + ")");
  }

  private void merge(Dataset<Row> source, CommitContext context, String clauses) {
    String on = layout.requireKeys().stream()
        .map(SqlMerge::quote)
        .map(key -> "t." + key + " = s." + key)
        .collect(Collectors.joining(" AND ")) + partitionsOf(source);
    String view = "lakepipe_merge_" + UUID.randomUUID().toString().replace("-", "");
    // The view must be this session's, where the MERGE runs, whichever session computed the rows.
    Dataset<Row> own = source.sparkSession() == spark ? source : Dataset.ofRows(spark, source.logicalPlan());
    own.createOrReplaceTempView(view);
    try {
      String sql = "MERGE INTO " + target + " t USING " + view + " s ON " + on + " " + clauses;
      commitProperties.around(context.properties(), own, () -> spark.sql(sql));
    } finally {
      spark.catalog().dropTempView(view);
    }
  }

  /**
   * The partitions the keys' stored rows can be in ({@link KeyPartitions}), named in the condition as literals, which
   * the formats prune by, so that the MERGE reads only them. Redundant with the key equality, so it never changes
   * what matches. Empty when they cannot be named.
   */
  private String partitionsOf(Dataset<Row> source) {
    return KeyPartitions.named(source, layout).map(named -> named.entrySet().stream()
        .map(column -> " AND t." + quote(column.getKey()) + " IN ("
            + column.getValue().stream().map(Literal::sql).collect(Collectors.joining(", ")) + ")")
        .collect(Collectors.joining())).orElse("");
  }
}
