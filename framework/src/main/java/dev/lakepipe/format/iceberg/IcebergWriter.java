package dev.lakepipe.format.iceberg;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.SchemaChanges;
import dev.lakepipe.format.SqlMerge;
import dev.lakepipe.format.SqlMergeTableWriter;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableNotFoundException;
import dev.lakepipe.spec.Storage;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.iceberg.RowLevelOperationMode;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.spark.CommitMetadata;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.CreateTableWriter;
import org.apache.spark.sql.DataFrameWriterV2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.catalyst.analysis.TableAlreadyExistsException;
import org.apache.spark.sql.types.DataType;

/**
 * Writes an Iceberg table: appends and overwrites with the DataFrameWriterV2, upserts and deletes with SQL
 * MERGE. Each snapshot's summary carries the lakepipe properties. The first write creates the table,
 * identity-partitioned by the layout, with the layout's storage and then the spec's options as table properties: a
 * copy-on-write table is format version 2; a merge-on-read table is format version 3, whose deletes are deletion
 * vectors (the fastest MERGE measured, and no pile of position-delete files).
 */
final class IcebergWriter extends SqlMergeTableWriter {
  /** The table properties that say how updates, deletes and merges are written. */
  private static final List<String> ROW_LEVEL_MODES =
      List.of(TableProperties.DELETE_MODE, TableProperties.UPDATE_MODE, TableProperties.MERGE_MODE);

  /** Write options with this prefix become snapshot summary properties, without the prefix. */
  private static final String SNAPSHOT_PROPERTY = "snapshot-property.";

  private final IcebergReader table;

  IcebergWriter(SparkSession spark, TableAddress address, TableLayout layout, IcebergReader reader) {
    super(address, reader, layout, new SqlMerge(spark, quotedIdentifier(address), layout,
        (properties, source, statement) -> CommitMetadata.withCommitProperties(properties, () -> {
          statement.run();
          return null;
        }, RuntimeException.class)));
    this.table = reader;
  }

  /**
   * A merge-on-read table whose keys name their partition takes the keys' rows without a MERGE: equality deletes on
   * the keys and the new rows in one commit ({@link KeyReplacement}), which reads nothing of the table. An equality
   * delete reaches only its own partition, so a table partitioned by other columns than its keys MERGEs, as a
   * copy-on-write table does.
   */
  @Override
  protected void writeReplaceKeys(Dataset<Row> rows, Dataset<Row> keys, CommitContext context) {
    Table iceberg = table.table();
    String mode = iceberg.properties().getOrDefault(TableProperties.MERGE_MODE, TableProperties.MERGE_MODE_DEFAULT);
    List<String> keyColumns = layout.requireKeys();
    boolean keysNamePartitions = iceberg.spec().fields().stream()
        .allMatch(field -> keyColumns.contains(iceberg.schema().findColumnName(field.sourceId())));
    if (RowLevelOperationMode.fromName(mode) == RowLevelOperationMode.MERGE_ON_READ && keysNamePartitions) {
      new KeyReplacement(iceberg, keyColumns).commit(rows, keys, context.properties());
    } else {
      super.writeReplaceKeys(rows, keys, context);
    }
  }

  /**
   * Iceberg's optimistic concurrency: the commit lost the race for the table's metadata (and its retries), or, once
   * retried on the newer snapshot, found files that the other commit added or deleted and that the MERGE would have
   * read ("Found conflicting files ...", under the default serializable isolation).
   */
  @Override
  protected boolean isCommitConflict(Throwable failure) {
    return failure instanceof CommitFailedException
        || (failure instanceof ValidationException && String.valueOf(failure.getMessage()).contains("conflicting"));
  }

  /** Iceberg promotes INT to BIGINT, FLOAT to DOUBLE and a DECIMAL to more precision: every safe widening. */
  @Override
  protected Optional<String> wideningLimit(DataType from, DataType to) {
    return Optional.empty();
  }

  /**
   * One schema update of the table's metadata, which makes no snapshot: the table's history and the checkpoints in
   * its latest snapshot stay as they are until the write commits.
   */
  @Override
  protected void evolveSchema(SchemaChanges changes) {
    UpdateSchema update = table.table().updateSchema();
    changes.added().forEach(column -> update.addColumn(column.name(), SparkSchemaUtil.convert(column.dataType())));
    changes.widened().forEach(change -> update.updateColumn(change.column(),
        SparkSchemaUtil.convert(change.rows()).asPrimitiveType()));
    update.commit();
  }

  private static String quotedIdentifier(TableAddress address) {
    return Arrays.stream(address.requireIdentifier().split("\\."))
        .map(SqlMerge::quote)
        .collect(Collectors.joining("."));
  }

  @FunctionalInterface
  private interface ExistingTableWrite {
    void run(DataFrameWriterV2<Row> writer) throws NoSuchTableException;
  }

  @Override
  protected void writeAppend(Dataset<Row> rows, CommitContext context) {
    writeOrCreate(rows, context, DataFrameWriterV2::append);
  }

  @Override
  protected void writeOverwrite(Dataset<Row> rows, CommitContext context) {
    writeOrCreate(rows, context, writer -> writer.overwrite(lit(true)));
  }

  @Override
  protected void writeOverwritePartitions(Dataset<Row> rows, CommitContext context) {
    writeOrCreate(rows, context, DataFrameWriterV2::overwritePartitions);
  }

  /** @throws TableNotFoundException when the table is dropped while being written */
  private void writeOrCreate(Dataset<Row> rows, CommitContext context, ExistingTableWrite write) {
    DataFrameWriterV2<Row> writer = rows.writeTo(address.requireIdentifier()).options(snapshotProperties(context));
    if (!reader.exists()) {
      create(writer);
      return;
    }
    try {
      write.run(writer);
    } catch (NoSuchTableException e) {
      throw new TableNotFoundException(address, e);
    }
  }

  /** @throws IllegalStateException when another writer created the table since {@code exists()} was asked */
  private void create(DataFrameWriterV2<Row> writer) {
    CreateTableWriter<Row> creating = writer;
    if (layout.isPartitioned()) {
      // Only DataFrameWriterV2 itself has the Java varargs form of partitionedBy.
      Column[] columns = layout.partitionBy().stream().map(name -> col(name)).toArray(Column[]::new);
      creating = writer.partitionedBy(columns[0], Arrays.copyOfRange(columns, 1, columns.length));
    }
    boolean mergeOnRead = layout.storage() == Storage.MERGE_ON_READ;
    creating = creating.tableProperty(TableProperties.FORMAT_VERSION, mergeOnRead ? "3" : "2");
    String mode = (mergeOnRead ? RowLevelOperationMode.MERGE_ON_READ : RowLevelOperationMode.COPY_ON_WRITE).modeName();
    for (String property : ROW_LEVEL_MODES) {
      creating = creating.tableProperty(property, mode);
    }
    for (Map.Entry<String, String> option : address.options().entrySet()) {
      creating = creating.tableProperty(option.getKey(), option.getValue());
    }
    try {
      creating.create();
    } catch (TableAlreadyExistsException e) {
      throw new IllegalStateException("table " + address.location() + " was created by another writer", e);
    }
  }

  private static Map<String, String> snapshotProperties(CommitContext context) {
    Map<String, String> options = new LinkedHashMap<>();
    context.properties().forEach((key, value) -> options.put(SNAPSHOT_PROPERTY + key, value));
    return options;
  }
}
