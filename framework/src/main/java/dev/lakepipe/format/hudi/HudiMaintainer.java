package dev.lakepipe.format.hudi;

import static org.apache.hudi.common.table.timeline.InstantComparison.GREATER_THAN_OR_EQUALS;
import static org.apache.hudi.common.table.timeline.InstantComparison.compareTimestamps;

import dev.lakepipe.format.Commit;
import dev.lakepipe.format.HistoryUnavailableException;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableMaintainer;
import dev.lakepipe.format.TableNotFoundException;
import dev.lakepipe.format.TableStats;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.apache.hudi.client.SparkRDDWriteClient;
import org.apache.hudi.client.common.HoodieSparkEngineContext;
import org.apache.hudi.common.model.FileSlice;
import org.apache.hudi.common.model.HoodieCleaningPolicy;
import org.apache.hudi.common.model.HoodieFileGroup;
import org.apache.hudi.common.model.HoodieTableType;
import org.apache.hudi.common.table.HoodieTableMetaClient;
import org.apache.hudi.common.table.TableSchemaResolver;
import org.apache.hudi.common.table.timeline.HoodieTimeline;
import org.apache.hudi.common.table.view.HoodieTableFileSystemView;
import org.apache.hudi.common.util.Option;
import org.apache.hudi.config.HoodieArchivalConfig;
import org.apache.hudi.config.HoodieCleanConfig;
import org.apache.hudi.config.HoodieClusteringConfig;
import org.apache.hudi.config.HoodieCompactionConfig;
import org.apache.hudi.config.HoodieWriteConfig;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Maintains a Hudi table with Hudi's Java write client, as its table services do: a merge-on-read table's log files
 * are compacted into its base files, the cleaner (KEEP_LATEST_COMMITS) removes the file versions that no kept commit
 * reads, and a restore rolls back every commit after an earlier one. Clustering rewrites small files into files of
 * the target size. Compactions, clusterings, cleans and restores change no rows and are not writes for
 * {@link HudiReader}, so the latest write's lakepipe properties, with its checkpoints, stay the latest commit's.
 */
final class HudiMaintainer implements TableMaintainer {
  private final SparkSession spark;
  private final TableAddress address;
  private final HudiReader reader;

  HudiMaintainer(SparkSession spark, TableAddress address, HudiReader reader) {
    this.spark = spark;
    this.address = address;
    this.reader = reader;
  }

  /** Files of the latest file slices: base files, and as delete files a merge-on-read table's log files. */
  @Override
  public TableStats stats() {
    HoodieTableMetaClient client = metaClient();
    HoodieTableFileSystemView view = HoodieTableFileSystemView.fileListingBasedFileSystemView(engine(), client,
        client.getActiveTimeline().filterCompletedAndCompactionInstants());
    try {
      view.loadAllPartitions();
      List<FileSlice> slices = view.getAllFileGroups().map(HoodieFileGroup::getPartitionPath).distinct()
          .flatMap(view::getLatestFileSlices).toList();
      long baseFiles = slices.stream().filter(slice -> slice.getBaseFile().isPresent()).count();
      long bytes = slices.stream().mapToLong(FileSlice::getTotalFileSize).sum();
      long logFiles = slices.stream().mapToLong(slice -> slice.getLogFiles().count()).sum();
      return new TableStats(baseFiles, bytes, logFiles, reader.commits().size());
    } finally {
      view.close();
    }
  }

  /**
   * Compacts every file slice with log files of a merge-on-read table (a copy-on-write table has none), then
   * clusters the files smaller than the target size into files of that size, unless the table has buckets (one file
   * group each).
   *
   * @throws IllegalArgumentException when Z-order columns are given: lakepipe clusters Hudi tables by size only (the
   *     spec validator refuses the key before)
   */
  @Override
  public void compact(OptionalLong targetFileSize, List<String> zOrder) {
    if (!zOrder.isEmpty()) {
      throw new IllegalArgumentException("lakepipe clusters Hudi tables by file size only, not along a Z-order");
    }
    if (metaClient().getTableType() == HoodieTableType.MERGE_ON_READ) {
      withClient(Map.of(HoodieCompactionConfig.INLINE_COMPACT_NUM_DELTA_COMMITS.key(), "1"), client -> {
        Option<String> instant = client.scheduleCompaction(Option.empty());
        if (instant.isPresent()) {
          client.compact(instant.get(), true);
        }
      });
    }
    if (reader.buckets().isPresent()) {
      // A bucket is one file group, named by its number: clustering would write the rows into file groups of others.
      return;
    }
    Map<String, String> clustering = new HashMap<>(
        Map.of(HoodieClusteringConfig.INLINE_CLUSTERING_MAX_COMMITS.key(), "1"));
    targetFileSize.ifPresent(size -> {
      clustering.put(HoodieClusteringConfig.PLAN_STRATEGY_TARGET_FILE_MAX_BYTES.key(), Long.toString(size));
      clustering.put(HoodieClusteringConfig.PLAN_STRATEGY_SMALL_FILE_LIMIT.key(), Long.toString(size));
    });
    withClient(clustering, client -> {
      Option<String> instant = client.scheduleClustering(Option.empty());
      if (instant.isPresent()) {
        client.cluster(instant.get(), true);
      }
    });
  }

  /**
   * Runs the compactions that writes scheduled but did not run, oldest first; one that a stopped JVM left half-done
   * is rolled back first (Hudi's compaction does that).
   */
  void compactPending() {
    withClient(Map.of(), client -> metaClient().getActiveTimeline().filterPendingCompactionTimeline()
        .getInstants().forEach(instant -> client.compact(instant.requestedTime(), true)));
  }

  /**
   * Runs the cleaner keeping the file versions of every commit that either limit keeps: Hudi's cleaner has one
   * policy at a time, so both limits become the number of latest commits to keep (compactions count as commits for
   * the cleaner).
   */
  @Override
  public void cleanHistory(Duration retain, int retainCommits) {
    HoodieTableMetaClient client = metaClient();
    List<Commit> writes = reader.commits();
    Instant cutoff = Instant.now().minus(retain);
    String oldestKept = writes.stream().filter(commit -> !commit.timestamp().isBefore(cutoff)).findFirst()
        .map(Commit::id).orElse(writes.get(writes.size() - 1).id());
    String byCount = writes.get(Math.max(0, writes.size() - Math.max(1, retainCommits))).id();
    String earliest = compareTimestamps(oldestKept, GREATER_THAN_OR_EQUALS, byCount) ? byCount : oldestKept;
    HoodieTimeline commits = client.getCommitsTimeline().filterCompletedInstants();
    long kept = commits.getInstantsAsStream()
        .filter(instant -> compareTimestamps(instant.requestedTime(), GREATER_THAN_OR_EQUALS, earliest)).count();
    // Archiving must keep more commits than the cleaner does.
    int keep = (int) Math.max(1, kept);
    withClient(Map.of(
        HoodieCleanConfig.CLEANER_POLICY.key(), HoodieCleaningPolicy.KEEP_LATEST_COMMITS.name(),
        HoodieCleanConfig.CLEANER_COMMITS_RETAINED.key(), Integer.toString(keep),
        HoodieArchivalConfig.MIN_COMMITS_TO_KEEP.key(), Integer.toString(Math.max(20, keep + 1)),
        HoodieArchivalConfig.MAX_COMMITS_TO_KEEP.key(), Integer.toString(Math.max(30, keep + 11))),
        SparkRDDWriteClient::clean);
  }

  /**
   * Rolls back every commit after the given one (Hudi restore); the given commit, with its own properties, is the
   * latest write afterwards.
   */
  @Override
  public Commit restore(Commit commit) {
    metaClient();
    if (reader.commits().stream().noneMatch(c -> c.id().equals(commit.id()))) {
      throw new HistoryUnavailableException(address, commit.id(), "instant " + commit.id()
          + " is not a completed commit on the active timeline");
    }
    withClient(Map.of(), client -> client.restoreToInstant(commit.id(), true));
    return reader.latestCommit().orElseThrow();
  }

  /**
   * A write client of the table, with the index its writes use, closed after {@code action}.
   *
   * @throws IllegalStateException when the table's schema cannot be read
   */
  private void withClient(Map<String, String> settings, Consumer<SparkRDDWriteClient<?>> action) {
    HoodieTableMetaClient client = metaClient();
    Map<String, String> properties = new HashMap<>(HudiWriter.CLIENT_SETTINGS);
    properties.putAll(HudiWriter.indexSettings(fields(client.getTableConfig().getRecordKeyFields()),
        fields(client.getTableConfig().getPartitionFields()), reader.buckets()));
    try {
      properties.put(HoodieWriteConfig.AVRO_SCHEMA_STRING.key(),
          new TableSchemaResolver(client).getTableAvroSchema().toString());
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the schema of Hudi table " + address.name(), e);
    }
    properties.putAll(settings);
    properties.putAll(address.options());
    HoodieWriteConfig config = HoodieWriteConfig.newBuilder().withPath(address.requirePath())
        .forTable(client.getTableConfig().getTableName()).withProps(properties).build();
    try (SparkRDDWriteClient<?> writeClient = new SparkRDDWriteClient<>(engine(), config)) {
      action.accept(writeClient);
    }
  }

  private static List<String> fields(Option<String[]> fields) {
    return fields.map(names -> Arrays.stream(names).filter(name -> !name.isEmpty()).toList()).orElse(List.of());
  }

  private HoodieSparkEngineContext engine() {
    return new HoodieSparkEngineContext(JavaSparkContext.fromSparkContext(spark.sparkContext()));
  }

  /** @throws TableNotFoundException when the table does not exist */
  private HoodieTableMetaClient metaClient() {
    if (!reader.exists()) {
      throw new TableNotFoundException(address);
    }
    return reader.metaClient().orElseThrow();
  }
}
