package dev.lakepipe.format.iceberg;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import dev.lakepipe.format.AbstractTableReader;
import dev.lakepipe.format.ChangeRows;
import dev.lakepipe.format.ChangeSet;
import dev.lakepipe.format.Commit;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.HistoryUnavailableException;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableNotFoundException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.MetadataColumns;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.iceberg.util.SnapshotUtil;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.types.DataTypes;

/**
 * Reads an Iceberg table of the Spark catalog; its commits are the table's snapshots. Changes come from the
 * table's {@code changes} metadata table (the incremental changelog scan behind {@code create_changelog_view}),
 * which reports every row of a rewritten data file as a DELETE and an INSERT; {@link ChangeRows} removes the
 * carry-overs and pairs updates by key, as {@code create_changelog_view} would with {@code identifier_columns},
 * without registering a view in the session.
 */
final class IcebergReader extends AbstractTableReader {
  private final SparkSession spark;

  IcebergReader(SparkSession spark, TableAddress address) {
    super(address);
    this.spark = spark;
  }

  @Override
  public boolean exists() {
    return spark.catalog().tableExists(address.requireIdentifier());
  }

  @Override
  protected Dataset<Row> readSnapshot() {
    return read().load(address.requireIdentifier());
  }

  /** The rows that append snapshots add; overwrite and delete snapshots are skipped rather than failing the stream. */
  @Override
  protected Dataset<Row> readStream() {
    return spark.readStream().format("iceberg").option("streaming-skip-overwrite-snapshots", "true")
        .option("streaming-skip-delete-snapshots", "true").load(address.requireIdentifier());
  }

  @Override
  protected Dataset<Row> readVersion(String snapshotId) {
    return read().option("snapshot-id", snapshotId).load(address.requireIdentifier());
  }

  @Override
  protected Dataset<Row> readTimestamp(Instant timestamp) {
    return read().option("as-of-timestamp", timestamp.toEpochMilli()).load(address.requireIdentifier());
  }

  /**
   * @throws TableNotFoundException when the table was dropped since {@link #exists()} was asked
   * @throws IllegalArgumentException when the identifier is not valid SQL
   */
  @Override
  protected Optional<Commit> readLatestCommit() {
    Table table = table();
    // The catalog caches tables; another writer may have committed since.
    table.refresh();
    return Optional.ofNullable(table.currentSnapshot()).map(IcebergReader::commit);
  }

  /**
   * The records the snapshot added, from its summary.
   *
   * @throws TableNotFoundException when the table was dropped
   */
  @Override
  public OptionalLong rowsWritten(Commit commit) {
    Snapshot snapshot = table().snapshot(numericCommit(commit.id(), "an Iceberg snapshot id"));
    String added = snapshot == null ? null : snapshot.summary().get(SnapshotSummary.ADDED_RECORDS_PROP);
    return added == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(added));
  }

  /**
   * The snapshot's total records, exact when no delete file hides some of them (copy-on-write tables).
   *
   * @throws TableNotFoundException when the table was dropped
   */
  @Override
  public OptionalLong rowsAt(Commit commit) {
    Snapshot snapshot = table().snapshot(numericCommit(commit.id(), "an Iceberg snapshot id"));
    if (snapshot == null) {
      return OptionalLong.empty();
    }
    Map<String, String> summary = snapshot.summary();
    String records = summary.get(SnapshotSummary.TOTAL_RECORDS_PROP);
    boolean noDeletes = "0".equals(summary.get(SnapshotSummary.TOTAL_POS_DELETES_PROP))
        && "0".equals(summary.get(SnapshotSummary.TOTAL_EQ_DELETES_PROP));
    return records != null && noDeletes ? OptionalLong.of(Long.parseLong(records)) : OptionalLong.empty();
  }

  /**
   * The current snapshot and its ancestors that are not expired; snapshots rolled back are not the table's history.
   *
   * @throws TableNotFoundException when the table was dropped since {@link #exists()} was asked
   */
  @Override
  protected List<Commit> readCommits() {
    Table table = table();
    table.refresh();
    List<Commit> commits = new ArrayList<>();
    SnapshotUtil.currentAncestors(table).forEach(snapshot -> commits.add(0, commit(snapshot)));
    return commits;
  }

  /** Every snapshot records the data and delete files it added and removed, so its changes can be read. */
  @Override
  protected void requireChangesRecorded() {}

  /**
   * @throws HistoryUnavailableException when {@code since} is not a snapshot id of the table, was expired, or
   *     is not an ancestor of the latest snapshot (rolled back, or newer)
   * @throws UnsupportedOperationException when the snapshots hold delete files that lakepipe cannot read (see
   *     {@link DeleteFileChanges#read})
   */
  @Override
  protected Dataset<Row> readChanges(String since, Commit until) {
    long sinceId = numericCommit(since, "an Iceberg snapshot id");
    long untilId = Long.parseLong(until.id());
    Table table = table();
    table.refresh();
    if (table.snapshot(sinceId) == null) {
      throw new HistoryUnavailableException(address, since, "the table has no such snapshot (expired, or never made)");
    }
    if (!SnapshotUtil.isAncestorOf(table, untilId, sinceId)) {
      throw new HistoryUnavailableException(address, since,
          "it is not an ancestor of the latest snapshot " + untilId + " (rolled back, or newer)");
    }
    List<Snapshot> snapshots = new ArrayList<>();
    SnapshotUtil.ancestorsBetween(table, untilId, sinceId).forEach(snapshot -> snapshots.add(0, snapshot));
    boolean deleteFiles = Stream.concat(Stream.of(table.snapshot(sinceId)), snapshots.stream())
        .anyMatch(snapshot -> !"0".equals(snapshot.summary().getOrDefault(SnapshotSummary.TOTAL_DELETE_FILES_PROP, "0")));
    if (deleteFiles) {
      // Iceberg's changelog scan (through 1.10) refuses delete files (apache/iceberg PRs 10935 and 14264).
      return new DeleteFileChanges(spark, table, address.requireIdentifier()).read(table.snapshot(sinceId), snapshots);
    }
    return changelog(sinceId, untilId, snapshots);
  }

  /** The changes of snapshots without delete files, from Iceberg's changelog scan. */
  private Dataset<Row> changelog(long sinceId, long untilId, List<Snapshot> snapshots) {
    // Oldest first: all snapshots after since, and those the changelog numbers in _change_ordinal (not REPLACE).
    List<Long> commits = new ArrayList<>();
    List<Column> ordinals = new ArrayList<>();
    for (Snapshot snapshot : snapshots) {
      commits.add(snapshot.snapshotId());
      if (!DataOperations.REPLACE.equals(snapshot.operation())) {
        ordinals.add(lit(snapshot.snapshotId()));
      }
    }
    Column ordinal = col(MetadataColumns.CHANGE_ORDINAL.name());
    Column snapshot = col(MetadataColumns.COMMIT_SNAPSHOT_ID.name());
    Column type = col(MetadataColumns.CHANGE_TYPE.name());
    Dataset<Row> changes = read()
        .option("start-snapshot-id", sinceId)
        .option("end-snapshot-id", untilId)
        .load(address.requireIdentifier() + ".changes");
    return changes
        // Iceberg 1.10.1 fills the changelog's three metadata columns by position: a query that reads only some
        // of them gets values of the wrong column (ClassCastException). Reading all three, through a check that
        // ordinal and snapshot agree, keeps them together.
        .withColumn(ChangeSet.COMMIT_SEQ, when(snapshotOf(ordinals, ordinal).equalTo(snapshot),
            ChangeRows.sequence(snapshot, commits)))
        .withColumn(ChangeSet.COMMIT_SEQ, ChangeRows.orFail(col(ChangeSet.COMMIT_SEQ),
            "an Iceberg change's ordinal and snapshot disagree"))
        .withColumn(ChangeSet.CHANGE_TYPE, ChangeRows.orFail(
            when(type.equalTo("INSERT"), lit(ChangeSet.INSERT))
                .when(type.equalTo("DELETE"), lit(ChangeSet.DELETE))
                .when(type.equalTo("UPDATE_BEFORE"), lit(ChangeSet.UPDATE_PREIMAGE))
                .when(type.equalTo("UPDATE_AFTER"), lit(ChangeSet.UPDATE_POSTIMAGE)),
            "unknown Iceberg change type"))
        .drop(MetadataColumns.CHANGE_ORDINAL.name(), MetadataColumns.COMMIT_SNAPSHOT_ID.name());
  }

  private static Column snapshotOf(List<Column> snapshots, Column ordinal) {
    return snapshots.isEmpty()
        ? lit(null).cast(DataTypes.LongType)
        : element_at(array(snapshots.toArray(Column[]::new)), ordinal.plus(1));
  }

  private static Commit commit(Snapshot snapshot) {
    Map<String, String> properties = snapshot.summary().entrySet().stream()
        .filter(entry -> entry.getKey().startsWith(CommitContext.PREFIX))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    return new Commit(
        Long.toString(snapshot.snapshotId()), Instant.ofEpochMilli(snapshot.timestampMillis()), properties);
  }

  /**
   * @throws TableNotFoundException when the table does not exist
   * @throws IllegalArgumentException when the identifier is not valid SQL
   */
  Table table() {
    try {
      return Spark3Util.loadIcebergTable(spark, address.requireIdentifier());
    } catch (NoSuchTableException e) {
      throw new TableNotFoundException(address, e);
    } catch (ParseException e) {
      throw new IllegalArgumentException("not a table identifier: " + address.requireIdentifier(), e);
    }
  }

  private DataFrameReader read() {
    return spark.read().format("iceberg");
  }
}
