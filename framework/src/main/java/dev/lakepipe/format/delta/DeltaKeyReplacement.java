package dev.lakepipe.format.delta;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import dev.lakepipe.format.KeyPartitions;
import dev.lakepipe.format.SqlMerge;
import dev.lakepipe.format.TableLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.delta.DeltaLog$;
import org.apache.spark.sql.delta.DeltaOperations;
import org.apache.spark.sql.delta.OptimisticTransaction;
import org.apache.spark.sql.delta.RowTracking;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddFile;
import org.apache.spark.sql.delta.actions.FileAction;
import org.apache.spark.sql.delta.actions.RemoveFile;
import org.apache.spark.sql.delta.commands.DMLWithDeletionVectorsHelper$;
import org.apache.spark.sql.delta.commands.DeletionVectorBitmapGenerator$;
import org.apache.spark.sql.delta.commands.DeletionVectorResult;
import org.apache.spark.sql.delta.commands.DeletionVectorUtils$;
import org.apache.spark.sql.delta.commands.TouchedFileWithDV;
import org.apache.spark.sql.delta.implicits.package$;
import org.apache.spark.sql.types.StructType;
import scala.Option;
import scala.Tuple2;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * Replaces the stored rows of keys with one query that finds them and one that writes the new rows, where Delta's
 * MERGE joins its source with the table three times (to find the files, to write the changed rows and to mark the
 * replaced ones), ~25-30 Spark jobs. The stored rows are found by their key columns alone, in the partitions the keys name
 * (see {@link KeyPartitions}); each file they are in gets a deletion vector marking them, and the new rows go to new
 * files, all in one commit of the transaction that listed the files, so a concurrent commit into those partitions
 * fails it as it fails a MERGE. An upsert ("latest wins") is the same replacement of the keys whose stored row is not
 * newer, found in the same query.
 *
 * <p>The commit has no change data files: Delta's change data feed reads such a version from its actions, the rows
 * its new deletion vectors mark as deletes and the rows of its new files as inserts. A key's delete and insert in one
 * commit are its update once the reader is given the keys ({@link dev.lakepipe.format.ChangeSet#withKeys}).
 */
final class DeltaKeyReplacement {
  /** Up to this many keys are sent to every task that reads the table, instead of shuffling the table's keys. */
  private static final long MAX_BROADCAST_KEYS = 500_000;
  private static final long ROWS_PER_TASK = 100_000;
  private static final Encoder<AddFile> ADD_FILE = package$.MODULE$.addFileEncoder();
  private static final String FILE = "__lakepipe_file";
  private static final String ROW_INDEX = "__lakepipe_row_index";
  private static final String NEW_ORDER = "__lakepipe_new_order";
  private static final String STORED_ORDER = "__lakepipe_stored_order";

  private final SparkSession spark;
  private final OptimisticTransaction transaction;
  private final List<String> keys;
  private final TableLayout layout;

  /** @param transaction a new transaction of the table, which commits the replacement */
  DeltaKeyReplacement(SparkSession spark, OptimisticTransaction transaction, TableLayout layout) {
    this.spark = spark;
    this.transaction = transaction;
    this.layout = layout;
    this.keys = layout.requireKeys();
  }

  /**
   * Whether the table takes a replacement of rows with these columns: it writes deletion vectors, assigns no row
   * ids (which an update keeps, and a replacement would not), is not append-only, and has no column the rows lack
   * (which a MERGE keeps).
   */
  boolean applies(StructType rows) {
    Snapshot snapshot = transaction.snapshot();
    List<String> columns = Arrays.asList(rows.fieldNames());
    return DeletionVectorUtils$.MODULE$.deletionVectorsWritable(snapshot.protocol(), snapshot.metadata())
        && !RowTracking.isSupported(snapshot.protocol())
        && !"true".equalsIgnoreCase(snapshot.metadata().configuration().getOrElse("delta.appendOnly", () -> "false"))
        && Arrays.stream(snapshot.metadata().schema().fieldNames()).allMatch(columns::contains);
  }

  /**
   * Commits the rows as the only rows of their keys and deletes the stored rows of {@code deleteKeys}, with the
   * properties as the commit's user metadata. Also with nothing to write it commits, to record the properties.
   *
   * @param rows the table's columns (or more), one row per key
   * @param deleteKeys the key columns, no key of the rows
   * @throws org.apache.spark.sql.delta.DeltaConcurrentModificationException when a concurrent commit changed the
   *     partitions the replacement read
   * @throws org.apache.spark.SparkException (undeclared) when a task cannot read or write its files
   */
  void commit(Dataset<Row> rows, Dataset<Row> deleteKeys, Map<String, String> properties) {
    // A streaming micro-batch's rows are its own session's; the table is read in this one.
    Dataset<Row> ownRows = own(rows);
    Dataset<Row> ownDeletes = own(deleteKeys);
    // Both counts and the partitions the keys name in one query.
    KeyPartitions.Tally tally = KeyPartitions.tally(
        ownRows.select(with(keyColumns(), lit(1L).as("rows"), lit(0L).as("deletes")))
            .union(ownDeletes.select(with(keyColumns(), lit(0L).as("rows"), lit(1L).as("deletes")))),
        layout, List.of(col("rows"), col("deletes")));
    long rowCount = tally.sums().get(0);
    long keyCount = rowCount + tally.sums().get(1);
    List<Action> actions = new ArrayList<>();
    if (keyCount > 0) {
      Seq<AddFile> candidates = candidates(tally.partitions());
      if (!candidates.isEmpty()) {
        Dataset<Row> allKeys = ownRows.select(keyColumns()).union(ownDeletes.select(keyColumns()));
        actions.addAll(mark(storedRows(candidates, List.of()).join(sized(allKeys, keyCount), seq(keys), "left_semi"),
            candidates));
      }
    }
    if (rowCount > 0) {
      actions.addAll(write(ownRows, tasksFor(rowCount)));
    }
    commit(actions, properties);
  }

  /**
   * Upserts the rows in one commit, as {@link SqlMerge#upsert} does with a MERGE: a row replaces the stored row of
   * its key unless that one is newer by the layout's order-by column (a null on either side keeps the stored row),
   * and a row of a new key is added. The rows are read once, and the stored rows of their keys once.
   *
   * @param rows the table's columns (or more), one row per key
   * @throws org.apache.spark.sql.delta.DeltaConcurrentModificationException when a concurrent commit changed the
   *     partitions the upsert read
   * @throws org.apache.spark.SparkException (undeclared) when a task cannot read or write its files
   */
  void upsert(Dataset<Row> rows, Map<String, String> properties) {
    Optional<String> orderBy = layout.orderBy();
    Dataset<Row> kept = own(rows).persist();
    try {
      // The count and the partitions the keys name in one query.
      KeyPartitions.Tally tally = KeyPartitions.tally(kept, layout, List.of(lit(1L)));
      long rowCount = tally.sums().get(0);
      int tasks = tasksFor(rowCount);
      // Kept rows are merged without a shuffle; few of them are one task, and one file written.
      Dataset<Row> merged = kept.coalesce(tasks);
      List<Action> actions = new ArrayList<>();
      Seq<AddFile> candidates = rowCount > 0 ? candidates(tally.partitions()) : seq(List.of());
      if (candidates.isEmpty()) {
        actions.addAll(rowCount > 0 ? write(merged, tasks) : List.of());
      } else {
        List<Column> incoming = new ArrayList<>(List.of(keyColumns()));
        orderBy.ifPresent(column -> incoming.add(col(SqlMerge.quote(column)).as(NEW_ORDER)));
        // Grouped by file as the deletion vectors need them, in as many tasks as the rows need (at most one each).
        Dataset<Row> matched = storedRows(candidates,
            orderBy.map(column -> col(SqlMerge.quote(column)).as(STORED_ORDER)).stream().toList())
            .join(sized(merged.select(incoming.toArray(Column[]::new)), rowCount), seq(keys))
            .repartition(tasks, col(FILE));
        if (orderBy.isEmpty()) {
          actions.addAll(mark(matched, candidates));
          actions.addAll(write(merged, tasks));
        } else {
          // Read twice: the stored rows replaced, and the keys whose stored row is newer, whose rows are not written.
          Dataset<Row> both = matched.persist();
          try {
            Column replaces = coalesce(col(NEW_ORDER).geq(col(STORED_ORDER)), lit(false));
            actions.addAll(mark(both.where(replaces), candidates));
            actions.addAll(write(merged.join(both.where(not(replaces)).select(keyColumns()), seq(keys), "left_anti"),
                tasks));
          } finally {
            both.unpersist();
          }
        }
      }
      commit(actions, properties);
    } finally {
      kept.unpersist();
    }
  }

  private void commit(List<Action> actions, Map<String, String> properties) {
    Expression condition = expr(keys.stream().map(key -> "t." + SqlMerge.quote(key) + " = s."
        + SqlMerge.quote(key)).collect(Collectors.joining(" AND "))).expr();
    DeltaWriter.withUserMetadata(spark, properties, () -> transaction.commit(seq(actions),
        DeltaOperations.Merge$.MODULE$.apply(Option.apply(condition), seq(List.of()), seq(List.of()),
            seq(List.of()))));
  }

  /**
   * The files of the partitions named (all when none are), as the log holds them (statistics and tags included),
   * read by the transaction. They are taken from the version's checksum when it lists the table's files, as Delta
   * writes it for tables of few files (see {@link DeltaFormat#sessionConf}), else from the table's state, which a
   * Spark job rebuilds for each new version. Delta's {@code filterFiles} would also total the table's files and
   * bytes (another such job) and keep only the files' row counts.
   */
  private Seq<AddFile> candidates(Optional<Map<String, List<Literal>>> partitions) {
    Seq<Expression> filters = seq(partitions.map(named -> named.entrySet().stream()
        .map(column -> col(SqlMerge.quote(column.getKey()))
            .isin(column.getValue().stream().map(Column::new).toArray()).expr())
        .toList()).orElse(List.of(Literal.TrueLiteral())));
    Snapshot snapshot = transaction.snapshot();
    Option<Seq<AddFile>> listed = DeltaReader.listedFiles(snapshot);
    // Filtering a local list is planned, not run, by Spark.
    Dataset<AddFile> files = listed.isDefined() ? spark.createDataset(listed.get(), ADD_FILE) : snapshot.allFiles();
    Seq<AddFile> candidates = seq(DeltaLog$.MODULE$.filterFileList(snapshot.metadata().partitionSchema(),
        files.toDF(), filters, seq(List.of()), true).as(ADD_FILE).collectAsList());
    transaction.trackReadPredicates(filters, false, true);
    transaction.trackFilesRead(candidates);
    return candidates;
  }

  /** The key columns of the candidates' stored rows, the other columns given, and each row's file and position. */
  private Dataset<Row> storedRows(Seq<AddFile> candidates, List<Column> others) {
    List<Column> stored = new ArrayList<>(List.of(keyColumns()));
    stored.addAll(others);
    stored.add(col("_metadata.file_path").as(FILE));
    stored.add(col("_metadata.row_index").as(ROW_INDEX));
    return transaction.deltaLog().createDataFrame(transaction.snapshot(), candidates, false, Option.empty())
        .select(stored.toArray(Column[]::new));
  }

  /**
   * Marks the stored rows in deletion vectors: the actions that give each candidate file they are in its new vector,
   * or remove a file all of whose rows are marked.
   *
   * @param marked stored rows of the candidates, with their file and position
   */
  private List<FileAction> mark(Dataset<Row> marked, Seq<AddFile> candidates) {
    Seq<DeletionVectorResult> vectors = DeletionVectorBitmapGenerator$.MODULE$
        .buildRowIndexSetsForFilesMatchingCondition(spark, transaction, true, marked, candidates,
            Literal.TrueLiteral(), Option.apply(col(FILE)), Option.apply(col(ROW_INDEX)));
    Seq<TouchedFileWithDV> touched = DMLWithDeletionVectorsHelper$.MODULE$.findFilesWithMatchingRows(transaction,
        DMLWithDeletionVectorsHelper$.MODULE$.generateCandidateFileMap(transaction.deltaLog().dataPath(), candidates),
        vectors);
    List<TouchedFileWithDV> files = JavaConverters.seqAsJavaList(touched);
    if (files.stream().anyMatch(file -> file.fileLogEntry().numPhysicalRecords().isEmpty())) {
      // Delta counts the rows of files whose statistics lack them from their footers.
      return JavaConverters.seqAsJavaList(
          DMLWithDeletionVectorsHelper$.MODULE$.processUnmodifiedData(spark, touched, transaction.snapshot())._1());
    }
    long now = System.currentTimeMillis();
    List<FileAction> actions = new ArrayList<>();
    for (TouchedFileWithDV file : files) {
      if (file.isFullyReplaced()) {
        actions.add(file.fileLogEntry().removeWithTimestamp(now, true));
      } else {
        // The file keeps its statistics, as bounds of its rows that are no longer tight.
        Tuple2<AddFile, RemoveFile> replaced = file.fileLogEntry().removeRows(file.newDeletionVector(), true, true);
        actions.add(replaced._1());
        actions.add(replaced._2());
      }
    }
    return actions;
  }

  /** Up to {@value #MAX_BROADCAST_KEYS} keys go to every task that reads the table, instead of shuffling its keys. */
  private static Dataset<Row> sized(Dataset<Row> keyRows, long count) {
    return count <= MAX_BROADCAST_KEYS ? broadcast(keyRows) : keyRows;
  }

  /** @param tasks the tasks that write a partitioned table's rows (a file per partition whatever their number) */
  private List<Action> write(Dataset<Row> rows, int tasks) {
    return new ArrayList<>(JavaConverters.seqAsJavaList(transaction.writeFiles(tableRows(rows, tasks))));
  }

  /**
   * The tasks for this many rows, at most the session's shuffle partitions: a task per {@value #ROWS_PER_TASK}
   * rows, so that the few rows of a micro-batch are one task at each step instead of a task per shuffle partition.
   */
  private int tasksFor(long rows) {
    return (int) Math.max(1, Math.min(spark.sessionState().conf().numShufflePartitions(),
        (rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK));
  }

  private Column[] keyColumns() {
    return keys.stream().map(key -> col(SqlMerge.quote(key))).toArray(Column[]::new);
  }

  private static Column[] with(Column[] columns, Column... more) {
    Column[] all = Arrays.copyOf(columns, columns.length + more.length);
    System.arraycopy(more, 0, all, columns.length, more.length);
    return all;
  }

  /**
   * The rows as the table's columns, cast to the table's types (the rows' are the same or narrower), each partition
   * of a partitioned table in one of {@code tasks} tasks: a file per partition.
   */
  private Dataset<Row> tableRows(Dataset<Row> rows, int tasks) {
    StructType schema = transaction.metadata().schema();
    Dataset<Row> table = rows.select(Arrays.stream(schema.fields())
        .map(field -> col(SqlMerge.quote(field.name())).cast(field.dataType()).as(field.name()))
        .toArray(Column[]::new));
    List<String> partitionColumns = JavaConverters.seqAsJavaList(transaction.metadata().partitionColumns());
    return partitionColumns.isEmpty() ? table : table.repartition(tasks,
        partitionColumns.stream().map(name -> col(SqlMerge.quote(name))).toArray(Column[]::new));
  }

  private Dataset<Row> own(Dataset<Row> rows) {
    return rows.sparkSession() == spark ? rows : Dataset.ofRows(spark, rows.logicalPlan());
  }

  private static <T> Seq<T> seq(List<T> list) {
    return JavaConverters.asScalaBuffer(list).toSeq();
  }
}
