package dev.lakepipe.format.iceberg;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.regexp_replace;

import dev.lakepipe.format.ChangeSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.BaseDeleteLoader;
import org.apache.iceberg.data.DeleteLoader;
import org.apache.iceberg.deletes.PositionDeleteIndex;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * The changes of Iceberg snapshots that hold delete files (merge-on-read writes: position delete files in format
 * v2, deletion vectors in v3), which Iceberg's own changelog scan refuses. Read from what each snapshot changed:
 * the rows of the data files it added are inserts; the rows its delete files newly mark, and those of the data
 * files it removed that were still live, are deletes. Planning runs on the driver over the table's metadata and
 * the (small) delete files; the data files involved are then read once, in one Spark scan, and only the rows at
 * those positions are kept. {@link dev.lakepipe.format.ChangeRows} pairs them into updates as for any format.
 *
 * <p>Data files are read as Parquet by column name against the table's current schema: a column added later reads
 * as null, as Iceberg reads it; a renamed column could not be matched, so such tables are refused.
 */
final class DeleteFileChanges {
  private static final String FILE = "__lakepipe_file";
  private static final String POSITION = "__lakepipe_pos";
  private static final String WHOLE_FILE = "__lakepipe_whole_file";

  private static final String EMPTY_AUTHORITY = "^([a-zA-Z][a-zA-Z0-9+.-]*):///";
  private static final StructType SELECTION = new StructType()
      .add(FILE, DataTypes.StringType, false)
      .add(POSITION, DataTypes.LongType, true)
      .add(WHOLE_FILE, DataTypes.BooleanType, false)
      .add(ChangeSet.COMMIT_SEQ, DataTypes.LongType, false)
      .add(ChangeSet.CHANGE_TYPE, DataTypes.StringType, false);

  private final SparkSession spark;
  private final Table table;
  private final DeleteLoader deletes;

  DeleteFileChanges(SparkSession spark, Table table) {
    this.spark = spark;
    this.table = table;
    this.deletes = new BaseDeleteLoader(file -> table.io().newInputFile(file));
  }

  /**
   * The changes of {@code snapshots} (oldest first, each the child of the one before; {@code since} the parent of
   * the first), in the shape of {@link IcebergReader#readChanges}: the table's columns, the change type and the
   * snapshot's position in {@code snapshots}, from 1.
   *
   * @throws UnsupportedOperationException when a snapshot has equality deletes, a data file is not Parquet, or a
   *     column of the table was renamed
   */
  Dataset<Row> read(Snapshot since, List<Snapshot> snapshots) {
    requireColumnsNeverRenamed();
    List<Row> selection = new ArrayList<>();
    // By the normalized location: the data files whose rows are selected whole, and those selected at positions.
    Map<String, String> wholeFiles = new LinkedHashMap<>();
    Map<String, String> positionFiles = new LinkedHashMap<>();
    Map<String, List<DeleteFile>> deletesBefore = deletesByDataFile(since);
    for (int i = 0; i < snapshots.size(); i++) {
      Snapshot snapshot = snapshots.get(i);
      Map<String, List<DeleteFile>> deletesAfter = deletesByDataFile(snapshot);
      // A rewrite (compaction, rewriting delete files) changes no row.
      if (!DataOperations.REPLACE.equals(snapshot.operation())) {
        long seq = i + 1L;
        for (DataFile added : snapshot.addedDataFiles(table.io())) {
          select(selection, wholeFiles, added, seq, ChangeSet.INSERT, positions(deletesAfter, added.location()));
        }
        for (DataFile removed : snapshot.removedDataFiles(table.io())) {
          select(selection, wholeFiles, removed, seq, ChangeSet.DELETE,
              positions(deletesBefore, removed.location()));
        }
        Set<String> marked = new HashSet<>();
        snapshot.addedDeleteFiles(table.io()).forEach(file -> marked.add(file.location()));
        for (Map.Entry<String, List<DeleteFile>> entry : deletesAfter.entrySet()) {
          if (entry.getValue().stream().anyMatch(file -> marked.contains(file.location()))) {
            Set<Long> now = positions(deletesAfter, entry.getKey());
            now.removeAll(positions(deletesBefore, entry.getKey()));
            for (long position : now) {
              selection.add(RowFactory.create(normalized(entry.getKey()), position, false, seq, ChangeSet.DELETE));
            }
            positionFiles.putIfAbsent(normalized(entry.getKey()), entry.getKey());
          }
        }
      }
      deletesBefore = deletesAfter;
    }
    return rowsAt(wholeFiles, positionFiles, selection);
  }

  /** Every row of {@code file} but those at {@code deleted} positions, as a change of this kind. */
  private void select(List<Row> selection, Map<String, String> wholeFiles, DataFile file, long seq,
      String changeType, Set<Long> deleted) {
    String path = normalized(file.location());
    wholeFiles.putIfAbsent(path, file.location());
    selection.add(RowFactory.create(path, null, true, seq, changeType));
    for (long position : deleted) {
      // A negative position marks a row of a whole-file selection that is left out.
      selection.add(RowFactory.create(path, -1 - position, true, seq, changeType));
    }
  }

  /**
   * The selected rows. Each selection scans only its own files: the files whose deleted positions an hour names are
   * the table's older files, and each is read once, not also by the scan of the files selected whole.
   */
  private Dataset<Row> rowsAt(Map<String, String> wholeFiles, Map<String, String> positionFiles,
      List<Row> selection) {
    StructType rowType = SparkSchemaUtil.convert(table.schema());
    List<Column> result = new ArrayList<>();
    for (String name : rowType.fieldNames()) {
      result.add(col(name));
    }
    result.add(col(ChangeSet.CHANGE_TYPE));
    result.add(col(ChangeSet.COMMIT_SEQ));
    Column[] columns = result.toArray(Column[]::new);
    Dataset<Row> chosen = spark.createDataFrame(selection, SELECTION);
    List<Dataset<Row>> parts = new ArrayList<>();
    if (!positionFiles.isEmpty()) {
      parts.add(scan(positionFiles.values(), rowType)
          .join(broadcast(chosen.where(not(col(WHOLE_FILE))).drop(WHOLE_FILE)), using(FILE, POSITION))
          .select(columns));
    }
    if (!wholeFiles.isEmpty()) {
      Dataset<Row> leftOut = chosen.where(col(WHOLE_FILE).and(col(POSITION).isNotNull()))
          .withColumn(POSITION, lit(-1L).minus(col(POSITION))).drop(WHOLE_FILE);
      parts.add(scan(wholeFiles.values(), rowType)
          .join(broadcast(chosen.where(col(WHOLE_FILE).and(col(POSITION).isNull())).drop(WHOLE_FILE, POSITION)),
              using(FILE))
          .join(broadcast(leftOut), using(FILE, POSITION, ChangeSet.COMMIT_SEQ, ChangeSet.CHANGE_TYPE), "left_anti")
          .select(columns));
    }
    return parts.stream().reduce(Dataset::unionAll).orElseGet(() -> spark.createDataFrame(List.of(), rowType)
        .withColumn(ChangeSet.CHANGE_TYPE, lit(null).cast(DataTypes.StringType))
        .withColumn(ChangeSet.COMMIT_SEQ, lit(null).cast(DataTypes.LongType)));
  }

  /** The rows of the data files, each with its file's normalized location and its position in the file. */
  private Dataset<Row> scan(Collection<String> locations, StructType rowType) {
    return spark.read().schema(rowType).parquet(locations.toArray(String[]::new))
        .withColumn(FILE, regexp_replace(col("_metadata.file_path"), EMPTY_AUTHORITY, "$1:/"))
        .withColumn(POSITION, col("_metadata.row_index"));
  }

  private static Seq<String> using(String... columns) {
    return JavaConverters.asScalaBuffer(List.of(columns)).toSeq();
  }

  /** The deleted positions of a data file, by the delete files that apply to it. */
  private Set<Long> positions(Map<String, List<DeleteFile>> deleteFiles, String dataFile) {
    List<DeleteFile> files = deleteFiles.getOrDefault(dataFile, List.of());
    Set<Long> positions = new HashSet<>();
    if (!files.isEmpty()) {
      PositionDeleteIndex index = deletes.loadPositionDeletes(files, dataFile);
      index.forEach(positions::add);
    }
    return positions;
  }

  /**
   * The delete files that apply to each live data file of a snapshot.
   *
   * @throws UnsupportedOperationException for equality delete files and data files that are not Parquet
   */
  private Map<String, List<DeleteFile>> deletesByDataFile(Snapshot snapshot) {
    Map<String, List<DeleteFile>> byDataFile = new HashMap<>();
    if (snapshot == null) {
      return byDataFile;
    }
    try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(snapshot.snapshotId()).planFiles()) {
      for (FileScanTask task : tasks) {
        requireParquet(task.file());
        for (DeleteFile delete : task.deletes()) {
          if (delete.content() == FileContent.EQUALITY_DELETES) {
            throw new UnsupportedOperationException("cannot read the changes of Iceberg table " + table.name()
                + ": snapshot " + snapshot.snapshotId() + " has equality delete files (written by a streaming"
                + " writer such as Flink's upsert mode); lakepipe reads position deletes and deletion vectors");
          }
        }
        if (!task.deletes().isEmpty()) {
          byDataFile.put(task.file().location(), List.copyOf(task.deletes()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot plan the files of Iceberg table " + table.name(), e);
    }
    return byDataFile;
  }

  private void requireParquet(ContentFile<?> file) {
    if (file.format() != FileFormat.PARQUET) {
      throw new UnsupportedOperationException("cannot read the changes of Iceberg table " + table.name()
          + ": data file " + file.location() + " is " + file.format() + "; lakepipe reads merge-on-read changes"
          + " of Parquet data files");
    }
  }

  /** @throws UnsupportedOperationException when a column of the current schema had another name before */
  private void requireColumnsNeverRenamed() {
    Schema current = table.schema();
    for (Schema older : table.schemas().values()) {
      for (Types.NestedField field : current.columns()) {
        Types.NestedField before = older.findField(field.fieldId());
        if (before != null && !Objects.equals(before.name(), field.name())) {
          throw new UnsupportedOperationException("cannot read the merge-on-read changes of Iceberg table "
              + table.name() + ": column " + field.name() + " was named " + before.name() + " before");
        }
      }
    }
  }

  /**
   * A data file's location as the scan names it: a qualified URI, without the empty authority that Spark may or may
   * not write ({@code file:/a/b} for {@code /a/b}, {@code file:/a/b} and {@code file:///a/b}).
   */
  private String normalized(String location) {
    Path path = new Path(location);
    try {
      return path.getFileSystem(spark.sparkContext().hadoopConfiguration()).makeQualified(path).toUri().toString()
          .replaceFirst(EMPTY_AUTHORITY, "$1:/");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot resolve the file system of " + location, e);
    }
  }
}
