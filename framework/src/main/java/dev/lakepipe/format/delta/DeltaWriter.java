package dev.lakepipe.format.delta;

import dev.lakepipe.format.AbstractTableWriter;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.SqlMerge;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableReader;
import java.util.Map;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import scala.Option;

/**
 * Writes a Delta table by path: appends and overwrites with the DataFrame writer, upserts and deletes with SQL
 * MERGE. Each commit carries the lakepipe properties as JSON user metadata.
 */
final class DeltaWriter extends AbstractTableWriter {
  /** Delta's session setting for the user metadata of commits made by SQL statements. */
  private static final String USER_METADATA_CONF = "spark.databricks.delta.commitInfo.userMetadata";

  private final SparkSession spark;
  private final TableAddress address;
  private final SqlMerge merge;

  DeltaWriter(SparkSession spark, TableAddress address, TableLayout layout, TableReader reader) {
    super(reader, layout);
    this.spark = spark;
    this.address = address;
    this.merge = new SqlMerge(spark, "delta." + SqlMerge.quote(address.requirePath()), layout, this::withUserMetadata);
  }

  @Override
  protected void writeAppend(Dataset<Row> rows, CommitContext context) {
    writer(rows, context).mode(SaveMode.Append).save(address.requirePath());
  }

  @Override
  protected void writeOverwrite(Dataset<Row> rows, CommitContext context) {
    writer(rows, context).mode(SaveMode.Overwrite).save(address.requirePath());
  }

  @Override
  protected void writeOverwritePartitions(Dataset<Row> rows, CommitContext context) {
    writer(rows, context).mode(SaveMode.Overwrite).option("partitionOverwriteMode", "dynamic").save(address.requirePath());
  }

  @Override
  protected void writeUpsert(Dataset<Row> rows, CommitContext context) {
    merge.upsert(rows, context);
  }

  @Override
  protected void writeDelete(Dataset<Row> keys, CommitContext context) {
    merge.delete(keys, context);
  }

  @Override
  public boolean upsertsAndDeletesAtOnce() {
    return true;
  }

  @Override
  protected void writeUpsertAndDelete(Dataset<Row> rows, Dataset<Row> keys, CommitContext context) {
    merge.upsertAndDelete(rows, keys, context);
  }

  private DataFrameWriter<Row> writer(Dataset<Row> rows, CommitContext context) {
    return rows.write().format("delta")
        .option("userMetadata", UserMetadata.encode(context.properties()))
        .options(address.options())
        .partitionBy(layout.partitionBy().toArray(String[]::new));
  }

  /** SQL takes no write options, so the user metadata is set in the session for the one statement. */
  private void withUserMetadata(Map<String, String> properties, Runnable statement) {
    RuntimeConfig conf = spark.conf();
    Option<String> previous = conf.getOption(USER_METADATA_CONF);
    conf.set(USER_METADATA_CONF, UserMetadata.encode(properties));
    try {
      statement.run();
    } finally {
      if (previous.isDefined()) {
        conf.set(USER_METADATA_CONF, previous.get());
      } else {
        conf.unset(USER_METADATA_CONF);
      }
    }
  }
}
