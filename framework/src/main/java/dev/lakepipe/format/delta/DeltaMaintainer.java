package dev.lakepipe.format.delta;

import dev.lakepipe.format.Commit;
import dev.lakepipe.format.HistoryUnavailableException;
import dev.lakepipe.format.MaintenanceCommits;
import dev.lakepipe.format.SqlMerge;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableMaintainer;
import dev.lakepipe.format.TableNotFoundException;
import dev.lakepipe.format.TableStats;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import scala.Option;

/**
 * Maintains a Delta table with Delta's SQL: OPTIMIZE (with ZORDER BY) compacts, REORG ... APPLY (PURGE) rewrites
 * the files that deletion vectors mark, VACUUM ... RETAIN removes files no version within the retention needs, and
 * RESTORE goes back to a version. Each commit these make carries the lakepipe properties of the commit before it
 * (RESTORE: of the version restored), so the checkpoints stay in the latest commit.
 */
final class DeltaMaintainer implements TableMaintainer {
  private static final String MAX_FILE_SIZE = "spark.databricks.delta.optimize.maxFileSize";
  /** Delta refuses a VACUUM retention under 7 days unless told; lakepipe computes its retention itself. */
  private static final String RETENTION_CHECK = "spark.databricks.delta.retentionDurationCheck.enabled";

  private static final String LISTING_PARALLELISM = "spark.sql.sources.parallelPartitionDiscovery.parallelism";

  private final SparkSession spark;
  private final TableAddress address;
  private final DeltaReader reader;
  private final String table;

  DeltaMaintainer(SparkSession spark, TableAddress address, DeltaReader reader) {
    this.spark = spark;
    this.address = address;
    this.reader = reader;
    this.table = "delta." + SqlMerge.quote(address.requirePath());
  }

  @Override
  public TableStats stats() {
    requireExists();
    Snapshot snapshot = DeltaLog.forTable(spark, address.requirePath()).update(false, Option.empty(), Option.empty());
    long vectors = snapshot.allFiles().where("deletionVector IS NOT NULL").count();
    return new TableStats(snapshot.numOfFiles(), snapshot.sizeInBytes(), vectors, reader.commits().size());
  }

  @Override
  public void compact(OptionalLong targetFileSize, List<String> zOrder) {
    requireExists();
    String zOrderBy = zOrder.isEmpty() ? ""
        : " ZORDER BY (" + zOrder.stream().map(SqlMerge::quote).collect(Collectors.joining(", ")) + ")";
    SessionSetting.with(spark, MAX_FILE_SIZE, targetFileSize.isPresent() ? Long.toString(targetFileSize.getAsLong()) : null,
        () -> {
          carryingProperties(() -> spark.sql("OPTIMIZE " + table + zOrderBy).collect());
          if (stats().deleteFiles() > 0) {
            // OPTIMIZE leaves files whose deletion vectors mark few rows; the purge rewrites them all.
            carryingProperties(() -> spark.sql("REORG TABLE " + table + " APPLY (PURGE)").collect());
          }
        });
  }

  @Override
  public void cleanHistory(Duration retain, int retainCommits) {
    requireExists();
    // VACUUM keeps files by age only; retainCommits has no Delta operation.
    double hours = Math.ceil(retain.toSeconds() / 36.0) / 100;
    // VACUUM lists the table's folders in as many tasks as this says (10,000 by default, sized for clusters).
    String listing = Integer.toString(spark.sparkContext().defaultParallelism());
    SessionSetting.with(spark, LISTING_PARALLELISM, listing, () -> SessionSetting.with(spark, RETENTION_CHECK, "false",
        () -> carryingProperties(() ->
            spark.sql(String.format(Locale.ROOT, "VACUUM %s RETAIN %.2f HOURS", table, hours)).collect())));
  }

  @Override
  public Commit restore(Commit commit) {
    requireExists();
    if (reader.commits().stream().noneMatch(c -> c.id().equals(commit.id()))) {
      throw new HistoryUnavailableException(address, commit.id(), "version " + commit.id()
          + " is no longer in the Delta log");
    }
    DeltaWriter.withUserMetadata(spark, commit.properties(), () ->
        spark.sql("RESTORE TABLE " + table + " TO VERSION AS OF " + Long.parseLong(commit.id())).collect());
    return reader.latestCommit().orElseThrow();
  }

  private void carryingProperties(Runnable statement) {
    DeltaWriter.withUserMetadata(spark, MaintenanceCommits.properties(reader.latestCommit()), statement);
  }

  private void requireExists() {
    if (!reader.exists()) {
      throw new TableNotFoundException(address);
    }
  }
}
