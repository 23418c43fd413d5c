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
import java.util.OptionalLong;
import java.util.function.Function;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaHistoryManager;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.delta.VersionChecksum;
import org.apache.spark.sql.delta.actions.AddFile;
import org.apache.spark.sql.delta.actions.CommitInfo;
import org.apache.spark.sql.delta.util.FileNames;
import scala.Option;
import scala.collection.Seq;

/**
 * Reads a Delta table by path; its commits come from the table history, its changes from the change data feed,
 * which reports updates as pre- and post-images and the rows of overwritten files as deletes and inserts.
 */
final class DeltaReader extends AbstractTableReader {
  /** How the options that are table properties begin (see {@code DeltaWriter}). */
  private static final String TABLE_PROPERTY = "delta.";
  private final SparkSession spark;

  DeltaReader(SparkSession spark, TableAddress address) {
    super(address);
    this.spark = spark;
  }

  @Override
  public boolean exists() {
    return DeltaTable.isDeltaTable(spark, address.requirePath());
  }

  /**
   * The latest version's rows. When its checksum lists the table's files (as Delta writes it for tables of few
   * files, see {@link DeltaFormat#sessionConf}), the read is planned from that list: Delta would rebuild the
   * version's state and total its files in Spark jobs first (measured: a reader of a table that a stream commits to
   * every second planned each version for ~3.4 s, ~0.4 s from the list). Such a read prunes files by partition and
   * leaves the column statistics of the files to Parquet's footers, which skip row groups, not files; a table of more
   * files, or a read with read options or as of a timestamp, takes Delta's own path, which skips files by their
   * statistics.
   */
  @Override
  protected Dataset<Row> readSnapshot() {
    return plannedFromChecksum(log -> log.update(false, Option.empty(), Option.empty()))
        .orElseGet(() -> read().load(address.requirePath()));
  }

  /** As {@link #readSnapshot}, from the version's own checksum. */
  @Override
  protected Dataset<Row> readVersion(String version) {
    Optional<Dataset<Row>> planned = version.matches("[0-9]{1,18}")
        ? plannedFromChecksum(log -> log.getSnapshotAt(Long.parseLong(version), Option.empty(), Option.empty()))
        : Optional.empty();
    return planned.orElseGet(() -> read().option("versionAsOf", version).load(address.requirePath()));
  }

  /**
   * The rows of a version, planned from the files its checksum lists; empty when it lists none or read options
   * apply (options named {@code delta.*} are the table properties a write gives the table it creates, not read
   * options). Delta builds the dataset in the thread's active session; it must be this reader's, whose temporary
   * views the dataset's steps read (an incremental run refreshes targets side by side, each in a session of its own).
   */
  private Optional<Dataset<Row>> plannedFromChecksum(Function<DeltaLog, Snapshot> version) {
    if (address.options().keySet().stream().anyMatch(option -> !option.startsWith(TABLE_PROPERTY))) {
      return Optional.empty();
    }
    DeltaLog log = log();
    Snapshot snapshot = version.apply(log);
    Option<Seq<AddFile>> listed = listedFiles(snapshot);
    return listed.isDefined()
        ? Optional.of(SessionSetting.active(spark,
            () -> log.createDataFrame(snapshot, listed.get(), false, Option.empty())))
        : Optional.empty();
  }

  /** The files of a version, with their statistics, when its checksum lists them. */
  static Option<Seq<AddFile>> listedFiles(Snapshot snapshot) {
    Option<VersionChecksum> checksum = snapshot.checksumOpt();
    return checksum.isDefined() ? checksum.get().allFiles() : Option.empty();
  }

  /** The rows that commits add; commits that update or delete rows are skipped rather than failing the stream. */
  @Override
  protected Dataset<Row> readStream() {
    return spark.readStream().format("delta").options(address.options()).option("skipChangeCommits", "true")
        .load(address.requirePath());
  }

  @Override
  protected Dataset<Row> readTimestamp(Instant timestamp) {
    return read().option("timestampAsOf", timestamp.toString()).load(address.requirePath());
  }

  /** Read from the log and the latest commit file: the table's history() would be a Spark job each time. */
  @Override
  protected Optional<Commit> readLatestCommit() {
    DeltaLog log = log();
    Snapshot snapshot = log.update(false, Option.empty(), Option.empty());
    String userMetadata = commitInfo(log, snapshot.version()).flatMap(CommitInfo::userMetadata).getOrElse(() -> null);
    // The snapshot's timestamp is the one history() gives its latest version: the commit file's, or in-commit.
    return Optional.of(new Commit(Long.toString(snapshot.version()), Instant.ofEpochMilli(snapshot.timestamp()),
        UserMetadata.decode(userMetadata)));
  }

  /** The rows an append or overwrite wrote, from the commit's operation metrics (Delta records them by default). */
  @Override
  public OptionalLong rowsWritten(Commit commit) {
    DeltaLog log = log();
    Option<String> rows = commitInfo(log, numericCommit(commit.id(), "a Delta version"))
        .flatMap(CommitInfo::operationMetrics).flatMap(metrics -> metrics.get("numOutputRows"));
    return rows.isDefined() ? OptionalLong.of(Long.parseLong(rows.get())) : OptionalLong.empty();
  }

  private static Option<CommitInfo> commitInfo(DeltaLog log, long version) {
    return DeltaHistoryManager.getCommitInfoOpt(log.store(), FileNames.unsafeDeltaFile(log.logPath(), version),
        log.newDeltaHadoopConf());
  }

  private DeltaLog log() {
    return DeltaLog.forTable(spark, address.requirePath());
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
    if (!DeltaChangeFeed.enabled(log().update(false, Option.empty(), Option.empty()).metadata())) {
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
