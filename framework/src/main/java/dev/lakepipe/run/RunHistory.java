package dev.lakepipe.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableAddresses;
import dev.lakepipe.format.TableFormat;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.spec.EngineSettings;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.JavaConverters;

/**
 * The run history of a warehouse: a table under {@code <warehouse>/_lakepipe/run_history} with one row per run,
 * appended at the end of every run, successful or not. It is an ordinary table of the warehouse, so it can be
 * queried like any other.
 */
public final class RunHistory {
  /** Appends from parallel runs of different pipelines must not lose each other: Delta's log serialises them. */
  private static final String FORMAT = "delta";
  private static final String TABLE = "_lakepipe.run_history";

  private static final StructType SCHEMA = new StructType()
      .add("run_id", DataTypes.StringType, false)
      .add("pipeline", DataTypes.StringType, false)
      .add("logical_time", DataTypes.TimestampType, false)
      .add("mode", DataTypes.StringType, false)
      .add("outcome", DataTypes.StringType, false)
      .add("started_at", DataTypes.TimestampType, false)
      .add("seconds", DataTypes.DoubleType, false)
      .add("rows_read", DataTypes.LongType, false)
      .add("rows_written", DataTypes.LongType, false)
      .add("reads", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), false)
      .add("commits", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), false)
      .add("message", DataTypes.StringType, true);

  private final SparkSession spark;
  private final TableFormat format;
  private final TableAddress address;

  public RunHistory(SparkSession spark, EngineSettings settings) {
    this.spark = spark;
    this.format = TableFormats.get(FORMAT);
    this.address = TableAddresses.resolve(settings, format, "run_history", Optional.empty(),
        Optional.of(TABLE), Map.of());
  }

  /** Appends one record, in a commit of its own. */
  public void append(RunRecord record) {
    Row row = RowFactory.create(record.runId(), record.pipeline(), Timestamp.from(record.logicalTime()),
        record.mode(), record.outcome(), Timestamp.from(record.startedAt()), record.seconds(), record.rowsRead(),
        record.rowsWritten(), scalaMap(record.reads()), scalaMap(record.commits()), record.message().orElse(null));
    Dataset<Row> rows = spark.createDataFrame(List.of(row), SCHEMA);
    format.writer(spark, address, TableLayout.unkeyed(List.of()))
        .append(rows, new CommitContext(record.pipeline(), record.runId(), record.logicalTime()));
  }

  /** The newest {@code limit} runs of a pipeline, newest first; empty when nothing ran yet. */
  public List<RunRecord> latest(String pipeline, int limit) {
    return newestFirst(col("pipeline").equalTo(pipeline), limit);
  }

  /** Every run of a pipeline for one logical time, newest first; empty when none ran. */
  public List<RunRecord> of(String pipeline, Instant logicalTime) {
    return newestFirst(col("pipeline").equalTo(pipeline)
        .and(col("logical_time").equalTo(lit(Timestamp.from(logicalTime)))), Integer.MAX_VALUE);
  }

  private List<RunRecord> newestFirst(Column condition, int limit) {
    TableReader reader = format.reader(spark, address);
    if (!reader.exists()) {
      return List.of();
    }
    List<RunRecord> records = new ArrayList<>();
    for (Row row : reader.snapshot().where(condition).orderBy(col("started_at").desc()).limit(limit)
        .collectAsList()) {
      records.add(new RunRecord(row.getString(0), row.getString(1), row.getTimestamp(2).toInstant(),
          row.getString(3), row.getString(4), row.getTimestamp(5).toInstant(), row.getDouble(6), row.getLong(7),
          row.getLong(8), row.getJavaMap(9), row.getJavaMap(10), Optional.ofNullable(row.getString(11))));
    }
    return records;
  }

  /** The logical times in [from, until) for which a run of the pipeline succeeded. */
  public Set<Instant> succeeded(String pipeline, Instant from, Instant until) {
    TableReader reader = format.reader(spark, address);
    if (!reader.exists()) {
      return Set.of();
    }
    Set<Instant> times = new TreeSet<>();
    reader.snapshot()
        .where(col("pipeline").equalTo(pipeline).and(col("outcome").equalTo(RunRecord.SUCCESS))
            .and(col("logical_time").geq(Timestamp.from(from))).and(col("logical_time").lt(Timestamp.from(until))))
        .select("logical_time").collectAsList()
        .forEach(row -> times.add(row.getTimestamp(0).toInstant()));
    return times;
  }

  private static scala.collection.Map<String, String> scalaMap(Map<String, String> map) {
    return JavaConverters.mapAsScalaMap(new TreeMap<>(map));
  }
}
