package dev.lakepipe.run;

import dev.lakepipe.format.TableServices;
import dev.lakepipe.plan.IncrementalStrategy;
import dev.lakepipe.plan.Plan;
import dev.lakepipe.plan.RunRefusals;
import dev.lakepipe.spec.SourceSpec;
import dev.lakepipe.spec.StreamingSpec;
import dev.lakepipe.spec.TargetSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;

/**
 * A streaming run: one Structured Streaming query per target over the one streamed source its rows come from
 * ({@code read = stream}, or a Kafka source), each micro-batch written by a {@link MicroBatchSink} as an increment.
 * The query's checkpoint is under {@code <warehouse>/_lakepipe/streaming/<pipeline>/<target>/checkpoint}. With
 * trigger {@code available-now} the run processes what there is and ends; with {@code processing-time} it runs until
 * the JVM is told to stop ({@link GracefulStop}). Each target's {@link TableServices} (a Hudi merge-on-read table's
 * compaction) run beside its writes for the run's lifetime; the run waits for them once its queries have stopped.
 */
public final class StreamRun {
  private final SparkSession spark;

  public StreamRun(SparkSession spark) {
    this.spark = spark;
  }

  /** The folder of a target's streaming state, relative to the warehouse. */
  static String folder(String pipeline, String target) {
    return "_lakepipe/streaming/" + pipeline + "/" + target;
  }

  /**
   * @throws StreamingNotSupportedException when a target has no streamed source, more than one, a mode other than
   *     append, upsert and delete, or a format without commits (nothing ran)
   */
  public static void check(Plan plan) {
    RunRefusals.streaming(plan).ifPresent(refused -> {
      throw new StreamingNotSupportedException(refused);
    });
  }

  /**
   * Runs until every query ends: all available data processed ({@code available-now}), or the JVM told to stop.
   *
   * @param progress told of each source and target when the run ends
   * @param batches told of each micro-batch as soon as it is written
   * @param stop stops the queries when the JVM is told to stop, waiting for the batches being written
   * @throws StreamingNotSupportedException see {@link #check}
   * @throws RunFailedException naming the source that could not be streamed, or the target whose query failed
   */
  RunResult run(Plan plan, RunOptions options, Consumer<NodeResult> progress, Consumer<BatchProgress> batches,
      GracefulStop stop) {
    check(plan);
    long start = System.nanoTime();
    Tables tables = new Tables(spark, plan.spec().settings());
    AuditGate gate = AuditGate.of(spark, plan, options);
    List<MicroBatchSink> sinks = new ArrayList<>();
    List<StreamingQuery> queries = new ArrayList<>();
    List<NodeResult> results = new ArrayList<>();
    Map<String, TableServices> services = new LinkedHashMap<>();
    RuntimeException failure = null;
    try {
      plan.writes().forEach(target -> services.put(target.name(), tables.services(target)));
      for (TargetSpec target : plan.writes()) {
        SourceSpec source = RunRefusals.streamedSources(plan, target).get(0);
        MicroBatchSink sink = new MicroBatchSink(plan, target, source, options, stop.gate(), batches,
            IncrementalStrategy.ofStream(plan, target, source.name()), gate, services);
        sinks.add(sink);
        queries.add(start(plan, target, tables, source, sink));
      }
      stop.watch(queries);
      for (int i = 0; i < queries.size(); i++) {
        await(queries.get(i), plan.writes().get(i), stop);
      }
      for (int i = 0; i < sinks.size(); i++) {
        TargetSpec target = plan.writes().get(i);
        MicroBatchSink sink = sinks.get(i);
        SourceSpec source = RunRefusals.streamedSources(plan, target).get(0);
        results.add(new NodeResult(NodeResult.Kind.READ, source.name(), tables.describe(source) + " streamed",
            OptionalLong.of(sink.rowsIn()), 0, Optional.empty(), Optional.empty()));
        results.add(new NodeResult(NodeResult.Kind.WRITE, target.name(), tables.describe(target) + ", "
            + sink.quarantined() + " quarantined", OptionalLong.of(sink.rowsOut()), 0, sink.lastCommit(),
            Optional.empty()));
      }
      results.forEach(progress);
      return new RunResult(plan.spec().name(), options.runId(), options.logicalTime(), results,
          (System.nanoTime() - start) / 1e9);
    } catch (RuntimeException e) {
      failure = e;
      throw e;
    } finally {
      queries.forEach(StreamRun::stopQuietly);
      close(services, failure);
    }
  }

  /**
   * Waits for the targets' services once their queries have stopped.
   *
   * @param failure the run's failure, to which a service's failure is added; none: a failure fails the run
   * @throws RunFailedException naming the target whose service failed, when the run had not failed
   */
  private static void close(Map<String, TableServices> services, RuntimeException failure) {
    RunFailedException failed = null;
    for (Map.Entry<String, TableServices> target : services.entrySet()) {
      try {
        target.getValue().close();
      } catch (IllegalStateException e) {
        RunFailedException serviceFailed = new RunFailedException("write " + target.getKey() + " failed: "
            + Failures.reason(e), e);
        if (failure != null) {
          failure.addSuppressed(serviceFailed);
        } else if (failed == null) {
          failed = serviceFailed;
        } else {
          failed.addSuppressed(serviceFailed);
        }
      }
    }
    if (failed != null) {
      throw failed;
    }
  }

  private static StreamingQuery start(Plan plan, TargetSpec target, Tables tables, SourceSpec source,
      MicroBatchSink sink) {
    StreamingSpec streaming = plan.spec().streaming();
    Trigger trigger = streaming.trigger() == StreamingSpec.Trigger.AVAILABLE_NOW ? Trigger.AvailableNow()
        : Trigger.ProcessingTime(streaming.interval().toMillis());
    String checkpoint = plan.spec().settings().warehouse() + "/" + folder(plan.spec().name(), target.name())
        + "/checkpoint";
    try {
      return tables.reader(source).stream().writeStream()
          .queryName(plan.spec().name() + "." + target.name())
          .option("checkpointLocation", checkpoint)
          .trigger(trigger)
          .foreachBatch(sink)
          .start();
    } catch (TimeoutException | RuntimeException e) {
      throw new RunFailedException("read " + source.name() + " failed: " + Failures.reason(e), e);
    }
  }

  private static void await(StreamingQuery query, TargetSpec target, GracefulStop stop) {
    try {
      query.awaitTermination();
    } catch (StreamingQueryException e) {
      if (!stop.stopping()) {
        throw new RunFailedException("write " + target.name() + " failed: " + Failures.reason(e), e);
      }
    }
  }

  private static void stopQuietly(StreamingQuery query) {
    try {
      query.stop();
    } catch (TimeoutException e) {
      // Its batch never committed; the checkpoint retries it at the next start.
    }
  }
}
