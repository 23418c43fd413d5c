package dev.lakepipe.format.delta;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

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
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.DeltaOperations;
import org.apache.spark.sql.delta.OptimisticTransaction;
import org.apache.spark.sql.delta.RowTracking;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddFile;
import org.apache.spark.sql.delta.actions.FileAction;
import org.apache.spark.sql.delta.commands.DMLWithDeletionVectorsHelper$;
import org.apache.spark.sql.delta.commands.DeletionVectorBitmapGenerator$;
import org.apache.spark.sql.delta.commands.DeletionVectorResult;
import org.apache.spark.sql.delta.commands.DeletionVectorUtils$;
import org.apache.spark.sql.delta.commands.TouchedFileWithDV;
import org.apache.spark.sql.types.StructType;
import scala.Option;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * Replaces the stored rows of keys with one query that finds them and one that writes the new rows, where Delta's
 * MERGE joins its source with the table three times (to find the files, to write the changed rows and to mark the
 * replaced ones), ~25-30 Spark jobs. The stored rows are found by their key columns alone, in the partitions the keys name
 * (see {@link KeyPartitions}); each file they are in gets a deletion vector marking them, and the new rows go to new
 * files, all in one commit of the transaction that listed the files, so a concurrent commit into those partitions
 * fails it as it fails a MERGE.
 *
 * <p>The commit has no change data files: Delta's change data feed reads such a version from its actions, the rows
 * its new deletion vectors mark as deletes and the rows of its new files as inserts. A key's delete and insert in one
 * commit are its update once the reader is given the keys ({@link dev.lakepipe.format.ChangeSet#withKeys}).
 */
final class DeltaKeyReplacement {
  /** Up to this many keys are sent to every task that reads the table, instead of shuffling the table's keys. */
  private static final long MAX_BROADCAST_KEYS = 500_000;
  private static final String FILE = "__lakepipe_file";
  private static final String ROW_INDEX = "__lakepipe_row_index";

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
    commitOwn(own(rows), own(deleteKeys), properties);
  }

  private void commitOwn(Dataset<Row> rows, Dataset<Row> deleteKeys, Map<String, String> properties) {
    Column[] keyColumns = keys.stream().map(key -> col(SqlMerge.quote(key))).toArray(Column[]::new);
    Dataset<Row> allKeys = rows.select(keyColumns).union(deleteKeys.select(keyColumns));
    // Both counts in one Spark job.
    Row counts = rows.select(lit(1L).as("rows"), lit(0L).as("deletes"))
        .union(deleteKeys.select(lit(0L).as("rows"), lit(1L).as("deletes")))
        .agg(coalesce(sum("rows"), lit(0L)), coalesce(sum("deletes"), lit(0L))).head();
    long rowCount = counts.getLong(0);
    long keyCount = rowCount + counts.getLong(1);
    List<Action> actions = new ArrayList<>();
    if (keyCount > 0) {
      actions.addAll(markStoredRows(keyCount <= MAX_BROADCAST_KEYS ? broadcast(allKeys) : allKeys));
    }
    if (rowCount > 0) {
      actions.addAll(JavaConverters.seqAsJavaList(transaction.writeFiles(tableRows(rows))));
    }
    Expression condition = expr(keys.stream().map(key -> "t." + SqlMerge.quote(key) + " = s."
        + SqlMerge.quote(key)).collect(Collectors.joining(" AND "))).expr();
    DeltaWriter.withUserMetadata(spark, properties, () -> transaction.commit(seq(actions),
        DeltaOperations.Merge$.MODULE$.apply(Option.apply(condition), seq(List.of()), seq(List.of()),
            seq(List.of()))));
  }

  /**
   * Marks the stored rows of the keys in deletion vectors: the actions that give each file its new vector, or remove
   * a file all of whose rows are marked.
   */
  private List<FileAction> markStoredRows(Dataset<Row> allKeys) {
    Optional<Map<String, List<Literal>>> partitions = KeyPartitions.named(allKeys, layout);
    List<Expression> filters = partitions.map(named -> named.entrySet().stream()
        .map(column -> col(SqlMerge.quote(column.getKey()))
            .isin(column.getValue().stream().map(Column::new).toArray()).expr())
        .toList()).orElse(List.of(Literal.TrueLiteral()));
    // With their row counts: a file all of whose rows are marked is removed rather than given a vector.
    Seq<AddFile> candidates = transaction.filterFiles(seq(filters), true);
    if (candidates.isEmpty()) {
      return List.of();
    }
    Snapshot snapshot = transaction.snapshot();
    DeltaLog log = transaction.deltaLog();
    Column[] stored = new Column[keys.size() + 2];
    for (int i = 0; i < keys.size(); i++) {
      stored[i] = col(SqlMerge.quote(keys.get(i)));
    }
    stored[keys.size()] = col("_metadata.file_path").as(FILE);
    stored[keys.size() + 1] = col("_metadata.row_index").as(ROW_INDEX);
    Dataset<Row> matched = log.createDataFrame(snapshot, candidates, false, Option.empty()).select(stored)
        .join(allKeys, seq(keys), "left_semi");
    Seq<DeletionVectorResult> vectors = DeletionVectorBitmapGenerator$.MODULE$
        .buildRowIndexSetsForFilesMatchingCondition(spark, transaction, true, matched, candidates,
            Literal.TrueLiteral(), Option.apply(col(FILE)), Option.apply(col(ROW_INDEX)));
    Seq<TouchedFileWithDV> touched = DMLWithDeletionVectorsHelper$.MODULE$.findFilesWithMatchingRows(transaction,
        DMLWithDeletionVectorsHelper$.MODULE$.generateCandidateFileMap(log.dataPath(), candidates), vectors);
    return JavaConverters.seqAsJavaList(
        DMLWithDeletionVectorsHelper$.MODULE$.processUnmodifiedData(spark, touched, snapshot)._1());
  }

  /**
   * The rows as the table's columns, cast to the table's types (the rows' are the same or narrower), in one task
   * per partition of the table when it is partitioned: a file per partition.
   */
  private Dataset<Row> tableRows(Dataset<Row> rows) {
    StructType schema = transaction.metadata().schema();
    Dataset<Row> table = rows.select(Arrays.stream(schema.fields())
        .map(field -> col(SqlMerge.quote(field.name())).cast(field.dataType()).as(field.name()))
        .toArray(Column[]::new));
    List<String> partitionColumns = JavaConverters.seqAsJavaList(transaction.metadata().partitionColumns());
    return partitionColumns.isEmpty() ? table
        : table.repartition(partitionColumns.stream().map(name -> col(SqlMerge.quote(name))).toArray(Column[]::new));
  }

  private Dataset<Row> own(Dataset<Row> rows) {
    return rows.sparkSession() == spark ? rows : Dataset.ofRows(spark, rows.logicalPlan());
  }

  private static <T> Seq<T> seq(List<T> list) {
    return JavaConverters.asScalaBuffer(list).toSeq();
  }
}
