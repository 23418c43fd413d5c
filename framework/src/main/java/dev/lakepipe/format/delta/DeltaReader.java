package dev.lakepipe.format.delta;

import static org.apache.spark.sql.functions.col;

import dev.lakepipe.format.AbstractTableReader;
import dev.lakepipe.format.ChangeSet;
import dev.lakepipe.format.Commit;
import dev.lakepipe.format.HistoryUnavailableException;
import dev.lakepipe.format.TableAddress;
import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;

/**
 * Reads a Delta table by path; its commits come from the table history, its changes from the change data feed,
 * which reports updates as pre- and post-images and the rows of overwritten files as deletes and inserts.
 */
final class DeltaReader extends AbstractTableReader {
  private final SparkSession spark;

  DeltaReader(SparkSession spark, TableAddress address) {
    super(address);
    this.spark = spark;
  }

  @Override
  public boolean exists() {
    return DeltaTable.isDeltaTable(spark, address.requirePath());
  }

  @Override
  protected Dataset<Row> readSnapshot() {
    return read().load(address.requirePath());
  }

  /** The rows that commits add; commits that update or delete rows are skipped rather than failing the stream. */
  @Override
  protected Dataset<Row> readStream() {
    return spark.readStream().format("delta").options(address.options()).option("skipChangeCommits", "true")
        .load(address.requirePath());
  }

  @Override
  protected Dataset<Row> readVersion(String version) {
    return read().option("versionAsOf", version).load(address.requirePath());
  }

  @Override
  protected Dataset<Row> readTimestamp(Instant timestamp) {
    return read().option("timestampAsOf", timestamp.toString()).load(address.requirePath());
  }

  @Override
  protected Optional<Commit> readLatestCommit() {
    return Optional.of(commit(DeltaTable.forPath(spark, address.requirePath()).history(1)
        .select("version", "timestamp", "userMetadata")
        .head()));
  }

  /** The versions whose commit files the log still holds (log retention, 30 days by default). */
  @Override
  protected List<Commit> readCommits() {
    return DeltaTable.forPath(spark, address.requirePath()).history()
        .select("version", "timestamp", "userMetadata")
        .orderBy("version")
        .collectAsList().stream()
        .map(DeltaReader::commit)
        .toList();
  }

  private static Commit commit(Row version) {
    return new Commit(Long.toString(version.getLong(0)), version.<Timestamp>getAs(1).toInstant(),
        UserMetadata.decode(version.getString(2)));
  }

  /** @throws UnsupportedOperationException when the table's latest version does not record the change data feed */
  @Override
  protected void requireChangesRecorded() {
    if (!DeltaChangeFeed.enabled(DeltaLog.forTable(spark, address.requirePath()).update(false, scala.Option.empty(),
        scala.Option.empty()).metadata())) {
      throw new UnsupportedOperationException("Delta table " + address.name() + " at " + address.location()
          + " does not record its changes: set the table property " + DeltaChangeFeed.ENABLE + " = true");
    }
  }

  /**
   * @throws HistoryUnavailableException when {@code since} is not a version up to the latest, or a version after
   *     it is no longer in the log, was written without the change data feed, or lost files to VACUUM
   */
  @Override
  protected Dataset<Row> readChanges(String since, Commit until) {
    long sinceVersion = numericCommit(since, "a Delta version");
    long untilVersion = Long.parseLong(until.id());
    if (sinceVersion < 0 || sinceVersion > untilVersion) {
      throw new HistoryUnavailableException(address, since, "the latest version is " + untilVersion);
    }
    DeltaChangeFeed.check(spark, address, since, sinceVersion + 1, untilVersion);
    return read()
        .option("readChangeFeed", "true")
        .option("startingVersion", sinceVersion + 1)
        .option("endingVersion", untilVersion)
        .load(address.requirePath())
        // Delta's _change_type already has the common values; versions are consecutive.
        .withColumn(ChangeSet.COMMIT_SEQ, col("_commit_version").minus(sinceVersion))
        .drop("_commit_version", "_commit_timestamp");
  }

  private DataFrameReader read() {
    return spark.read().format("delta").options(address.options());
  }
}
