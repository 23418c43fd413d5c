package dev.lakepipe.format.file;

import dev.lakepipe.format.Commit;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableWriter;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/**
 * Writes files under a path, partitioned into {@code column=value} folders. Plain files have no keys and no
 * commits: upsert and delete are not supported, and the returned commit only describes the write.
 */
final class FileWriter implements TableWriter {
  private final TableAddress address;
  private final TableLayout layout;
  private final String type;
  private final Map<String, String> options;

  FileWriter(TableAddress address, TableLayout layout, String type, Map<String, String> options) {
    this.address = address;
    this.layout = layout;
    this.type = type;
    this.options = Map.copyOf(options);
  }

  @Override
  public Commit append(Dataset<Row> rows, CommitContext context) {
    return write(writer(rows).mode(SaveMode.Append), context);
  }

  @Override
  public Commit overwrite(Dataset<Row> rows, CommitContext context) {
    return write(writer(rows).mode(SaveMode.Overwrite), context);
  }

  /** @throws IllegalStateException when the layout has no partition columns */
  @Override
  public Commit overwritePartitions(Dataset<Row> rows, CommitContext context) {
    layout.requirePartitionBy();
    return write(writer(rows).mode(SaveMode.Overwrite).option("partitionOverwriteMode", "dynamic"), context);
  }

  /** @throws UnsupportedOperationException always: plain files have no keys */
  @Override
  public Commit upsert(Dataset<Row> rows, CommitContext context) {
    throw noKeys("upsert");
  }

  /** @throws UnsupportedOperationException always: plain files have no keys */
  @Override
  public Optional<Commit> delete(Dataset<Row> keys, CommitContext context) {
    throw noKeys("delete");
  }

  private DataFrameWriter<Row> writer(Dataset<Row> rows) {
    return rows.write().format(type).options(options).partitionBy(layout.partitionBy().toArray(String[]::new));
  }

  private Commit write(DataFrameWriter<Row> writer, CommitContext context) {
    writer.save(address.requirePath());
    Instant now = Instant.now();
    return new Commit(now.toString(), now, context.properties());
  }

  private UnsupportedOperationException noKeys(String operation) {
    return new UnsupportedOperationException(type + " files cannot " + operation + ": " + address.name());
  }
}
