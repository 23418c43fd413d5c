package dev.lakepipe.run;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SQLExecution;
import org.apache.spark.sql.execution.SparkPlanInfo;
import org.apache.spark.sql.execution.metric.SQLMetricInfo;
import org.apache.spark.sql.execution.ui.SparkListenerDriverAccumUpdates;
import org.apache.spark.sql.execution.ui.SparkListenerSQLAdaptiveExecutionUpdate;
import org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionEnd;
import org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart;
import scala.Option;
import scala.Tuple2;
import scala.collection.JavaConverters;

/**
 * Counts the Spark work that a piece of work starts, in all and per node of a run: the jobs, their tasks, the
 * rows and bytes those tasks read from storage (Spark's input metrics, whatever the format: table scans, change
 * reads, the scans inside a format's MERGE; not the driver's reads of table metadata), and the files that SQL
 * queries' scans read (their plans' file counts; not the files a format reads on the driver or in tasks of its own,
 * such as Hudi's index lookups). A job belongs to the node
 * that its thread was running when it started ({@link #NODE_PROPERTY}, set by the run while a node runs, so nodes
 * that run side by side are told apart); a job of no node counts outside the nodes, and so do the jobs a format
 * starts from its own thread pools (Delta's file filtering), whose threads carry no node's name, or the name of the
 * node during which the pool made the thread (Spark's local properties pass to a thread when it is made).
 * Everything started between the beginning and the end counts, in any thread, so nothing else may run Spark jobs
 * meanwhile (a run, a benchmark, one thing at a time). Listener events arrive asynchronously; counts are taken after
 * the listener bus has delivered every event posted before them.
 */
public final class SparkWork extends SparkListener implements AutoCloseable {
  /** The Spark local property naming the node that a thread runs: its kind and name, {@code write by_region}. */
  static final String NODE_PROPERTY = "lakepipe.node";
  /**
   * The Spark job tag that names the node a thread runs, prefixed to its name: a SQL query's start event carries its
   * thread's tags but not its local properties, and a query that runs no job (a lazy local checkpoint, which plans
   * the scans whose rows a later job keeps) has only that to say which node planned it.
   */
  static final String NODE_TAG_PREFIX = "lakepipe-node:";
  private static final long DRAIN_MILLIS = TimeUnit.MINUTES.toMillis(1);

  /**
   * The SQL metrics that count the files a scan reads, by the name its plan shows: Spark's file scans (Parquet,
   * Delta, Hudi and the formats' log files), Iceberg's data and delete files.
   */
  private static final Set<String> FILES_READ_METRICS = Set.of("number of files read",
      "number of result data files", "number of result delete files");

  private final SparkContext context;
  private final Map<Integer, Optional<String>> stageNodes = new ConcurrentHashMap<>();
  private final Map<Long, Optional<String>> executionNodes = new ConcurrentHashMap<>();
  private final Map<Long, FileMetric> fileMetrics = new ConcurrentHashMap<>();
  private Work total = Work.NONE;
  private Map<String, Work> byNode = new HashMap<>();
  private Work outsideNodes = Work.NONE;

  private SparkWork(SparkContext context) {
    this.context = context;
  }

  /**
   * What Spark did for some work: jobs, tasks, the rows and bytes the tasks read, and the files the scans read (as
   * the scans count them when they are planned: data, delete, log and checkpoint files of the table formats).
   */
  public record Work(long jobs, long tasks, long rowsRead, long bytesRead, long filesRead) {
    public static final Work NONE = new Work(0, 0, 0, 0, 0);

    Work plus(Work other) {
      return new Work(jobs + other.jobs, tasks + other.tasks, rowsRead + other.rowsRead,
          bytesRead + other.bytesRead, filesRead + other.filesRead);
    }

    /** E.g. {@code 12 Spark jobs, 40 tasks, 1,234 rows / 2.1 MB / 7 files read}. */
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%d Spark jobs, %d tasks, %,d rows / %.1f MB / %,d files read", jobs, tasks,
          rowsRead, bytesRead / 1e6, filesRead);
    }
  }

  /**
   * The work since counting started over: in all, per node (of the nodes that started any job and were not
   * {@linkplain #takeNode taken}), and outside every node.
   */
  public record Tally(Work total, Map<String, Work> byNode, Work outsideNodes) {
    public Tally {
      byNode = Map.copyOf(byNode);
    }

    /** The work of one node, none when it started no job. */
    public Work of(NodeResult.Kind kind, String name) {
      return byNode.getOrDefault(node(kind, name), Work.NONE);
    }
  }

  /** What some work returned, its wall-clock seconds, and the Spark work it started. */
  public record Counted<T>(T result, double seconds, Tally work) {
    public long jobs() {
      return work.total().jobs();
    }
  }

  /** A counter listening to this context's jobs from now on. */
  public static SparkWork listeningTo(SparkContext context) {
    SparkWork work = new SparkWork(context);
    context.addSparkListener(work);
    return work;
  }

  /** How {@link #NODE_PROPERTY} names a node. */
  static String node(NodeResult.Kind kind, String name) {
    return kind.name().toLowerCase(Locale.ROOT) + " " + name;
  }

  /**
   * Runs the work with the current thread's Spark jobs attributed to a node, and the thread's previous node back
   * afterwards. Without a Spark session (nothing to attribute), just runs it.
   */
  static <T> T asNode(NodeResult.Kind kind, String name, Supplier<T> work) {
    Option<SparkSession> session = SparkSession.getActiveSession();
    if (session.isEmpty()) {
      session = SparkSession.getDefaultSession();
    }
    if (session.isEmpty()) {
      return work.get();
    }
    SparkContext context = session.get().sparkContext();
    String outer = context.getLocalProperty(NODE_PROPERTY);
    String node = node(kind, name);
    nameNode(context, outer, node);
    try {
      return work.get();
    } finally {
      nameNode(context, node, outer);
    }
  }

  /** Makes the current thread's node {@code to} instead of {@code from}; null is no node. */
  private static void nameNode(SparkContext context, String from, String to) {
    if (from != null) {
      context.removeJobTag(NODE_TAG_PREFIX + from);
    }
    if (to != null) {
      context.addJobTag(NODE_TAG_PREFIX + to);
    }
    // null removes the property.
    context.setLocalProperty(NODE_PROPERTY, to);
  }

  /**
   * Runs the work, timing it and counting its Spark work.
   *
   * @throws IllegalStateException when the listener bus does not deliver its events within a minute
   */
  public <T> Counted<T> count(Supplier<T> work) {
    startsOver();
    long start = System.nanoTime();
    T result = work.get();
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Counted<>(result, seconds, startsOver());
  }

  /**
   * The work since the counter was made or this was last called, and counting starts over.
   *
   * @throws IllegalStateException when the listener bus does not deliver its events within a minute
   */
  public Tally startsOver() {
    drain();
    synchronized (this) {
      Tally tally = new Tally(total, byNode, outsideNodes);
      total = Work.NONE;
      byNode = new HashMap<>();
      outsideNodes = Work.NONE;
      return tally;
    }
  }

  /**
   * The work of one node so far, which no longer counts towards {@link #startsOver()}'s nodes (its total keeps it).
   *
   * @throws IllegalStateException when the listener bus does not deliver its events within a minute
   */
  public Work takeNode(NodeResult.Kind kind, String name) {
    drain();
    synchronized (this) {
      Work work = byNode.remove(node(kind, name));
      return work == null ? Work.NONE : work;
    }
  }

  /** Stops listening. */
  @Override
  public void close() {
    context.removeSparkListener(this);
  }

  @Override
  public void onJobStart(SparkListenerJobStart jobStart) {
    Optional<String> node = nodeOf(jobStart.properties());
    executionOf(jobStart.properties()).ifPresent(execution -> executionNodes.putIfAbsent(execution, node));
    add(node, new Work(1, 0, 0, 0, 0));
  }

  /**
   * The files a SQL query's scans read: Spark's scans report them on the driver when they are planned, as SQL
   * metrics (which the query's plan names), so they count when the query ends, for the node its thread ran when it
   * started (its node tag), else the node of its first job.
   */
  @Override
  public void onOtherEvent(SparkListenerEvent event) {
    if (event instanceof SparkListenerSQLExecutionStart start) {
      JavaConverters.setAsJavaSet(start.jobTags()).stream().filter(tag -> tag.startsWith(NODE_TAG_PREFIX)).findFirst()
          .ifPresent(tag -> executionNodes.put(start.executionId(),
              Optional.of(tag.substring(NODE_TAG_PREFIX.length()))));
      watchFileMetrics(start.executionId(), start.sparkPlanInfo());
    } else if (event instanceof SparkListenerSQLAdaptiveExecutionUpdate update) {
      watchFileMetrics(update.executionId(), update.sparkPlanInfo());
    } else if (event instanceof SparkListenerDriverAccumUpdates updates) {
      for (Tuple2<Object, Object> update : JavaConverters.seqAsJavaList(updates.accumUpdates())) {
        // A driver metric is posted with its whole value, so the latest one counts.
        fileMetrics.computeIfPresent((Long) update._1(), (id, metric) -> metric.withValue((Long) update._2()));
      }
    } else if (event instanceof SparkListenerSQLExecutionEnd end) {
      long files = 0;
      for (Iterator<FileMetric> metrics = fileMetrics.values().iterator(); metrics.hasNext(); ) {
        FileMetric metric = metrics.next();
        if (metric.execution() == end.executionId()) {
          files += metric.value();
          metrics.remove();
        }
      }
      Optional<String> node = Optional.ofNullable(executionNodes.remove(end.executionId())).flatMap(n -> n);
      if (files > 0) {
        add(node, new Work(0, 0, 0, 0, files));
      }
    }
  }

  private void watchFileMetrics(long execution, SparkPlanInfo plan) {
    for (SQLMetricInfo metric : JavaConverters.seqAsJavaList(plan.metrics())) {
      if (FILES_READ_METRICS.contains(metric.name())) {
        fileMetrics.putIfAbsent(metric.accumulatorId(), new FileMetric(execution, 0));
      }
    }
    JavaConverters.seqAsJavaList(plan.children()).forEach(child -> watchFileMetrics(execution, child));
  }

  /** A SQL metric that counts files read, of one query, and its latest value. */
  private record FileMetric(long execution, long value) {
    FileMetric withValue(long latest) {
      return new FileMetric(execution, latest);
    }
  }

  private static Optional<Long> executionOf(Properties properties) {
    return Optional.ofNullable(properties == null ? null : properties.getProperty(SQLExecution.EXECUTION_ID_KEY()))
        .map(Long::parseLong);
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted stageSubmitted) {
    stageNodes.put(stageSubmitted.stageInfo().stageId(), nodeOf(stageSubmitted.properties()));
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted stageCompleted) {
    stageNodes.remove(stageCompleted.stageInfo().stageId());
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    TaskMetrics metrics = taskEnd.taskMetrics();
    Work work = metrics == null ? new Work(0, 1, 0, 0, 0)
        : new Work(0, 1, metrics.inputMetrics().recordsRead(), metrics.inputMetrics().bytesRead(), 0);
    add(stageNodes.getOrDefault(taskEnd.stageId(), Optional.empty()), work);
  }

  private static Optional<String> nodeOf(Properties properties) {
    return Optional.ofNullable(properties == null ? null : properties.getProperty(NODE_PROPERTY));
  }

  private synchronized void add(Optional<String> node, Work work) {
    total = total.plus(work);
    if (node.isPresent()) {
      byNode.merge(node.get(), work, Work::plus);
    } else {
      outsideNodes = outsideNodes.plus(work);
    }
  }

  private void drain() {
    try {
      // Scala's private[spark] is public in the byte code; there is no public way to wait for the bus.
      context.listenerBus().waitUntilEmpty(DRAIN_MILLIS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Spark's listener bus did not empty within a minute", e);
    }
  }
}
