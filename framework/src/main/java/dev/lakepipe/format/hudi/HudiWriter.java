package dev.lakepipe.format.hudi;

import dev.lakepipe.format.AbstractTableWriter;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableReader;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/**
 * Writes a Hudi table with the Spark data source, one Hudi write operation per method. Every write passes
 * the table's whole configuration, so the first one creates the table with it; the spec's options win.
 */
final class HudiWriter extends AbstractTableWriter {
  private final TableAddress address;

  HudiWriter(TableAddress address, TableLayout layout, TableReader reader) {
    super(reader, layout);
    this.address = address;
  }

  @Override
  protected void writeAppend(Dataset<Row> rows, CommitContext context) {
    write(rows, "insert", context);
  }

  @Override
  protected void writeOverwrite(Dataset<Row> rows, CommitContext context) {
    write(rows, "insert_overwrite_table", context);
  }

  @Override
  protected void writeOverwritePartitions(Dataset<Row> rows, CommitContext context) {
    write(rows, "insert_overwrite", context);
  }

  @Override
  protected void writeUpsert(Dataset<Row> rows, CommitContext context) {
    write(rows, "upsert", context);
  }

  @Override
  protected void writeDelete(Dataset<Row> keys, CommitContext context) {
    // Hudi locates a record by key and partition path, so it needs the stored rows, not just the keys.
    Dataset<Row> stored = reader.snapshot().join(keys, layout.requireKeys().toArray(String[]::new), "left_semi");
    write(stored, "delete", context);
  }

  private void write(Dataset<Row> rows, String operation, CommitContext context) {
    // Append keeps the table and its history; the operation decides what is replaced.
    rows.write().format("hudi").options(options(operation, context)).mode(SaveMode.Append).save(address.requirePath());
  }

  private Map<String, String> options(String operation, CommitContext context) {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("hoodie.table.name", address.table().replace('.', '_'));
    options.put("hoodie.datasource.write.operation", operation);
    options.put("hoodie.datasource.write.table.type", "COPY_ON_WRITE");
    // Pre-images are what incremental runs of aggregates subtract; they exist only if the table starts with CDC.
    options.put("hoodie.table.cdc.enabled", "true");
    options.put("hoodie.table.cdc.supplemental.logging.mode", "DATA_BEFORE_AFTER");
    if (!layout.keys().isEmpty()) {
      options.put("hoodie.datasource.write.recordkey.field", String.join(",", layout.keys()));
      // With an ordering field Hudi merges by event time: an older incoming row never replaces a newer one.
      layout.orderBy().ifPresent(orderBy -> options.put("hoodie.datasource.write.precombine.field", orderBy));
    }
    if (layout.isPartitioned()) {
      options.put("hoodie.datasource.write.partitionpath.field", String.join(",", layout.partitionBy()));
      options.put("hoodie.datasource.write.hive_style_partitioning", "true");
      if (!layout.keys().isEmpty()) {
        // A key is unique across partitions, so an upsert that changes a row's partition moves the row.
        options.put("hoodie.index.type", "GLOBAL_SIMPLE");
        options.put("hoodie.simple.index.update.partition.path", "true");
      }
    }
    options.put("hoodie.datasource.write.commitmeta.key.prefix", CommitContext.PREFIX);
    options.putAll(context.properties());
    options.putAll(address.options());
    return options;
  }
}
