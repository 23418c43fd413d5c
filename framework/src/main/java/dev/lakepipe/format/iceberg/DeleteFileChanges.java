package dev.lakepipe.format.iceberg;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.udf;

import dev.lakepipe.format.ChangeSet;
import dev.lakepipe.format.SqlMerge;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.MetadataColumns;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.BaseDeleteLoader;
import org.apache.iceberg.data.DeleteLoader;
import org.apache.iceberg.deletes.PositionDeleteIndex;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.iceberg.types.Types;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
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
 * <p>Equality deletes (lakepipe's own key replacements, {@link KeyReplacement}, or a streaming writer's) name keys,
 * not positions: the rows they delete are those of the parent snapshot, as Iceberg reads it, whose keys they name,
 * and the live rows of a removed data file that equality deletes reached are read the same way. Equality deletes
 * whose columns do not name their partition are refused: a key of another partition would match.
 *
 * <p>Data files are read as Parquet by column name against the table's current schema: a column added later reads
 * as null, as Iceberg reads it; a renamed column could not be matched, so such tables are refused.
 */
final class DeleteFileChanges {
  private static final String FILE = "__lakepipe_file";
  private static final String POSITION = "__lakepipe_pos";
  private static final String WHOLE_FILE = "__lakepipe_whole_file";

  private static final String EMPTY_AUTHORITY = "^([a-zA-Z][a-zA-Z0-9+.-]*):///";
  private static final Pattern WITHOUT_AUTHORITY = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*:/[^/].*");
  private static final StructType SELECTION = new StructType()
      .add(FILE, DataTypes.StringType, false)
      .add(POSITION, DataTypes.LongType, true)
      .add(WHOLE_FILE, DataTypes.BooleanType, false)
      .add(ChangeSet.COMMIT_SEQ, DataTypes.LongType, false)
      .add(ChangeSet.CHANGE_TYPE, DataTypes.StringType, false);

  private final SparkSession spark;
  private final Table table;
  private final String identifier;
  private final DeleteLoader deletes;

  /** The delete files that apply to the live data files of a snapshot. */
  private record Deletes(Map<String, List<DeleteFile>> positional, Set<String> byKey) {
    static final Deletes NONE = new Deletes(Map.of(), Set.of());
  }

  /** What one snapshot deleted by key: the parent's rows of the equality deletes' keys, and of removed files. */
  private record KeyedDeletes(long seq, long parent, List<DeleteFile> byKey, List<String> removedFiles) {}

  /** @param identifier the table as Spark's catalog names it */
  DeleteFileChanges(SparkSession spark, Table table, String identifier) {
    this.spark = spark;
    this.table = table;
    this.identifier = identifier;
    this.deletes = new BaseDeleteLoader(file -> table.io().newInputFile(file));
  }

  /**
   * The changes of {@code snapshots} (oldest first, each the child of the one before; {@code since} the parent of
   * the first), in the shape of {@link IcebergReader#readChanges}: the table's columns, the change type and the
   * snapshot's position in {@code snapshots}, from 1.
   *
   * @throws UnsupportedOperationException when a data file is not Parquet, a column of the table was renamed, or
   *     an equality delete's columns do not name its partition
   */
  Dataset<Row> read(Snapshot since, List<Snapshot> snapshots) {
    requireColumnsNeverRenamed();
    List<Row> selection = new ArrayList<>();
    // By the normalized location: the data files whose rows are selected whole, and those selected at positions.
    Map<String, String> wholeFiles = new LinkedHashMap<>();
    Map<String, String> positionFiles = new LinkedHashMap<>();
    List<KeyedDeletes> keyed = new ArrayList<>();
    Deletes deletesBefore = deletesOf(since);
    for (int i = 0; i < snapshots.size(); i++) {
      Snapshot snapshot = snapshots.get(i);
      Deletes deletesAfter = deletesOf(snapshot);
      // A rewrite (compaction, rewriting delete files) changes no row.
      if (!DataOperations.REPLACE.equals(snapshot.operation())) {
        long seq = i + 1L;
        for (DataFile added : snapshot.addedDataFiles(table.io())) {
          select(selection, wholeFiles, added, seq, ChangeSet.INSERT, positions(deletesAfter, added.location()));
        }
        List<String> removedByKey = new ArrayList<>();
        for (DataFile removed : snapshot.removedDataFiles(table.io())) {
          if (deletesBefore.byKey().contains(removed.location())) {
            removedByKey.add(removed.location());
          } else {
            select(selection, wholeFiles, removed, seq, ChangeSet.DELETE,
                positions(deletesBefore, removed.location()));
          }
        }
        Set<String> marked = new HashSet<>();
        List<DeleteFile> byKey = new ArrayList<>();
        for (DeleteFile added : snapshot.addedDeleteFiles(table.io())) {
          marked.add(added.location());
          if (added.content() == FileContent.EQUALITY_DELETES) {
            requireKeysNamePartition(added);
            byKey.add(added);
          }
        }
        for (Map.Entry<String, List<DeleteFile>> entry : deletesAfter.positional().entrySet()) {
          if (entry.getValue().stream().anyMatch(file -> marked.contains(file.location()))) {
            Set<Long> now = positions(deletesAfter, entry.getKey());
            now.removeAll(positions(deletesBefore, entry.getKey()));
            String path = normalized(entry.getKey());
            for (long position : now) {
              selection.add(RowFactory.create(path, position, false, seq, ChangeSet.DELETE));
            }
            positionFiles.putIfAbsent(path, entry.getKey());
          }
        }
        if (!byKey.isEmpty() || !removedByKey.isEmpty()) {
          Snapshot parent = i == 0 ? since : snapshots.get(i - 1);
          keyed.add(new KeyedDeletes(seq, parent.snapshotId(), byKey, removedByKey));
        }
      }
      deletesBefore = deletesAfter;
    }
    List<Dataset<Row>> parts = new ArrayList<>(rowsAt(wholeFiles, positionFiles, selection));
    keyed.forEach(deleted -> parts.add(deletedByKey(deleted)));
    return parts.stream().reduce(Dataset::unionAll).orElseGet(() -> spark.createDataFrame(List.of(), rowType())
        .withColumn(ChangeSet.CHANGE_TYPE, lit(null).cast(DataTypes.StringType))
        .withColumn(ChangeSet.COMMIT_SEQ, lit(null).cast(DataTypes.LongType)));
  }

  /**
   * The rows one snapshot deleted by key, as deletes: the parent snapshot's rows (Iceberg applies every delete file)
   * whose keys its equality deletes name, and those of the data files it removed.
   */
  private Dataset<Row> deletedByKey(KeyedDeletes deleted) {
    Dataset<Row> parent = spark.read().format("iceberg").option("snapshot-id", deleted.parent()).load(identifier);
    Column file = col(MetadataColumns.FILE_PATH.name());
    List<Dataset<Row>> rows = new ArrayList<>();
    Dataset<Row> kept = parent;
    if (!deleted.removedFiles().isEmpty()) {
      Column removed = file.isin(deleted.removedFiles().toArray());
      rows.add(parent.where(removed));
      // A row of a removed file whose key is deleted too is deleted once.
      kept = parent.where(not(removed));
    }
    Dataset<Row> candidates = kept;
    Map<List<Integer>, List<String>> filesByKey = new LinkedHashMap<>();
    for (DeleteFile byKey : deleted.byKey()) {
      filesByKey.computeIfAbsent(byKey.equalityFieldIds(), ids -> new ArrayList<>()).add(byKey.location());
    }
    filesByKey.forEach((ids, files) -> {
      String[] names = ids.stream().map(id -> table.schema().findColumnName(id)).toArray(String[]::new);
      Dataset<Row> keys = spark.read().parquet(files.toArray(String[]::new)).select(names(names)).distinct();
      Column matches = null;
      for (String name : names) {
        Column equal = candidates.col(SqlMerge.quote(name)).eqNullSafe(keys.col(SqlMerge.quote(name)));
        matches = matches == null ? equal : matches.and(equal);
      }
      rows.add(candidates.join(broadcast(keys), matches, "left_semi"));
    });
    StructType rowType = rowType();
    List<String> read = List.of(parent.columns());
    List<Column> columns = new ArrayList<>();
    for (StructField field : rowType.fields()) {
      // A column added after the parent snapshot reads as null, as for the data files read by name.
      columns.add(read.contains(field.name()) ? col(SqlMerge.quote(field.name()))
          : lit(null).cast(field.dataType()).as(field.name()));
    }
    columns.add(lit(ChangeSet.DELETE).as(ChangeSet.CHANGE_TYPE));
    columns.add(lit(deleted.seq()).as(ChangeSet.COMMIT_SEQ));
    return rows.stream().reduce(Dataset::unionAll).orElseThrow().select(columns.toArray(Column[]::new));
  }

  private static Column[] names(String... names) {
    return Arrays.stream(names).map(name -> col(SqlMerge.quote(name))).toArray(Column[]::new);
  }

  private StructType rowType() {
    return SparkSchemaUtil.convert(table.schema());
  }

  /**
   * @throws UnsupportedOperationException when the delete's columns leave out a source column of its partition: a
   *     key could then match rows of other partitions, which the delete does not reach
   */
  private void requireKeysNamePartition(DeleteFile delete) {
    PartitionSpec spec = table.specs().get(delete.specId());
    for (PartitionField field : spec.fields()) {
      if (!delete.equalityFieldIds().contains(field.sourceId())) {
        throw new UnsupportedOperationException("cannot read the changes of Iceberg table " + table.name()
            + ": equality delete file " + delete.location() + " deletes by columns that do not name its partition ("
            + table.schema().findColumnName(field.sourceId()) + "); lakepipe reads equality deletes whose columns"
            + " include the partition's");
      }
    }
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
  private List<Dataset<Row>> rowsAt(Map<String, String> wholeFiles, Map<String, String> positionFiles,
      List<Row> selection) {
    StructType rowType = rowType();
    List<Column> result = new ArrayList<>();
    for (String name : rowType.fieldNames()) {
      result.add(col(name));
    }
    result.add(col(ChangeSet.CHANGE_TYPE));
    result.add(col(ChangeSet.COMMIT_SEQ));
    Column[] columns = result.toArray(Column[]::new);
    // From an RDD, not a local relation: Spark's analyzer and optimizer walk a local relation's rows in every rule
    // and plan comparison, and an hour's selection holds tens of thousands (a second of the driver per change read).
    Dataset<Row> chosen = spark.createDataFrame(
        JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(inEverySpelling(selection), 1), SELECTION);
    List<Dataset<Row>> parts = new ArrayList<>();
    if (!positionFiles.isEmpty()) {
      parts.add(scan(positionFiles.values(), rowType)
          .where(positionIn(selection))
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
    return parts;
  }

  /**
   * The rows whose position in their file is one that any file's selection names. An hour deletes a few rows of each
   * older file it reaches: this test of a number leaves most rows scanned out before the join, which hashes each
   * row's file location. The positions go to the tasks as a broadcast variable, which needs no Spark job, and stay
   * out of the plan, whose text would list each one in every query's description.
   */
  private Column positionIn(List<Row> selection) {
    Set<Long> positions = new HashSet<>();
    for (Row row : selection) {
      if (!row.getBoolean(2)) {
        positions.add(row.getLong(1));
      }
    }
    Broadcast<Set<Long>> named = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(positions);
    return udf((UDF1<Long, Boolean>) position -> named.value().contains(position), DataTypes.BooleanType)
        .apply(col(POSITION));
  }

  /** The rows of the data files, each with its file's location as the scan names it and its position in the file. */
  private Dataset<Row> scan(Collection<String> locations, StructType rowType) {
    return spark.read().schema(rowType).parquet(locations.toArray(String[]::new))
        .withColumn(FILE, col("_metadata.file_path"))
        .withColumn(POSITION, col("_metadata.row_index"));
  }

  /**
   * The selection with each location also spelled with the empty authority ({@code file:///a/b} beside {@code
   * file:/a/b}): the scan may name a file either way, and matching both on this small side spares rewriting the
   * location of every row scanned.
   */
  private static List<Row> inEverySpelling(List<Row> selection) {
    List<Row> spelled = new ArrayList<>(selection.size() * 2);
    for (Row row : selection) {
      spelled.add(row);
      String location = row.getString(0);
      if (WITHOUT_AUTHORITY.matcher(location).matches()) {
        spelled.add(RowFactory.create(location.replaceFirst(":/", ":///"), row.get(1), row.get(2), row.get(3),
            row.get(4)));
      }
    }
    return spelled;
  }

  private static Seq<String> using(String... columns) {
    return JavaConverters.asScalaBuffer(List.of(columns)).toSeq();
  }

  /** The deleted positions of a data file, by the delete files that apply to it. */
  private Set<Long> positions(Deletes deleteFiles, String dataFile) {
    List<DeleteFile> files = deleteFiles.positional().getOrDefault(dataFile, List.of());
    Set<Long> positions = new HashSet<>();
    if (!files.isEmpty()) {
      PositionDeleteIndex index = deletes.loadPositionDeletes(files, dataFile);
      index.forEach(positions::add);
    }
    return positions;
  }

  /**
   * The position deletes that apply to each live data file of a snapshot, and the data files that equality deletes
   * apply to.
   *
   * @throws UnsupportedOperationException for data files that are not Parquet
   */
  private Deletes deletesOf(Snapshot snapshot) {
    if (snapshot == null) {
      return Deletes.NONE;
    }
    Map<String, List<DeleteFile>> positional = new HashMap<>();
    Set<String> byKey = new HashSet<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(snapshot.snapshotId()).planFiles()) {
      for (FileScanTask task : tasks) {
        requireParquet(task.file());
        List<DeleteFile> positions = new ArrayList<>();
        for (DeleteFile delete : task.deletes()) {
          if (delete.content() == FileContent.EQUALITY_DELETES) {
            byKey.add(task.file().location());
          } else {
            positions.add(delete);
          }
        }
        if (!positions.isEmpty()) {
          positional.put(task.file().location(), List.copyOf(positions));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot plan the files of Iceberg table " + table.name(), e);
    }
    return new Deletes(positional, byKey);
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
