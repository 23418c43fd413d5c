package dev.lakepipe.run;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import dev.lakepipe.format.Commit;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.LatestWins;
import dev.lakepipe.format.StreamRecords;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableServices;
import dev.lakepipe.format.TableWriter;
import dev.lakepipe.plan.IncrementalStrategy;
import dev.lakepipe.plan.Plan;
import dev.lakepipe.spec.EngineSettings;
import dev.lakepipe.spec.SourceSpec;
import dev.lakepipe.spec.StepSpec;
import dev.lakepipe.spec.TargetSpec;
import dev.lakepipe.spec.WatermarkSpec;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.function.Consumer;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * Writes one micro-batch of a streamed source to one target, as an increment, by the target's strategy (see {@link
 * IncrementalStrategy#ofStream}). Row-wise: the batch is the source's view, the other sources are read as
 * snapshots, the steps the target needs run over them, and the result is appended, upserted ("latest wins") or
 * deleted by key. Affected keys: the keys the batch names are recomputed from the sources' snapshots and replaced
 * ({@link AffectedKeyRefresh}). Malformed records and rows without a key go to the target's {@link
 * StreamQuarantine} instead. Each commit carries the batch's {@link BatchMarker}, and a batch the table already
 * holds is skipped, so a batch retried after a crash is written exactly once.
 */
final class MicroBatchSink implements VoidFunction2<Dataset<Row>, Long> {
  /** Set by Structured Streaming on the thread that runs a query's batches. */
  private static final String QUERY_ID = "sql.streaming.queryId";
  private static final String REASON = "reason";
  private static final String LATE = "_lakepipe_late";
  /** The usable rows of a micro-batch processed in one task; more are processed in the partitions they come in. */
  private static final long ONE_TASK_ROWS = 100_000;

  private final Plan plan;
  private final TargetSpec target;
  private final SourceSpec streamed;
  private final RunOptions options;
  private final StreamQuarantine quarantine;
  private final Lock writing;
  private final Consumer<BatchProgress> progress;
  private final IncrementalStrategy strategy;
  private final AuditGate gate;
  private final Map<String, TableServices> services;
  private final AtomicLong rowsIn = new AtomicLong();
  private final AtomicLong rowsOut = new AtomicLong();
  private final AtomicLong quarantined = new AtomicLong();
  private volatile Optional<Commit> lastCommit = Optional.empty();

  /**
   * @param writing held while a batch is written, so that a graceful stop waits for the batch to finish
   * @param strategy row-wise: the steps run over the batch; affected keys: the keys the batch names are replaced
   * @param gate audits what affected-key refreshes write
   * @param services by target name, the services the query's writes leave to them
   */
  MicroBatchSink(Plan plan, TargetSpec target, SourceSpec streamed, RunOptions options, Lock writing,
      Consumer<BatchProgress> progress, IncrementalStrategy strategy, AuditGate gate,
      Map<String, TableServices> services) {
    this.plan = plan;
    this.target = target;
    this.streamed = streamed;
    this.options = options;
    this.quarantine = new StreamQuarantine(plan.spec().settings(), plan.spec().name(), target.name());
    this.writing = writing;
    this.progress = progress;
    this.strategy = strategy;
    this.gate = gate;
    this.services = Map.copyOf(services);
  }

  @Override
  public void call(Dataset<Row> batch, Long batchId) throws InterruptedException {
    writing.lockInterruptibly();
    try {
      UninterruptedWrite.run(batch.sparkSession().sparkContext(), "lakepipe " + plan.spec().name() + "."
          + target.name() + " batch " + batchId, () -> write(batch, batchId));
    } finally {
      writing.unlock();
    }
  }

  long rowsIn() {
    return rowsIn.get();
  }

  long rowsOut() {
    return rowsOut.get();
  }

  long quarantined() {
    return quarantined.get();
  }

  Optional<Commit> lastCommit() {
    return lastCommit;
  }

  private void write(Dataset<Row> batch, long batchId) {
    long start = System.nanoTime();
    SparkSession spark = batch.sparkSession();
    EngineSettings settings = plan.spec().settings();
    Tables tables = new Tables(spark, settings, services);
    BatchMarker marker = new BatchMarker(spark.sparkContext().getLocalProperty(QUERY_ID), batchId);
    Optional<Commit> latest = tables.reader(target).latestCommit();
    if (marker.heldBy(latest, streamed.name())) {
      progress.accept(new BatchProgress(target.name(), batchId, 0, 0, 0, seconds(start), Optional.empty(), true, 0,
          Optional.empty()));
      return;
    }
    CommitContext context = new CommitContext(plan.spec().name(), options.runId(), options.logicalTime());
    Optional<Watermark> watermark = streamed.watermark().map(spec -> Watermark.after(streamed.name(), spec, latest));
    Dataset<Row> records = batch.persist();
    try (Views views = new Views(spark, options)) {
      Column rejection = sourceRejection(records);
      Column late = watermark.map(w -> rejection.isNull().and(w.isLate(records.schema()))).orElse(lit(false));
      Column quarantinedLate = watermark.filter(w -> w.spec().late() == WatermarkSpec.Late.QUARANTINE)
          .map(w -> when(col(LATE), w.reason())).orElse(lit(null).cast(DataTypes.StringType));
      Dataset<Row> annotated = views.detach(records.withColumn(LATE, late)
          .withColumn(REASON, coalesce(rejection, quarantinedLate)));
      Column usable = col(REASON).isNull().and(not(col(LATE)));
      Row tally = annotated.agg(count(lit(1)), count(col(REASON)), count(when(col(LATE), lit(1))),
          newestEventTime(records), max(watermark.map(w -> when(usable, col(w.spec().column())))
              .orElse(lit(null).cast(DataTypes.TimestampType))), count(when(usable, lit(1)))).head();
      long usableRows = tally.getLong(5);
      // A micro-batch one task can take is one: no shuffle to keep each key's latest row, one file written.
      Dataset<Row> usableRecords = usableRows <= ONE_TASK_ROWS ? annotated.coalesce(1) : annotated;
      Dataset<Row> valid = usableRecords.where(usable).drop(REASON, LATE)
          .drop(StreamRecords.COLUMNS.toArray(String[]::new));
      Dataset<Row> rejected = annotated.where(col(REASON).isNotNull()).select(position(records), raw(records),
          col(REASON));
      long in = tally.getLong(0);
      long bad = tally.getLong(1);
      long lateRows = tally.getLong(2);
      Optional<Instant> newest = Optional.ofNullable(tally.getTimestamp(4)).map(Timestamp::toInstant);
      Map<String, String> after = new LinkedHashMap<>(Map.of(streamed.name(), marker.encode()));
      watermark.ifPresent(w -> after.putAll(w.checkpoints(newest)));
      long out;
      if (strategy.kind() == IncrementalStrategy.Kind.AFFECTED_KEYS) {
        out = usableRows > 0 ? replaceAffectedKeys(tables, views, valid, context, latest, after) : 0;
      } else {
        views.put(streamed.name(), valid);
        Set<String> upstream = plan.upstream(target.from());
        plan.reads().stream().filter(s -> !s.name().equals(streamed.name()) && upstream.contains(s.name()))
            .forEach(source -> BatchRun.read(tables, source, views));
        for (StepSpec step : plan.steps()) {
          if (upstream.contains(step.name())) {
            views.compute(step, plan.readers(step.name(), List.of(target)));
          }
        }
        Dataset<Row> result = views.get(target.from());
        WriteColumns.check(target, result.schema(), "nothing was written to it");
        Dataset<Row> keyed;
        if (target.from().equals(streamed.name()) && List.of(records.columns()).containsAll(target.keys())) {
          // The target takes the batch's valid records as they are, whose keys were checked with them: no job.
          keyed = result;
          out = usableRows;
        } else {
          Dataset<Row> output = views.detach(result.withColumn(REASON, keyRejection(List.of(result.columns()),
              "null key after the steps: ")));
          Row written = output.agg(count(lit(1)), count(col(REASON))).head();
          long keyless = written.getLong(1);
          out = written.getLong(0) - keyless;
          if (keyless > 0) {
            rejected = rejected.unionByName(output.where(col(REASON).isNotNull())
                .select(lit(null).cast(DataTypes.StringType).as("position"),
                    to_json(struct(Arrays.stream(result.columns()).map(c -> col(c)).toArray(Column[]::new)))
                        .as("raw_value"), col(REASON)));
            bad += keyless;
          }
          keyed = output.where(col(REASON).isNull()).drop(REASON);
        }
        if (out > 0) {
          lastCommit = commit(tables.writer(target), keyed, context.withCheckpoints(after)).or(() -> lastCommit);
        }
      }
      if (bad > 0) {
        quarantine.append(spark, streamed.name(), rejected, marker, context.withCheckpoints(after));
      }
      rowsIn.addAndGet(in);
      rowsOut.addAndGet(out);
      quarantined.addAndGet(bad);
      progress.accept(new BatchProgress(target.name(), batchId, in, out, bad, seconds(start),
          lag(tally.getTimestamp(3)), false, lateRows, watermark.flatMap(Watermark::value)));
    } finally {
      records.unpersist();
    }
  }

  /**
   * Recomputes the target keys the batch's rows name from the sources' snapshots and replaces them; the first of
   * two commits (formats that cannot upsert and delete at once) keeps the checkpoint the target held.
   *
   * @return the rows upserted and deleted
   */
  private long replaceAffectedKeys(Tables tables, Views views, Dataset<Row> valid, CommitContext context,
      Optional<Commit> latest, Map<String, String> after) {
    Map<String, String> before = new LinkedHashMap<>();
    after.keySet().forEach(name -> latest.flatMap(c -> CommitContext.checkpoint(c.properties(), name))
        .ifPresent(held -> before.put(name, held)));
    List<NodeResult> nodes = new ArrayList<>();
    new AffectedKeyRefresh(plan, tables, views, new ChangeReads(tables, plan), target, context, nodes::add, gate,
        strategy)
        .replaceKeysOf(streamed, views.detach(valid), before, after);
    NodeResult write = nodes.stream().filter(n -> n.kind() == NodeResult.Kind.WRITE).reduce((a, b) -> b)
        .orElseThrow();
    write.commit().ifPresent(commit -> lastCommit = Optional.of(commit));
    return write.rows().orElse(0);
  }

  private Optional<Commit> commit(TableWriter writer, Dataset<Row> rows, CommitContext context) {
    return switch (target.mode()) {
      case APPEND -> Optional.of(writer.append(rows, context));
      case UPSERT -> Optional.of(writer.upsert(LatestWins.dedupe(rows, TableLayout.of(target)), context));
      case DELETE -> writer.delete(rows, context);
      case OVERWRITE, OVERWRITE_PARTITIONS -> throw new IllegalStateException(
          "mode " + target.mode().specName() + " does not apply to a stream");
    };
  }

  /**
   * Why a record of the batch cannot be used, or null: the source's own verdict (malformed records), or a null
   * key when the records carry the target's key columns.
   */
  private Column sourceRejection(Dataset<Row> records) {
    List<String> columns = List.of(records.columns());
    Column own = columns.contains(StreamRecords.REJECTION) ? col(StreamRecords.REJECTION)
        : lit(null).cast(DataTypes.StringType);
    return coalesce(own, keyRejection(columns, "null key: "));
  }

  private Column keyRejection(List<String> columns, String prefix) {
    if (target.keys().isEmpty() || !columns.containsAll(target.keys())) {
      return lit(null).cast(DataTypes.StringType);
    }
    Column anyNull = target.keys().stream().map(k -> col(k).isNull()).reduce(Column::or).orElseThrow();
    return when(anyNull, lit(prefix + String.join(", ", target.keys())));
  }

  private static Column position(Dataset<Row> records) {
    return (List.of(records.columns()).contains(StreamRecords.POSITION) ? col(StreamRecords.POSITION)
        : lit(null).cast(DataTypes.StringType)).as("position");
  }

  private static Column raw(Dataset<Row> records) {
    Column[] columns = Arrays.stream(records.columns()).filter(c -> !StreamRecords.COLUMNS.contains(c))
        .map(c -> col(c)).toArray(Column[]::new);
    return (List.of(records.columns()).contains(StreamRecords.RAW) ? col(StreamRecords.RAW)
        : to_json(struct(columns))).as("raw_value");
  }

  /** The newest event time of the records, or null when they carry none. */
  private static Column newestEventTime(Dataset<Row> records) {
    return List.of(records.columns()).contains(StreamRecords.EVENT_TIME) ? max(StreamRecords.EVENT_TIME)
        : lit(null).cast(DataTypes.TimestampType);
  }

  private static Optional<Double> lag(Timestamp newest) {
    return Optional.ofNullable(newest)
        .map(t -> Duration.between(t.toInstant(), Instant.now()).toMillis() / 1e3);
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
