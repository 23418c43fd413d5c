package dev.lakepipe.format.hudi;

import static org.apache.hudi.common.table.timeline.HoodieInstantTimeGenerator.MILLIS_INSTANT_TIME_FORMATTER;

import dev.lakepipe.format.AbstractTableReader;
import dev.lakepipe.format.Commit;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.TableAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.Path;
import org.apache.hudi.common.model.HoodieRecord;
import org.apache.hudi.common.table.HoodieTableConfig;
import org.apache.hudi.common.table.HoodieTableMetaClient;
import org.apache.hudi.common.table.timeline.HoodieInstant;
import org.apache.hudi.common.table.timeline.HoodieTimeline;
import org.apache.hudi.common.table.timeline.TimelineUtils;
import org.apache.hudi.hadoop.fs.HadoopFSUtils;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Reads a Hudi table through the Spark data source, and its commits through Hudi's timeline. */
final class HudiReader extends AbstractTableReader {
  /** Hudi's time-travel read option: an instant time, compared with the commits' requested times. */
  private static final String AS_OF_INSTANT = "as.of.instant";

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
    return withoutMetaColumns(spark.read().format("hudi").options(address.options()).load(address.requirePath()));
  }

  @Override
  protected Dataset<Row> readVersion(String instantTime) {
    return withoutMetaColumns(spark.read().format("hudi").options(address.options())
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
    // Concurrent writers may complete out of requested order; Hudi 1.x orders changes by completion time.
    return commits.getReverseOrderedInstantsByCompletionTime().findFirst().map(instant -> {
      Instant completed = LocalDateTime.parse(instant.getCompletionTime(), MILLIS_INSTANT_TIME_FORMATTER)
          .atZone(zone).toInstant();
      return new Commit(instant.requestedTime(), completed, lakepipeProperties(instant, commits));
    });
  }

  private static Map<String, String> lakepipeProperties(HoodieInstant instant, HoodieTimeline commits) {
    try {
      return TimelineUtils.getCommitMetadata(instant, commits).getExtraMetadata().entrySet().stream()
          .filter(entry -> entry.getKey().startsWith(CommitContext.PREFIX))
          .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the metadata of Hudi commit " + instant, e);
    }
  }

  private static HoodieTimeline completedCommits(HoodieTableMetaClient client) {
    return client.getActiveTimeline().getCommitsTimeline().filterCompletedInstants();
  }

  /** A fresh view of the timeline, or empty when there is no Hudi table at the path. */
  private Optional<HoodieTableMetaClient> metaClient() {
    String path = address.requirePath();
    Path properties = new Path(new Path(path, HoodieTableMetaClient.METAFOLDER_NAME), HoodieTableConfig.HOODIE_PROPERTIES_FILE);
    try {
      if (!properties.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(properties)) {
        return Optional.empty();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look for a Hudi table at " + path, e);
    }
    return Optional.of(HoodieTableMetaClient.builder()
        .setConf(HadoopFSUtils.getStorageConfWithCopy(spark.sparkContext().hadoopConfiguration()))
        .setBasePath(path)
        .build());
  }

  private static Dataset<Row> withoutMetaColumns(Dataset<Row> rows) {
    return rows.drop(HoodieRecord.HOODIE_META_COLUMNS_WITH_OPERATION.toArray(String[]::new));
  }
}
