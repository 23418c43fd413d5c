package dev.lakepipe.format.iceberg;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.lakepipe.format.SqlMerge;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SerializableTable;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.iceberg.spark.data.SparkParquetWriters;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.AtomicType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;

/**
 * Replaces the stored rows of keys without reading them, as Iceberg's streaming upserts do: one commit (a row delta)
 * of equality delete files on the keys and data files of the keys' new rows. An equality delete applies to the rows
 * committed before it, so it removes each key's stored row, and not the new one of the same commit. Spark tasks
 * write both kinds of file, each task the partitions the rows are distributed to; the driver commits what they wrote.
 *
 * <p>Where a MERGE reads every file of the partitions its keys fall in, this reads nothing of the table: its cost
 * follows the rows written. Reads of the table then apply the deletes, until a compaction ({@code lakepipe
 * maintain}) rewrites the files.
 */
final class KeyReplacement {
  /** Marks the rows that only delete their key. */
  private static final String DELETE_ONLY = "__lakepipe_delete_only";

  private final Table table;
  private final List<String> keys;

  KeyReplacement(Table table, List<String> keys) {
    this.table = table;
    this.keys = List.copyOf(keys);
  }

  /**
   * Commits the rows as the only rows of their keys and deletes the rows of {@code deleteKeys}, with the properties in
   * the snapshot's summary.
   *
   * @param rows the table's columns, one row per key
   * @param deleteKeys the key columns, no key of the rows
   * @throws org.apache.iceberg.exceptions.ValidationException when a concurrent commit added data or delete files
   *     since the table's current snapshot
   * @throws org.apache.iceberg.exceptions.CommitFailedException when the commit lost the race for the metadata
   * @throws org.apache.spark.SparkException (undeclared) when a task cannot write its files
   */
  void commit(Dataset<Row> rows, Dataset<Row> deleteKeys, Map<String, String> properties) {
    table.refresh();
    Snapshot start = table.currentSnapshot();
    Schema schema = table.schema();
    StructType rowType = SparkSchemaUtil.convert(schema);
    Column[] columns = new Column[rowType.size() + 1];
    Column[] keyOnly = new Column[rowType.size() + 1];
    for (int i = 0; i < rowType.size(); i++) {
      String name = rowType.fields()[i].name();
      columns[i] = col(SqlMerge.quote(name));
      keyOnly[i] = (keys.contains(name) ? col(SqlMerge.quote(name)) : lit(null))
          .cast(rowType.fields()[i].dataType()).as(name);
    }
    columns[rowType.size()] = lit(false).as(DELETE_ONLY);
    keyOnly[rowType.size()] = lit(true).as(DELETE_ONLY);
    Dataset<Row> all = rows.select(columns).unionByName(deleteKeys.select(keyOnly));
    PartitionSpec spec = table.spec();
    if (spec.isPartitioned()) {
      // One task per partition, its rows together: a data file and a delete file per partition.
      Column[] sources = spec.fields().stream()
          .map(field -> col(SqlMerge.quote(schema.findColumnName(field.sourceId()))))
          .toArray(Column[]::new);
      all = all.repartition(sources).sortWithinPartitions(sources);
    }
    WriteTask task = new WriteTask(SerializableTable.copyOf(table), rowType, keys, UUID.randomUUID().toString());
    List<byte[]> written = all.queryExecution().toRdd().toJavaRDD().mapPartitionsWithIndex(task, false).collect();
    RowDelta delta = table.newRowDelta();
    List<String> locations = new ArrayList<>();
    for (byte[] files : written) {
      WrittenFiles of = WrittenFiles.from(files);
      of.data().forEach(file -> {
        delta.addRows(file);
        locations.add(file.location());
      });
      of.deletes().forEach(file -> {
        delta.addDeletes(file);
        locations.add(file.location());
      });
    }
    if (start != null) {
      delta.validateFromSnapshot(start.snapshotId())
          .conflictDetectionFilter(Expressions.alwaysTrue())
          .validateNoConflictingDataFiles()
          .validateNoConflictingDeleteFiles();
    }
    properties.forEach(delta::set);
    try {
      delta.commit();
    } catch (ValidationException | CommitFailedException refused) {
      // Refused for certain (unlike a commit whose state is unknown): the files belong to no snapshot.
      locations.forEach(table.io()::deleteFile);
      throw refused;
    }
  }

  /** The files one task wrote. */
  private record WrittenFiles(List<DataFile> data, List<DeleteFile> deletes) implements Serializable {
    byte[] bytes() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ObjectOutputStream objects = new ObjectOutputStream(out)) {
        objects.writeObject(this);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot serialize the files a task wrote", e);
      }
      return out.toByteArray();
    }

    static WrittenFiles from(byte[] bytes) {
      try (ObjectInputStream objects = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
        return (WrittenFiles) objects.readObject();
      } catch (IOException | ClassNotFoundException e) {
        throw new IllegalStateException("cannot read the files a task wrote", e);
      }
    }
  }

  /**
   * Writes one task's rows: each row's key to the equality delete file of its partition, and each row that is not
   * delete-only to the data file of its partition. The rows of a partition arrive together.
   */
  private static final class WriteTask implements Function2<Integer, Iterator<InternalRow>, Iterator<byte[]>> {
    private final Table table;
    private final StructType rowType;
    private final int[] keyOrdinals;
    private final String operation;

    WriteTask(Table table, StructType rowType, List<String> keys, String operation) {
      this.table = table;
      this.rowType = rowType;
      // In the table's order, as the delete files' schema (a projection of the table's) has them.
      this.keyOrdinals = keys.stream().mapToInt(rowType::fieldIndex).sorted().toArray();
      this.operation = operation;
    }

    @Override
    public Iterator<byte[]> call(Integer partition, Iterator<InternalRow> rows) throws IOException {
      OutputFileFactory files = OutputFileFactory.builderFor(table, partition, TaskContext.get().taskAttemptId())
          .format(FileFormat.PARQUET).operationId(operation).build();
      Schema keySchema = table.schema().select(keyNames());
      StructType keyType = SparkSchemaUtil.convert(keySchema);
      int[] equalityIds = keySchema.columns().stream().mapToInt(field -> field.fieldId()).toArray();
      PartitionKey key = new PartitionKey(table.spec(), table.schema());
      RowStruct struct = new RowStruct(rowType);
      List<DataFile> data = new ArrayList<>();
      List<DeleteFile> deletes = new ArrayList<>();
      PartitionKey current = null;
      DataWriter<InternalRow> dataWriter = null;
      EqualityDeleteWriter<InternalRow> deleteWriter = null;
      try {
        while (rows.hasNext()) {
          InternalRow row = rows.next();
          key.partition(struct.wrap(row));
          if (current == null || !current.equals(key)) {
            closeInto(dataWriter, data);
            dataWriter = null;
            closeInto(deleteWriter, deletes);
            current = key.copy();
            EncryptedOutputFile file = files.newOutputFile(table.spec(), current);
            deleteWriter = Parquet.writeDeletes(file.encryptingOutputFile()).forTable(table).withPartition(current)
                .withKeyMetadata(file.keyMetadata()).rowSchema(keySchema).equalityFieldIds(equalityIds)
                .createWriterFunc(type -> SparkParquetWriters.buildWriter(keyType, type)).overwrite()
                .buildEqualityWriter();
          }
          deleteWriter.write(keyOf(row));
          if (!row.getBoolean(rowType.size())) {
            if (dataWriter == null) {
              EncryptedOutputFile file = files.newOutputFile(table.spec(), current);
              dataWriter = Parquet.writeData(file.encryptingOutputFile()).forTable(table).withPartition(current)
                  .withKeyMetadata(file.keyMetadata())
                  .createWriterFunc(type -> SparkParquetWriters.buildWriter(rowType, type)).overwrite().build();
            }
            dataWriter.write(row);
          }
        }
      } finally {
        closeInto(dataWriter, data);
        closeInto(deleteWriter, deletes);
      }
      return List.of(new WrittenFiles(data, deletes).bytes()).iterator();
    }

    private String[] keyNames() {
      return Arrays.stream(keyOrdinals).mapToObj(i -> rowType.fields()[i].name()).toArray(String[]::new);
    }

    private InternalRow keyOf(InternalRow row) {
      Object[] values = new Object[keyOrdinals.length];
      for (int i = 0; i < keyOrdinals.length; i++) {
        int ordinal = keyOrdinals[i];
        values[i] = row.isNullAt(ordinal) ? null : row.get(ordinal, rowType.fields()[ordinal].dataType());
      }
      return new GenericInternalRow(values);
    }

    private static void closeInto(DataWriter<InternalRow> writer, List<DataFile> into) throws IOException {
      if (writer != null) {
        writer.close();
        into.add(writer.toDataFile());
      }
    }

    private static void closeInto(EqualityDeleteWriter<InternalRow> writer, List<DeleteFile> into) throws IOException {
      if (writer != null) {
        writer.close();
        into.add(writer.toDeleteFile());
      }
    }
  }

  /** A Spark row as Iceberg's partition transforms read it: strings, decimals and binaries as Iceberg's values. */
  private static final class RowStruct implements StructLike {
    private final DataType[] types;
    private InternalRow row;

    RowStruct(StructType rowType) {
      this.types = Arrays.stream(rowType.fields()).map(field -> field.dataType()).toArray(DataType[]::new);
    }

    RowStruct wrap(InternalRow wrapped) {
      this.row = wrapped;
      return this;
    }

    @Override
    public int size() {
      return types.length;
    }

    @Override
    public <T> T get(int pos, Class<T> javaClass) {
      if (row.isNullAt(pos)) {
        return null;
      }
      DataType type = types[pos];
      Object value;
      if (type instanceof StringType) {
        value = row.getUTF8String(pos).toString();
      } else if (type instanceof DecimalType decimal) {
        value = row.getDecimal(pos, decimal.precision(), decimal.scale()).toJavaBigDecimal();
      } else if (type instanceof BinaryType) {
        value = ByteBuffer.wrap(row.getBinary(pos));
      } else if (type instanceof ByteType || type instanceof ShortType) {
        // Iceberg keeps them as INT.
        value = ((Number) row.get(pos, type)).intValue();
      } else if (type instanceof AtomicType) {
        // Booleans, numbers, dates (days) and timestamps (microseconds): the same values in both.
        value = row.get(pos, type);
      } else {
        throw new UnsupportedOperationException("cannot partition by a column of type " + type.simpleString());
      }
      return javaClass.cast(value);
    }

    @Override
    public <T> void set(int pos, T value) {
      throw new UnsupportedOperationException("a row being written is read only");
    }
  }
}
