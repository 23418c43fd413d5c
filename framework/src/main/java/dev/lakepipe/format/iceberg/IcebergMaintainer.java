package dev.lakepipe.format.iceberg;

import dev.lakepipe.format.Commit;
import dev.lakepipe.format.HistoryUnavailableException;
import dev.lakepipe.format.MaintenanceCommits;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableMaintainer;
import dev.lakepipe.format.TableStats;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.actions.RewriteDataFiles;
import org.apache.iceberg.spark.actions.SparkActions;
import org.apache.iceberg.util.SnapshotUtil;
import org.apache.spark.sql.SparkSession;

/**
 * Maintains an Iceberg table with the Spark actions behind Iceberg's system procedures: rewrite_data_files (with a
 * Z-order sort) and rewrite_position_delete_files compact, expire_snapshots, remove_orphan_files and
 * rewrite_manifests clean the history, rollback_to_snapshot restores. The actions are called directly so that the
 * snapshots they commit carry the lakepipe properties of the snapshot before (the procedures take no snapshot
 * properties).
 */
final class IcebergMaintainer implements TableMaintainer {
  /** Small tables have few files: two are worth rewriting (Iceberg's default waits for five). */
  private static final String MIN_INPUT_FILES = "min-input-files";
  /** A data file with any delete file is rewritten, so merge-on-read deletes end up in the data files. */
  private static final String DELETE_FILE_THRESHOLD = "delete-file-threshold";

  private final SparkSession spark;
  private final TableAddress address;
  private final IcebergReader reader;

  IcebergMaintainer(SparkSession spark, TableAddress address, IcebergReader reader) {
    this.spark = spark;
    this.address = address;
    this.reader = reader;
  }

  @Override
  public TableStats stats() {
    Table table = current();
    Snapshot snapshot = table.currentSnapshot();
    Map<String, String> summary = snapshot == null ? Map.of() : snapshot.summary();
    int commits = 0;
    for (Snapshot ignored : SnapshotUtil.currentAncestors(table)) {
      commits++;
    }
    return new TableStats(total(summary, SnapshotSummary.TOTAL_DATA_FILES_PROP),
        total(summary, SnapshotSummary.TOTAL_FILE_SIZE_PROP), total(summary, SnapshotSummary.TOTAL_DELETE_FILES_PROP),
        commits);
  }

  private static long total(Map<String, String> summary, String key) {
    return Long.parseLong(summary.getOrDefault(key, "0"));
  }

  @Override
  public void compact(OptionalLong targetFileSize, List<String> zOrder) {
    Table table = current();
    RewriteDataFiles rewrite = SparkActions.get(spark).rewriteDataFiles(table)
        .option(MIN_INPUT_FILES, "2")
        .option(DELETE_FILE_THRESHOLD, "1")
        .option(RewriteDataFiles.REMOVE_DANGLING_DELETES, "true");
    targetFileSize.ifPresent(size -> rewrite.option(RewriteDataFiles.TARGET_FILE_SIZE_BYTES, Long.toString(size)));
    if (!zOrder.isEmpty()) {
      rewrite.zOrder(zOrder.toArray(String[]::new));
    }
    carryingProperties(rewrite::snapshotProperty);
    rewrite.execute();
    if (stats().deleteFiles() > 0) {
      var deletes = SparkActions.get(spark).rewritePositionDeletes(current());
      carryingProperties(deletes::snapshotProperty);
      deletes.execute();
    }
  }

  @Override
  public void cleanHistory(Duration retain, int retainCommits) {
    long olderThan = Instant.now().minus(retain).toEpochMilli();
    SparkActions.get(spark).expireSnapshots(current()).expireOlderThan(olderThan)
        .retainLast(Math.max(1, retainCommits)).execute();
    SparkActions.get(spark).deleteOrphanFiles(current()).olderThan(olderThan).execute();
    var manifests = SparkActions.get(spark).rewriteManifests(current());
    carryingProperties(manifests::snapshotProperty);
    manifests.execute();
  }

  @Override
  public Commit restore(Commit commit) {
    Table table = current();
    long snapshotId = Long.parseLong(commit.id());
    if (table.snapshot(snapshotId) == null || !SnapshotUtil.isAncestorOf(table, snapshotId)) {
      throw new HistoryUnavailableException(address, commit.id(),
          "it is not a snapshot in the table's history (expired, or rolled back)");
    }
    // The snapshot becomes the current one again, with its own properties: no new snapshot is made.
    table.manageSnapshots().rollbackTo(snapshotId).commit();
    return reader.latestCommit().orElseThrow();
  }

  private void carryingProperties(java.util.function.BiFunction<String, String, ?> property) {
    MaintenanceCommits.properties(reader.latestCommit()).forEach(property::apply);
  }

  /** @throws dev.lakepipe.format.TableNotFoundException when the table does not exist */
  private Table current() {
    Table table = reader.table();
    table.refresh();
    return table;
  }
}
