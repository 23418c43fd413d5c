package dev.lakepipe.training;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.xxhash64;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.lakepipe.format.ChangeSet;
import dev.lakepipe.format.Commit;
import dev.lakepipe.format.SqlMerge;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.run.Tables;
import dev.lakepipe.spec.AsOf;
import dev.lakepipe.spec.JobSpec;
import dev.lakepipe.spec.TargetSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Materializes a feature table (a target of a pipeline) into an {@link OnlineFeatureStore}: per entity, its latest
 * row (by the time column, when there is one). The first run, or one whose table lost the store's commit from its
 * history, writes every entity; later runs read the table's changes since the store's commit and rewrite only the
 * entities they name. {@link #check} compares the store with the table.
 */
public final class FeatureMaterializer {
  private static final String LATEST = "__lakepipe_latest";
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final SparkSession spark;

  public FeatureMaterializer(SparkSession spark) {
    this.spark = spark;
  }

  /**
   * What a materialization did.
   *
   * @param incremental whether it read only the changes since the store's commit
   * @param written entities written
   * @param deleted entities removed (no row left in the table)
   */
  public record Report(String commit, boolean incremental, long written, long deleted) {}

  /**
   * What a check found.
   *
   * @param sampled entities compared
   * @param mismatches one line per entity whose online features differ from the table's
   */
  public record Check(String storeCommit, String tableCommit, int sampled, List<String> mismatches) {}

  /**
   * @param entity the entity key columns
   * @param time the column of the time a row became valid; empty: its commit's time
   * @throws IllegalArgumentException when the spec has no such target, or a column is not the table's
   * @throws IllegalStateException when the table has no commit yet
   */
  public Report materialize(JobSpec spec, String targetName, OnlineFeatureStore store, List<String> entity,
      Optional<String> time, Optional<Duration> ttl) {
    Table table = table(spec, targetName);
    Commit commit = table.reader.latestCommit().orElseThrow(() -> new IllegalStateException("target " + targetName
        + " has no commit yet; run it first"));
    Dataset<Row> rows = table.reader.asOf(AsOf.version(commit.id()));
    for (String column : concat(entity, time.stream().toList())) {
      if (!Arrays.asList(rows.columns()).contains(column)) {
        throw new IllegalArgumentException("target " + targetName + " has no column " + column);
      }
    }
    OnlineFeatureStore.Mirror mirror = new OnlineFeatureStore.Mirror(targetName, table.target.format(),
        table.address.location(), commit.id(), entity, time.orElse(null), ttl.map(Duration::toSeconds).orElse(null));
    Optional<OnlineFeatureStore.Mirror> before = store.mirror().filter(m -> m.location().equals(mirror.location())
        && m.entity().equals(entity) && m.timeColumn().equals(time));
    boolean incremental = before.isPresent() && table.reader.commits().stream()
        .anyMatch(c -> c.id().equals(before.get().commit()));
    Dataset<Row> latest = latest(rows, entity, time);
    Set<String> changed = new TreeSet<>();
    if (incremental) {
      ChangeSet changes = table.reader.changes(before.get().commit(), table.target.keys());
      Dataset<Row> changedKeys = changes.rows().selectExpr(quoted(entity)).distinct();
      changedKeys.collectAsList().forEach(r -> changed.add(key(r, entity.size())));
      Column same = entity.stream().map(c -> col("l." + SqlMerge.quote(c)).eqNullSafe(col("c." + SqlMerge.quote(c))))
          .reduce(Column::and).orElseThrow();
      latest = latest.alias("l").join(changedKeys.alias("c"), same, "left_semi");
    } else {
      store.clear();
    }
    Map<String, OnlineFeatureStore.Features> puts = features(latest, entity, time, commit);
    List<String> deletes = changed.stream().filter(k -> !puts.containsKey(k)).toList();
    store.write(puts, deletes, mirror);
    return new Report(commit.id(), incremental, puts.size(), deletes.size());
  }

  /**
   * Compares the store with the table's latest rows for a sample of entities (the same sample every time).
   *
   * @throws IllegalStateException when the store has not been materialized from this target
   */
  public Check check(JobSpec spec, String targetName, OnlineFeatureStore store, int sample) {
    Table table = table(spec, targetName);
    OnlineFeatureStore.Mirror mirror = store.mirror().filter(m -> m.location().equals(table.address.location()))
        .orElseThrow(() -> new IllegalStateException("the store holds no features of target " + targetName
            + "; materialize it first"));
    Commit commit = table.reader.latestCommit().orElseThrow(() -> new IllegalStateException("target " + targetName
        + " has no commit yet"));
    Dataset<Row> latest = latest(table.reader.asOf(AsOf.version(commit.id())), mirror.entity(),
        mirror.timeColumn());
    Dataset<Row> sampled = latest.orderBy(xxhash64(quotedColumns(mirror.entity()))).limit(sample);
    Map<String, OnlineFeatureStore.Features> offline = features(sampled, mirror.entity(), mirror.timeColumn(),
        commit);
    List<String> mismatches = new ArrayList<>();
    offline.forEach((key, expected) -> {
      Optional<OnlineFeatureStore.Features> online = store.stored(key);
      if (online.isEmpty()) {
        mismatches.add(key + ": missing online; offline " + expected.values());
      } else if (!online.get().values().equals(expected.values())
          || online.get().validFromMillis() != expected.validFromMillis()) {
        mismatches.add(key + ": online " + online.get().values() + " valid from " + online.get().validFrom()
            + " (commit " + online.get().commit() + "); offline " + expected.values() + " valid from "
            + expected.validFrom());
      }
    });
    return new Check(mirror.commit(), commit.id(), offline.size(), mismatches);
  }

  private record Table(TargetSpec target, TableAddress address, TableReader reader) {}

  private Table table(JobSpec spec, String targetName) {
    TargetSpec target = Optional.ofNullable(spec.targets().get(targetName)).orElseThrow(() ->
        new IllegalArgumentException("not a target of " + spec.name() + ": " + targetName + " (targets: "
            + String.join(", ", spec.targets().keySet()) + ")"));
    TableAddress address = Tables.address(spec.settings(), target);
    return new Table(target, address, TableFormats.get(target.format()).reader(spark, address));
  }

  /** Per entity, its row with the greatest time (any row of it without a time column). */
  private static Dataset<Row> latest(Dataset<Row> rows, List<String> entity, Optional<String> time) {
    Column order = time.map(t -> col(SqlMerge.quote(t))).orElse(xxhash64(struct(quotedColumns(List.of(
        rows.columns())))));
    Dataset<Row> grouped = rows.groupBy(quotedColumns(entity)).agg(max_by(struct(quotedColumns(List.of(
        rows.columns()))), order).as(LATEST));
    return grouped.select(LATEST + ".*");
  }

  /** The features of collected rows, by entity key. */
  private static Map<String, OnlineFeatureStore.Features> features(Dataset<Row> rows, List<String> entity,
      Optional<String> time, Commit commit) {
    List<String> valueColumns = Arrays.stream(rows.columns()).filter(c -> !entity.contains(c)).toList();
    Dataset<Row> ordered = rows.selectExpr(quoted(concat(entity, valueColumns)));
    Map<String, OnlineFeatureStore.Features> features = new LinkedHashMap<>();
    for (Row row : ordered.collectAsList()) {
      Map<String, Object> values;
      try {
        values = OnlineFeatureStore.JSON.readValue(row.json(), MAP);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      entity.forEach(values::remove);
      time.ifPresent(values::remove);
      long validFrom = time.map(t -> row.<Timestamp>getAs(t)).map(Timestamp::getTime)
          .orElse(commit.timestamp().toEpochMilli());
      features.put(key(row, entity.size()), new OnlineFeatureStore.Features(commit.id(), validFrom, values));
    }
    return features;
  }

  private static String key(Row row, int columns) {
    List<Object> key = new ArrayList<>();
    for (int i = 0; i < columns; i++) {
      key.add(row.get(i));
    }
    return OnlineFeatureStore.key(key);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static String[] quoted(List<String> columns) {
    return columns.stream().map(SqlMerge::quote).toArray(String[]::new);
  }

  private static Column[] quotedColumns(List<String> columns) {
    return columns.stream().map(c -> col(SqlMerge.quote(c))).toArray(Column[]::new);
  }
}
