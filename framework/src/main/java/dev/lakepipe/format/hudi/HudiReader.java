package dev.lakepipe.format.hudi;

import static org.apache.hudi.common.table.timeline.HoodieInstantTimeGenerator.MILLIS_INSTANT_TIME_FORMATTER;
import static org.apache.hudi.common.table.timeline.InstantComparison.GREATER_THAN;
import static org.apache.hudi.common.table.timeline.InstantComparison.LESSER_THAN;
import static org.apache.hudi.common.table.timeline.InstantComparison.LESSER_THAN_OR_EQUALS;
import static org.apache.hudi.common.table.timeline.InstantComparison.compareTimestamps;

import dev.lakepipe.format.AbstractTableReader;
import dev.lakepipe.format.ChangesNotReadableException;
import dev.lakepipe.format.Commit;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.HistoryUnavailableException;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableFormat;
import dev.lakepipe.spec.QueryType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hudi.AvroConversionUtils;
import org.apache.hudi.common.model.HoodieCommitMetadata;
import org.apache.hudi.common.model.HoodieRecord;
import org.apache.hudi.common.model.HoodieTableType;
import org.apache.hudi.common.table.HoodieTableConfig;
import org.apache.hudi.common.table.HoodieTableMetaClient;
import org.apache.hudi.common.table.TableSchemaResolver;
import org.apache.hudi.common.table.cdc.HoodieCDCSupplementalLoggingMode;
import org.apache.hudi.common.table.timeline.HoodieActiveTimeline;
import org.apache.hudi.common.table.timeline.HoodieInstant;
import org.apache.hudi.common.table.timeline.HoodieTimeline;
import org.apache.hudi.common.table.timeline.TimelineUtils;
import org.apache.hudi.common.util.CleanerUtils;
import org.apache.hudi.common.util.ClusteringUtils;
import org.apache.hudi.hadoop.fs.HadoopFSUtils;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads a Hudi table through the Spark data source, its commits through Hudi's timeline, and its changes through
 * the CDC query ({@link HudiChangeFeed}), on tables created with {@code hoodie.table.cdc.enabled} and logging mode
 * {@code DATA_BEFORE_AFTER}, as lakepipe creates them.
 */
final class HudiReader extends AbstractTableReader {
  /** Hudi's time-travel read option: an instant time, compared with the commits' requested times. */
  private static final String AS_OF_INSTANT = "as.of.instant";
  /** Hudi's query type: {@code snapshot} (base and log files merged) or {@code read_optimized} (base files only). */
  private static final String QUERY_TYPE = "hoodie.datasource.query.type";

  /**
   * Off by default: the column-stats lookup caches and uncaches a dataset while a query plans, which deadlocks with
   * a cached relation being built around a broadcast join that reads this table (seen in affected-key refreshes).
   * Partition pruning still applies; a spec may turn it on in the source's options.
   */
  private static final String DATA_SKIPPING = "hoodie.enable.data.skipping";

  /** Hudi's meta columns and the delete marker that {@link HudiWriter} writes: no column of the table's rows. */
  private static final Set<String> BOOKKEEPING = Stream.concat(HoodieRecord.HOODIE_META_COLUMNS_WITH_OPERATION.stream(),
      Stream.of(HudiWriter.DELETED)).collect(Collectors.toUnmodifiableSet());

  private final SparkSession spark;

  HudiReader(SparkSession spark, TableAddress address) {
    super(address);
    this.spark = spark;
  }

  /** @throws UncheckedIOException when the file system cannot be asked */
  @Override
  public boolean exists() {
    return metaClient().map(client -> !completedCommits(client).empty()).orElse(false);
  }

  @Override
  protected Dataset<Row> readSnapshot() {
    return withoutMetaColumns(batchRead().load(address.requirePath()));
  }

  /**
   * The schema the latest commit recorded, without the listing of the table's files in a Spark job that planning a
   * read makes.
   *
   * @throws IllegalStateException when the commit's schema cannot be read
   */
  @Override
  protected StructType readSchema() {
    try {
      StructType columns = AvroConversionUtils.convertAvroSchemaToStructType(
          new TableSchemaResolver(metaClient().orElseThrow()).getTableAvroSchema());
      return new StructType(Arrays.stream(columns.fields()).filter(field -> !BOOKKEEPING.contains(field.name()))
          .toArray(StructField[]::new));
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the schema of Hudi table " + address.name() + " at "
          + address.location(), e);
    }
  }

  /** A source's {@link TableFormat#QUERY_TYPE_OPTION} becomes Hudi's query type; the spec's options win. */
  private DataFrameReader batchRead() {
    Map<String, String> options = new LinkedHashMap<>(address.options());
    boolean readOptimized = QueryType.READ_OPTIMIZED.specName().equals(options.remove(TableFormat.QUERY_TYPE_OPTION));
    return spark.read().format("hudi").option(DATA_SKIPPING, "false")
        .option(QUERY_TYPE, readOptimized ? "read_optimized" : "snapshot").options(options);
  }

  /** Hudi's streaming source reads the commits in order, from the first one. */
  @Override
  protected Dataset<Row> readStream() {
    return withoutMetaColumns(spark.readStream().format("hudi").options(address.options())
        .load(address.requirePath()));
  }

  @Override
  protected Dataset<Row> readVersion(String instantTime) {
    return withoutMetaColumns(batchRead()
        .option(AS_OF_INSTANT, instantTime)
        .load(address.requirePath()));
  }

  @Override
  protected Dataset<Row> readTimestamp(Instant timestamp) {
    // Instant times are local date-times in the table's timeline zone.
    ZoneId zone = metaClient().orElseThrow().getTableConfig().getTimelineTimezone().getZoneId();
    return readVersion(MILLIS_INSTANT_TIME_FORMATTER.format(LocalDateTime.ofInstant(timestamp, zone)));
  }

  /**
   * The commit that completed last; its id is its instant (requested) time, its timestamp its completion time.
   *
   * @throws UncheckedIOException when the commit metadata cannot be read
   */
  @Override
  protected Optional<Commit> readLatestCommit() {
    HoodieTableMetaClient client = metaClient().orElseThrow();
    HoodieTimeline commits = completedCommits(client);
    ZoneId zone = client.getTableConfig().getTimelineTimezone().getZoneId();
    return latestWrite(commits).map(instant -> commit(instant, commits, zone));
  }

  /** Concurrent writers may complete out of requested order; Hudi 1.x orders changes by completion time. */
  private static Optional<HoodieInstant> latestWrite(HoodieTimeline commits) {
    return commits.getReverseOrderedInstantsByCompletionTime().findFirst();
  }

  /**
   * The completed commits of the active timeline, in completion order (archived ones are not listed).
   *
   * @throws UncheckedIOException when the commit metadata cannot be read
   */
  @Override
  protected List<Commit> readCommits() {
    HoodieTableMetaClient client = metaClient().orElseThrow();
    HoodieTimeline commits = completedCommits(client);
    ZoneId zone = client.getTableConfig().getTimelineTimezone().getZoneId();
    return commits.getInstantsOrderedByCompletionTime().map(instant -> commit(instant, commits, zone)).toList();
  }

  /**
   * The records the commit inserted or updated, from its write statistics.
   *
   * @throws UncheckedIOException when the commit metadata cannot be read
   */
  @Override
  public OptionalLong rowsWritten(Commit commit) {
    HoodieTimeline commits = completedCommits(metaClient().orElseThrow());
    Optional<HoodieInstant> instant = commits.getInstantsAsStream()
        .filter(i -> i.requestedTime().equals(commit.id())).findFirst();
    if (instant.isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      HoodieCommitMetadata metadata = TimelineUtils.getCommitMetadata(instant.get(), commits);
      return OptionalLong.of(metadata.fetchTotalInsertRecordsWritten() + metadata.fetchTotalUpdateRecordsWritten());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the metadata of Hudi commit " + instant.get(), e);
    }
  }

  /** A commit whose id is its instant (requested) time and whose timestamp is its completion time. */
  private static Commit commit(HoodieInstant instant, HoodieTimeline commits, ZoneId zone) {
    Instant completed = LocalDateTime.parse(instant.getCompletionTime(), MILLIS_INSTANT_TIME_FORMATTER)
        .atZone(zone).toInstant();
    return new Commit(instant.requestedTime(), completed, lakepipeProperties(instant, commits));
  }

  /**
   * @throws UnsupportedOperationException when the table was created without CDC, or with a supplemental logging
   *     mode other than DATA_BEFORE_AFTER
   * @throws ChangesNotReadableException when the table is merge-on-read
   */
  @Override
  protected void requireChangesRecorded() {
    HoodieTableConfig config = metaClient().orElseThrow().getTableConfig();
    if (config.getTableType() == HoodieTableType.MERGE_ON_READ) {
      throw new ChangesNotReadableException("Hudi", address, HudiFormat.MERGE_ON_READ_CHANGES);
    }
    if (!config.isCDCEnabled()) {
      throw new UnsupportedOperationException("Hudi table " + address.name() + " at " + address.location()
          + " does not record its changes: it was created without hoodie.table.cdc.enabled");
    }
    if (config.cdcSupplementalLoggingMode() != HoodieCDCSupplementalLoggingMode.DATA_BEFORE_AFTER) {
      throw new UnsupportedOperationException("Hudi table " + address.name() + " at " + address.location()
          + " logs CDC as " + config.cdcSupplementalLoggingMode() + "; lakepipe reads only DATA_BEFORE_AFTER");
    }
  }

  /**
   * @throws HistoryUnavailableException when {@code since} is not a completed commit on the active timeline, or
   *     the cleaner has removed files of the commits after it
   */
  @Override
  protected Dataset<Row> readChanges(String since, Commit until) {
    HoodieTableMetaClient client = metaClient().orElseThrow();
    HoodieTimeline commits = completedCommits(client);
    if (commits.getInstantsAsStream().noneMatch(instant -> instant.requestedTime().equals(since))) {
      throw new HistoryUnavailableException(address, since, "it is not a completed commit on the active timeline"
          + " (unknown, newer than the latest commit, rolled back, or archived)");
    }
    // As Hudi's own time travel does (TimelineUtils.validateTimestampAsOf): files of commits before the cleaner's
    // earliest commit to retain may be gone.
    Optional<String> earliestRetained = earliestCommitToRetain(client);
    if (earliestRetained.isPresent() && compareTimestamps(since, LESSER_THAN, earliestRetained.get())) {
      throw new HistoryUnavailableException(address, since,
          "the cleaner has removed files of the commits before " + earliestRetained.get());
    }
    // The commits the CDC query reads: instant (requested) time after since, up to until's.
    List<String> window = commits.getInstantsAsStream()
        .map(HoodieInstant::requestedTime)
        .filter(time -> compareTimestamps(time, GREATER_THAN, since)
            && compareTimestamps(time, LESSER_THAN_OR_EQUALS, until.id()))
        .sorted()
        .toList();
    return new HudiChangeFeed(spark, address).read(client, since, until.id(), window, readSnapshot().schema());
  }

  private Optional<String> earliestCommitToRetain(HoodieTableMetaClient client) {
    org.apache.hudi.common.util.Option<HoodieInstant> clean =
        client.getActiveTimeline().getCleanerTimeline().filterCompletedInstants().lastInstant();
    if (!clean.isPresent()) {
      return Optional.empty();
    }
    try {
      String earliest = CleanerUtils.getCleanerMetadata(client, clean.get()).getEarliestCommitToRetain();
      return earliest == null || earliest.isEmpty() ? Optional.empty() : Optional.of(earliest);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the metadata of Hudi clean " + clean.get(), e);
    }
  }

  /** The write's {@link CommitContext#properties()}; the table's own settings that writes record are not among them. */
  private static Map<String, String> lakepipeProperties(HoodieInstant instant, HoodieTimeline commits) {
    return extraMetadata(instant, commits).entrySet().stream()
        .filter(entry -> entry.getKey().startsWith(CommitContext.PREFIX) && !entry.getKey().equals(HudiWriter.BUCKETS))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  private static Map<String, String> extraMetadata(HoodieInstant instant, HoodieTimeline commits) {
    try {
      return TimelineUtils.getCommitMetadata(instant, commits).getExtraMetadata();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the metadata of Hudi commit " + instant, e);
    }
  }

  /**
   * The completed writes; a merge-on-read table's compactions (its only "commit" actions) and clusterings change no
   * rows, so they are not writes.
   */
  private static HoodieTimeline completedCommits(HoodieTableMetaClient client) {
    HoodieActiveTimeline timeline = client.getActiveTimeline();
    HoodieTimeline commits = timeline.getCommitsTimeline().filterCompletedInstants()
        .filter(instant -> !ClusteringUtils.isCompletedClusteringInstant(instant, timeline));
    return client.getTableType() == HoodieTableType.MERGE_ON_READ
        ? commits.filter(instant -> !instant.getAction().equals(HoodieTimeline.COMMIT_ACTION))
        : commits;
  }

  /**
   * The buckets per partition the table's keys are hashed into, as its latest write recorded them ({@link
   * HudiWriter#BUCKETS}); empty for a table without buckets, or no table.
   */
  OptionalInt buckets() {
    Optional<HoodieTimeline> commits = metaClient().map(HudiReader::completedCommits);
    return commits.flatMap(timeline -> latestWrite(timeline)
            .map(instant -> extraMetadata(instant, timeline).get(HudiWriter.BUCKETS)))
        .map(n -> OptionalInt.of(Integer.parseInt(n))).orElse(OptionalInt.empty());
  }

  /** The table's type, or empty when there is no Hudi table at the path. */
  Optional<HoodieTableType> tableType() {
    return metaClient().map(client -> client.getTableConfig().getTableType());
  }

  /** A fresh view of the timeline, or empty when there is no Hudi table at the path. */
  Optional<HoodieTableMetaClient> metaClient() {
    String path = address.requirePath();
    Path meta = new Path(path, HoodieTableMetaClient.METAFOLDER_NAME);
    try {
      if (!created(meta.getFileSystem(spark.sparkContext().hadoopConfiguration()), meta)) {
        return Optional.empty();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look for a Hudi table at " + path, e);
    }
    return Optional.of(metaClient(path));
  }

  /**
   * Clears the folder of a table whose creation was interrupted. Hudi creates its metadata folder before the table's
   * properties, and refuses every later write to a folder that has the one without the other; no commit can precede
   * the properties, so such a folder holds no committed row, only files of an attempt that will be retried.
   *
   * @throws UncheckedIOException when the file system cannot be asked or the folder cannot be cleared
   */
  void clearInterruptedCreation() {
    String path = address.requirePath();
    Path meta = new Path(path, HoodieTableMetaClient.METAFOLDER_NAME);
    try {
      FileSystem files = meta.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (files.exists(meta) && !created(files, meta) && !files.delete(new Path(path), true)) {
        throw new IOException("the file system did not delete it");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear the interrupted creation of the Hudi table at " + path, e);
    }
  }

  /**
   * Whether Hudi finished creating the table: its properties are written, or their backup is there (an update of
   * the properties was interrupted, which Hudi recovers from).
   */
  private static boolean created(FileSystem files, Path meta) throws IOException {
    Path properties = new Path(meta, HoodieTableConfig.HOODIE_PROPERTIES_FILE);
    return files.exists(new Path(meta, HoodieTableConfig.HOODIE_PROPERTIES_FILE_BACKUP))
        || files.exists(properties) && files.getFileStatus(properties).getLen() > 0;
  }

  private HoodieTableMetaClient metaClient(String path) {
    return HoodieTableMetaClient.builder()
        .setConf(HadoopFSUtils.getStorageConfWithCopy(spark.sparkContext().hadoopConfiguration()))
        .setBasePath(path)
        .build();
  }

  /** The rows without Hudi's meta columns and the delete marker that {@link HudiWriter} writes. */
  private static Dataset<Row> withoutMetaColumns(Dataset<Row> rows) {
    return rows.drop(BOOKKEEPING.toArray(String[]::new));
  }
}
