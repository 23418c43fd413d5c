package dev.lakepipe.format.delta;

import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.SqlMerge;
import dev.lakepipe.format.SqlMergeTableWriter;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.spec.Storage;
import java.util.Map;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Writes a Delta table by path: appends and overwrites with the DataFrame writer, upserts and deletes with SQL
 * MERGE. Each commit carries the lakepipe properties as JSON user metadata. The first write creates the table with
 * deletion vectors on for a merge-on-read layout, off for copy-on-write; the spec's options win.
 */
final class DeltaWriter extends SqlMergeTableWriter {
  /** Delta's session setting for the user metadata of commits made by SQL statements. */
  private static final String USER_METADATA_CONF = "spark.databricks.delta.commitInfo.userMetadata";
  /**
   * Merge-on-read: an update or delete marks the rows it replaces in a deletion vector instead of rewriting their
   * file; the change data feed stays complete.
   */
  private static final String DELETION_VECTORS = "delta.enableDeletionVectors";

  private final TableAddress address;

  DeltaWriter(SparkSession spark, TableAddress address, TableLayout layout, TableReader reader) {
    super(reader, layout, new SqlMerge(spark, "delta." + SqlMerge.quote(address.requirePath()), layout,
        (properties, statement) -> withUserMetadata(spark, properties, statement)));
    this.address = address;
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

  private DataFrameWriter<Row> writer(Dataset<Row> rows, CommitContext context) {
    DataFrameWriter<Row> writer = rows.write().format("delta")
        .option("userMetadata", UserMetadata.encode(context.properties()));
    if (!reader.exists()) {
      // Options named delta.* become table properties of the table a write creates; later writes keep the table's.
      writer.option(DELETION_VECTORS, layout.storage() == Storage.MERGE_ON_READ);
    }
    return writer.options(address.options()).partitionBy(layout.partitionBy().toArray(String[]::new));
  }

  /** SQL takes no write options, so the user metadata is set in the session for the one statement. */
  static void withUserMetadata(SparkSession spark, Map<String, String> properties, Runnable statement) {
    SessionSetting.with(spark, USER_METADATA_CONF, UserMetadata.encode(properties), statement);
  }

}
