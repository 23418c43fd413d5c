package dev.lakepipe.pipelines.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.cli.MemoryPeaks;
import dev.lakepipe.cli.Runs;
import dev.lakepipe.cli.VerboseOption;
import dev.lakepipe.format.Commit;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableAddresses;
import dev.lakepipe.format.TableFormat;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.kafka.broker.LocalKafkaBroker;
import dev.lakepipe.plan.Plan;
import dev.lakepipe.run.BatchMarker;
import dev.lakepipe.run.PipelineRunner;
import dev.lakepipe.run.RunMode;
import dev.lakepipe.run.RunOptions;
import dev.lakepipe.run.SparkSessions;
import dev.lakepipe.spec.InvalidSpecException;
import dev.lakepipe.spec.JobSpec;
import dev.lakepipe.spec.SpecLoader;
import dev.lakepipe.spec.TargetSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code lakepipe bench streaming}: for each format, events produced to Kafka at a steady rate are upserted into a
 * table of that format by a streaming run with a processing-time trigger (the order events pipeline,
 * conf/jobs/order-events-stream.conf), while a reader polls the table. Freshness is, for each event, the time from
 * its production to the moment the reader first sees it in the table, over the events produced after a warm-up (the
 * first micro-batches of a JVM run interpreted code and build each format's state), those of the warm-up reported
 * apart; the rate is the events the reader saw per second; beside them, how long the micro-batches that ended after
 * the warm-up took to write, and for each measured event the time from its production to the commit of the
 * micro-batch that took it in ({@code committed_*}: the Kafka offsets each batch read up to are in its query's
 * progress, the time of its commit in the table's history), which leaves out how long the reader takes to plan and
 * read each new version, and the table services that end a batch after its commit. One JSON line per format,
 * with the peak heap of the process beside.
 */
@Command(name = "streaming", mixinStandardHelpOptions = true,
    description = {"Kafka -> Hudi / Delta / Iceberg with a processing-time trigger: sustained events per second and"
        + " end-to-end freshness (event produced -> visible to a reader of the table; -> committed), one JSON line"
        + " per format.",
        "Starts a local Kafka broker (module kafka-broker) unless --bootstrap-servers names one."})
final class StreamingBench implements Callable<Integer> {
  private static final long POLL_MILLIS = 200;
  /** Spark's setting of how many of a query's latest progress reports it keeps. */
  private static final String PROGRESS_KEPT = "spark.sql.streaming.numRecentProgressUpdates";
  /** Enough for a batch every 0.1 s. */
  private static final long PROGRESS_KEPT_PER_SECOND = 10;
  /** The spec's Kafka source. */
  private static final String SOURCE = "order_events";
  private static final long DRAIN_MILLIS = TimeUnit.MINUTES.toMillis(2);
  private static final String[] STATUSES = {"created", "paid", "shipped", "delivered"};

  @Option(names = "--spec", paramLabel = "FILE",
      defaultValue = "${env:LAKEPIPE_HOME:-.}/conf/jobs/order-events-stream.conf",
      description = "The streaming spec; its Kafka source and target are pointed at the bench's (default:"
          + " ${DEFAULT-VALUE}).")
  Path spec;

  @Option(names = "--formats", split = ",", defaultValue = "hudi,delta,iceberg",
      description = "Target formats, measured one after the other (default: ${DEFAULT-VALUE}).")
  List<String> formats;

  @Option(names = "--rate", defaultValue = "200", description = "Events produced per second (default:"
      + " ${DEFAULT-VALUE}).")
  int rate;

  @Option(names = "--rates", split = ",", paramLabel = "R",
      description = "Rates to try in turn, per format, instead of --rate: stops at the first that falls behind (not"
          + " every event visible, or freshness growing by more than the interval) and prints the highest sustained"
          + " one, with the rates tried.")
  List<Integer> rates = List.of();

  @Option(names = "--seconds", defaultValue = "60", description = "How long the measured events are produced, per"
      + " format, after the warm-up (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(names = "--warmup-seconds", paramLabel = "N", defaultValue = "10", description = "How long events are"
      + " produced before the measured ones, per format; their freshness is reported apart (default:"
      + " ${DEFAULT-VALUE}).")
  int warmupSeconds;

  @Option(names = "--interval", defaultValue = "5s", description = "The trigger's interval (default:"
      + " ${DEFAULT-VALUE}).")
  String interval;

  @Option(names = "--orders", defaultValue = "10000", description = "Distinct orders the events update (default:"
      + " ${DEFAULT-VALUE}).")
  int orders;

  @Option(names = "--buckets", paramLabel = "N", defaultValue = "2", description = "Buckets of the target for the"
      + " formats that hash keys into buckets (Hudi's bucket index), as a streaming target is best declared there;"
      + " 0 for none (default: ${DEFAULT-VALUE}).")
  int buckets;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
      description = "An existing Kafka cluster to use instead of a local broker.")
  String bootstrapServers;

  @Mixin
  VerboseOption verbose;

  @Spec
  CommandSpec command;

  /**
   * @throws InvalidSpecException when the spec is invalid (exit code 2)
   * @throws ParameterException when a number is not positive, or a format unknown (exit code 2)
   * @throws IOException when the local broker or the warehouse folder cannot be set up
   */
  @Override
  public Integer call() throws InvalidSpecException, IOException, InterruptedException {
    if (rate <= 0 || seconds <= 0 || orders <= 0 || warmupSeconds < 0 || rates.stream().anyMatch(r -> r <= 0)) {
      throw new ParameterException(command.commandLine(), "--rate, --rates, --seconds and --orders must be positive,"
          + " --warmup-seconds not negative");
    }
    formats.stream().filter(f -> TableFormats.find(f).isEmpty()).findFirst().ifPresent(f -> {
      throw new ParameterException(command.commandLine(), "unknown format " + f);
    });
    verbose.apply();
    PrintWriter out = command.commandLine().getOut();
    // The broker stops before its folder goes.
    try (WorkFolder work = WorkFolder.namedOrTemporary(null, "lakepipe-bench-streaming-");
        LocalKafkaBroker broker = bootstrapServers == null ? localBroker(work.path()) : null) {
      String servers = broker == null ? bootstrapServers : broker.bootstrapServers();
      String warehouse = work.path().resolve("warehouse").toString();
      for (String format : formats) {
        out.println(rates.isEmpty() ? measure(format, servers, warehouse).json()
            : highestSustained(format, servers, warehouse));
        out.flush();
      }
    }
    return ExitCodes.OK;
  }

  /** Tries the rates in turn; the JSON of the highest one the format sustains (else the lowest), with the tries. */
  private String highestSustained(String format, String servers, String warehouse)
      throws InvalidSpecException, InterruptedException {
    Measurement best = null;
    List<String> tried = new ArrayList<>();
    for (int next : rates) {
      rate = next;
      Measurement measured = measure(format, servers, warehouse);
      boolean sustained = measured.sustained();
      tried.add(next + (sustained ? "" : " falls behind"));
      if (!sustained) {
        best = best == null ? measured : best;
        break;
      }
      best = measured;
    }
    String json = best.json();
    return json.substring(0, json.length() - 1) + ",\"rates_tried\":\"" + String.join(", ", tried) + "\"}";
  }

  private static LocalKafkaBroker localBroker(Path work) throws IOException {
    Path classpath = Path.of(System.getenv().getOrDefault("LAKEPIPE_HOME", "."), "kafka-broker", "target",
        "broker.classpath");
    if (!Files.exists(classpath)) {
      throw new IllegalStateException("no Kafka broker class path at " + classpath + ": build the project"
          + " (./mvnw -DskipTests package), or pass --bootstrap-servers");
    }
    return LocalKafkaBroker.start(classpath, work.resolve("kafka"));
  }

  private Measurement measure(String format, String servers, String warehouse)
      throws InvalidSpecException, InterruptedException {
    String topic = "bench_" + format + "_" + System.currentTimeMillis();
    // One pipeline and table per format and rate: a streaming checkpoint belongs to one topic.
    int targetBuckets = targetBuckets(format);
    List<String> settings = new ArrayList<>(List.of(
        "warehouse=\"" + warehouse + "\"",
        "name=bench_streaming_" + format + "_" + rate,
        "streaming.trigger=processing-time",
        "streaming.interval=" + interval,
        "sources." + SOURCE + ".options.bootstrap-servers=\"" + servers + "\"",
        "sources." + SOURCE + ".options.topics=" + topic,
        "targets.orders_live.format=" + format,
        "targets.orders_live.table=bench.orders_" + format + "_" + rate));
    if (targetBuckets > 0) {
      settings.add("targets.orders_live.buckets=" + targetBuckets);
    }
    JobSpec job = new SpecLoader(TableFormats.all(), System::getenv).load(spec, new SpecLoader.Options(
        Optional.empty(), Optional.empty(), settings));
    SparkSession spark = SparkSessions.getOrCreate(Runs.withConsoleProgress(job.settings()));
    // The commit of each event is found from every batch's progress; a query keeps its last 100 unless told.
    spark.conf().set(PROGRESS_KEPT, Long.toString(PROGRESS_KEPT_PER_SECOND
        * (warmupSeconds + seconds + TimeUnit.MILLISECONDS.toSeconds(DRAIN_MILLIS))));
    TargetSpec target = job.targets().get("orders_live");
    TableFormat tableFormat = TableFormats.get(format);
    TableAddress address = TableAddresses.resolve(job.settings(), tableFormat, target.name(), target.path(),
        target.table(), target.options());
    TableReader reader = tableFormat.reader(spark, address);
    // The stream's thread reads the latest commit after each batch with a reader of its own.
    TableReader committer = tableFormat.reader(spark, address);
    Map<Long, Long> batchCommits = new ConcurrentHashMap<>();
    MemoryPeaks.resetPeaks();

    int warmupEvents = rate * warmupSeconds;
    int events = warmupEvents + rate * seconds;
    long[] producedAt = new long[events];
    SentRecords sent = new SentRecords(events);
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    List<EndedBatch> batches = Collections.synchronizedList(new ArrayList<>());
    Thread runner = new Thread(() -> {
      try {
        new PipelineRunner(spark).run(Plan.of(job), RunOptions.of(RunOptions.currentHour(), RunMode.STREAMING),
            node -> { }, batch -> {
              batches.add(new EndedBatch(System.currentTimeMillis(), batch.seconds()));
              // Hudi archives old commits from its timeline: the batch's commit is taken now too.
              latestCommit(committer).ifPresent(commit -> recordBatchCommit(commit, batchCommits));
            });
      } catch (RuntimeException e) {
        failure.set(e);
      }
    }, "bench-stream");
    runner.start();
    // A first event creates the table; the measured ones start after it, so that creating it is not measured.
    CountDownLatch tableCreated = new CountDownLatch(1);
    Thread producer = new Thread(() -> produce(servers, topic, producedAt, sent, tableCreated), "bench-producer");
    producer.start();
    while (latestCommit(reader).isEmpty() && failure.get() == null && runner.isAlive()) {
      Thread.sleep(POLL_MILLIS);
    }
    tableCreated.countDown();

    long[] visibleAt = new long[events];
    int visible = 0;
    Optional<Commit> seen = Optional.empty();
    List<Double> reads = new ArrayList<>();
    long drainUntil = Long.MAX_VALUE;
    while (visible < events && System.currentTimeMillis() < drainUntil && failure.get() == null) {
      Thread.sleep(POLL_MILLIS);
      if (!producer.isAlive() && drainUntil == Long.MAX_VALUE) {
        drainUntil = System.currentTimeMillis() + DRAIN_MILLIS;
      }
      // A catalog may cache the table's state; the reader must see each new commit.
      address.identifier().ifPresent(table -> spark.catalog().refreshTable(table));
      Optional<Commit> latest = latestCommit(reader);
      if (latest.isEmpty() || latest.equals(seen)) {
        continue;
      }
      seen = latest;
      long now = System.currentTimeMillis();
      // Only the events not seen yet: formats skip the files or row groups that hold none, as a consumer of what is new
      // would.
      Row newest = reader.snapshot().where(col("seq").geq(visible)).agg(max("seq")).head();
      int upTo = newest.isNullAt(0) ? -1 : (int) Math.min(newest.getLong(0), events - 1);
      for (int seq = visible; seq <= upTo; seq++) {
        visibleAt[seq] = now;
      }
      visible = Math.max(visible, upTo + 1);
      if (upTo >= warmupEvents) {
        reads.add((System.currentTimeMillis() - now) / 1e3);
      }
    }
    producer.join();
    List<StreamingQuery> stopped = stopQueries(spark, job.name());
    runner.join();
    if (failure.get() != null) {
      throw failure.get();
    }
    reader.commits().forEach(commit -> recordBatchCommit(commit, batchCommits));
    long[] committedAt = committedAt(sent, stopped, batchCommits, topic);
    long warmedUpAt = warmupEvents < events ? producedAt[warmupEvents] : Long.MAX_VALUE;
    double[] batchSeconds;
    synchronized (batches) {
      batchSeconds = batches.stream().filter(batch -> batch.endedAt() > warmedUpAt).mapToDouble(EndedBatch::seconds)
          .sorted().toArray();
    }
    return measurement(format, producedAt, visibleAt, committedAt, visible, warmupEvents, batchSeconds,
        reads.stream().mapToDouble(Double::doubleValue).sorted().toArray(), MemoryPeaks.peakHeapMegabytes(),
        job.streaming().interval().toMillis() / 1e3);
  }

  /** The table's latest commit, or empty while the first write is still creating it. */
  private static Optional<Commit> latestCommit(TableReader reader) {
    try {
      return reader.latestCommit();
    } catch (RuntimeException creating) { // e.g. Hudi's TableNotFoundException between its first files and commit
      return Optional.empty();
    }
  }

  /** The buckets the target is given: {@code --buckets} for a format with buckets, else none (0). */
  private int targetBuckets(String format) {
    return TableFormats.get(format).supportsBuckets() ? buckets : 0;
  }

  /**
   * @param warmupEvents the first events, produced during the warm-up: left out of the measured figures
   * @param batchSeconds the seconds of each micro-batch that ended after the warm-up, sorted
   * @param readSeconds the seconds of each of the reader's reads of a new commit after the warm-up, sorted
   */
  private Measurement measurement(String format, long[] producedAt, long[] visibleAt, long[] committedAt, int visible,
      int warmupEvents, double[] batchSeconds, double[] readSeconds, double peakHeapMb, double intervalSeconds) {
    int warmedUp = Math.min(warmupEvents, visible);
    double[] warmup = new double[warmedUp];
    double[] freshness = new double[visible - warmedUp];
    for (int seq = 0; seq < visible; seq++) {
      double seconds = (visibleAt[seq] - producedAt[seq]) / 1e3;
      if (seq < warmedUp) {
        warmup[seq] = seconds;
      } else {
        freshness[seq - warmedUp] = seconds;
      }
    }
    // Falling behind shows as the last events waiting longer than the first measured ones.
    int measured = freshness.length;
    int tenth = Math.max(1, measured / 10);
    double lagGrowth = measured == 0 ? Double.NaN
        : mean(freshness, measured - tenth, measured) - mean(freshness, 0, tenth);
    // The sustained rate: events that became visible after the first commit seen, over the time they took.
    int first = 0;
    while (first < visible && visibleAt[first] == visibleAt[0]) {
      first++;
    }
    double span = visible == 0 ? 0 : (visibleAt[visible - 1] - visibleAt[0]) / 1e3;
    double rateSeen = span == 0 ? Double.NaN : (visible - first) / span;
    Arrays.sort(freshness);
    Arrays.sort(warmup);
    // From production to the commit of the micro-batch that took the event in, whenever a reader reads it.
    double[] committed = IntStream.range(warmedUp, visible).filter(seq -> committedAt[seq] > 0)
        .mapToDouble(seq -> (committedAt[seq] - producedAt[seq]) / 1e3).sorted().toArray();
    return new Measurement(String.format(Locale.ROOT, "{\"format\":\"%s\",\"events_per_s\":%.1f,\"freshness_p50_s\":%.2f,"
            + "\"freshness_p95_s\":%.2f,\"peak_heap_mb\":%.0f,\"offered_events_per_s\":%d,\"lag_growth_s\":%.2f,"
            + "\"events\":%d,\"visible\":%d,\"interval\":\"%s\",\"warmup_s\":%d,\"warmup_freshness_p50_s\":%.2f,"
            + "\"warmup_freshness_p95_s\":%.2f,\"batches\":%d,\"batch_p50_s\":%.2f,\"batch_p95_s\":%.2f,"
            + "\"committed_p50_s\":%.2f,\"committed_p95_s\":%.2f,\"committed_events\":%d,\"reads\":%d,"
            + "\"read_p50_s\":%.2f,\"buckets\":%d}",
        format, rateSeen, percentile(freshness, 0.50), percentile(freshness, 0.95), peakHeapMb, rate, lagGrowth,
        producedAt.length, visible, interval, warmupSeconds, percentile(warmup, 0.50), percentile(warmup, 0.95),
        batchSeconds.length, percentile(batchSeconds, 0.50), percentile(batchSeconds, 0.95),
        percentile(committed, 0.50), percentile(committed, 0.95), committed.length, readSeconds.length,
        percentile(readSeconds, 0.50), targetBuckets(format)),
        producedAt.length, visible, lagGrowth, intervalSeconds);
  }

  /** A micro-batch: when it ended (epoch milliseconds) and how many seconds it took. */
  private record EndedBatch(long endedAt, double seconds) {}

  /** Where the broker put each event: its partition and offset, -1 until acknowledged. */
  private record SentRecords(int[] partitions, long[] offsets) {
    SentRecords(int events) {
      this(new int[events], new long[events]);
      Arrays.fill(offsets, -1);
    }
  }

  /**
   * For each event, when the commit of the first micro-batch whose offsets took it in was made (epoch milliseconds;
   * 0 when that commit is not known): the offsets each batch read up to are in its query's recent progress.
   *
   * @param commits the time of each batch's commit, by batch id
   */
  private static long[] committedAt(SentRecords sent, List<StreamingQuery> queries, Map<Long, Long> commits,
      String topic) {
    // Each batch's end offsets per partition, in batch order.
    TreeMap<Long, Map<Integer, Long>> ends = new TreeMap<>();
    for (StreamingQuery query : queries) {
      for (StreamingQueryProgress progress : query.recentProgress()) {
        if (progress.sources().length == 1 && progress.numInputRows() > 0) {
          ends.put(progress.batchId(), endOffsets(progress.sources()[0].endOffset(), topic));
        }
      }
    }
    long[] committed = new long[sent.offsets().length];
    for (int seq = 0; seq < committed.length; seq++) {
      int partition = sent.partitions()[seq];
      long offset = sent.offsets()[seq];
      committed[seq] = offset < 0 ? 0 : ends.entrySet().stream()
          .filter(batch -> batch.getValue().getOrDefault(partition, -1L) > offset)
          .mapToLong(batch -> commits.getOrDefault(batch.getKey(), 0L)).findFirst().orElse(0);
    }
    return committed;
  }

  /**
   * Records the time of a micro-batch's commit by its batch id: every commit of a batch records it ({@code <query
   * id>@<batch id>}), and its time is when readers can see it (Delta's commit file, Iceberg's snapshot, Hudi's
   * completion), before the table services that end the batch.
   */
  private static void recordBatchCommit(Commit commit, Map<Long, Long> batchCommits) {
    BatchMarker.of(commit, SOURCE)
        .ifPresent(marker -> batchCommits.merge(marker.batchId(), commit.timestamp().toEpochMilli(), Math::min));
  }

  /** The offsets a Kafka source's progress gives for one topic: {"topic":{"0":123,"1":456}}. */
  private static Map<Integer, Long> endOffsets(String json, String topic) {
    try {
      Map<Integer, Long> offsets = new HashMap<>();
      new ObjectMapper().readTree(json).path(topic).fields()
          .forEachRemaining(field -> offsets.put(Integer.parseInt(field.getKey()), field.getValue().asLong()));
      return offsets;
    } catch (IOException e) {
      throw new IllegalStateException("unreadable Kafka offsets in a streaming progress: " + json, e);
    }
  }

  /** One run at one rate: its JSON line, and what tells whether the format kept up. */
  private record Measurement(String json, int events, int visible, double lagGrowthSeconds,
      double intervalSeconds) {
    /** Every event became visible, and the last ones did not wait longer than the first by more than a trigger. */
    boolean sustained() {
      return visible == events && lagGrowthSeconds <= intervalSeconds;
    }
  }

  private static double mean(double[] values, int from, int to) {
    return Arrays.stream(values, from, to).average().orElse(Double.NaN);
  }

  private static double percentile(double[] sorted, double p) {
    return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  }

  /**
   * Sends a first event (sequence -1), then, once the table exists, one event every 1/rate s, recording when each
   * was handed to the producer.
   */
  private void produce(String servers, String topic, long[] producedAt, SentRecords sent,
      CountDownLatch tableCreated) {
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    properties.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    Random random = new Random(42);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, event(-1, random, System.currentTimeMillis())));
      tableCreated.await();
      long start = System.nanoTime();
      for (int seq = 0; seq < producedAt.length; seq++) {
        long wait = start + seq * 1_000_000_000L / rate - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        producedAt[seq] = System.currentTimeMillis();
        int sequence = seq;
        producer.send(new ProducerRecord<>(topic, event(seq, random, producedAt[seq])), (record, error) -> {
          if (error == null) {
            sent.partitions()[sequence] = record.partition();
            sent.offsets()[sequence] = record.offset();
          }
        });
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String event(int seq, Random random, long producedAt) {
    return String.format(Locale.ROOT, "{\"seq\":%d,\"order_id\":%d,\"status\":\"%s\",\"amount\":%d.%02d,"
            + "\"updated_at\":\"%s\"}", seq, random.nextInt(orders), STATUSES[random.nextInt(STATUSES.length)],
        random.nextInt(500), random.nextInt(100), Instant.ofEpochMilli(producedAt));
  }

  /** Stops the pipeline's queries; returns them, whose progress stays readable. */
  private static List<StreamingQuery> stopQueries(SparkSession spark, String pipeline) {
    List<StreamingQuery> queries = Arrays.stream(spark.streams().active())
        .filter(query -> query.name() != null && query.name().startsWith(pipeline + ".")).toList();
    for (StreamingQuery query : queries) {
      try {
        query.stop();
      } catch (TimeoutException e) {
        // The run ends with the JVM.
      }
    }
    return queries;
  }
}
