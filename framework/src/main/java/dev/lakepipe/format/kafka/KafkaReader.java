package dev.lakepipe.format.kafka;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;

import dev.lakepipe.format.ChangeSet;
import dev.lakepipe.format.Commit;
import dev.lakepipe.format.StreamRecords;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableFormat;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.spec.AsOf;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;

/**
 * Reads Kafka topics as a stream of values decoded by a {@link ValueDecoder}: JSON with the declared schema, or Avro.
 * A malformed record keeps null columns and says why in {@link StreamRecords#REJECTION}; the stream goes on.
 */
final class KafkaReader implements TableReader {
  private static final String DECODED = "_lakepipe_decoded";
  private static final String FETCH_MAX_WAIT = KafkaFormat.CLIENT_PREFIX + "fetch.max.wait.ms";
  /** How long the broker holds a fetch for new records; the spec's {@code kafka.fetch.max.wait.ms} wins. */
  private static final String FETCH_MAX_WAIT_MS = "10";

  private final SparkSession spark;
  private final TableAddress address;

  KafkaReader(SparkSession spark, TableAddress address) {
    this.spark = spark;
    this.address = address;
  }

  /** A topic is there to subscribe to whether or not it has records yet. */
  @Override
  public boolean exists() {
    return true;
  }

  /** @throws UnsupportedOperationException always: topics are read by streaming runs */
  @Override
  public Dataset<Row> snapshot() {
    throw streamOnly();
  }

  /** @throws UnsupportedOperationException always: topics are read by streaming runs */
  @Override
  public Dataset<Row> asOf(AsOf point) {
    throw streamOnly();
  }

  @Override
  public Optional<Commit> latestCommit() {
    return Optional.empty();
  }

  /** A topic has offsets, not commits. */
  @Override
  public List<Commit> commits() {
    return List.of();
  }

  /** @throws UnsupportedOperationException always: topics are read by streaming runs */
  @Override
  public void checkChangeReads() {
    throw streamOnly();
  }

  /** @throws UnsupportedOperationException always: topics are read by streaming runs */
  @Override
  public ChangeSet changes(String sinceCommitId, List<String> keys) {
    throw streamOnly();
  }

  /** @throws UnsupportedOperationException always: topics are read by streaming runs */
  @Override
  public ChangeSet changes(String sinceCommitId, List<String> keys, Set<String> columns) {
    throw streamOnly();
  }

  /**
   * @throws IllegalArgumentException when the schema of the values is missing or not a schema: the declared Spark DDL
   *     schema of JSON values, or the Avro schema of Avro values
   */
  @Override
  public Dataset<Row> stream() {
    Map<String, String> options = address.options();
    ValueDecoder values = ValueOptions.isAvro(options) ? new AvroValues(address.name(), options)
        : new JsonValues(address.name(), options.get(TableFormat.SCHEMA_OPTION));
    Dataset<Row> records = spark.readStream().format("kafka").options(clientOptions()).load();
    Column value = col("value");
    Dataset<Row> decoded = records.select(
        values.decode(value).as(DECODED),
        value,
        concat_ws("/", col("topic"), col("partition"), col("offset")).as(StreamRecords.POSITION),
        col("timestamp").as(StreamRecords.EVENT_TIME));
    List<Column> columns = new ArrayList<>();
    for (StructField field : values.schema().fields()) {
      columns.add(col(DECODED).getField(field.name()).as(field.name()));
    }
    columns.add(col(StreamRecords.POSITION));
    columns.add(values.raw(value).as(StreamRecords.RAW));
    columns.add(values.rejection(value, col(DECODED)).as(StreamRecords.REJECTION));
    columns.add(col(StreamRecords.EVENT_TIME));
    return decoded.select(columns.toArray(Column[]::new));
  }

  /** The Spark Kafka source's options from the spec's. */
  private Map<String, String> clientOptions() {
    Map<String, String> spec = address.options();
    Map<String, String> options = new LinkedHashMap<>();
    options.put("kafka.bootstrap.servers", spec.get(KafkaFormat.BOOTSTRAP_SERVERS));
    options.put("subscribe", spec.get(KafkaFormat.TOPICS));
    options.put("startingOffsets", spec.getOrDefault(KafkaFormat.STARTING_OFFSETS, "earliest"));
    Optional.ofNullable(spec.get(KafkaFormat.MAX_OFFSETS_PER_TRIGGER))
        .ifPresent(max -> options.put("maxOffsetsPerTrigger", max));
    // Topics deleted or compacted under a running query must fail it, not silently skip records.
    options.put("failOnDataLoss", "true");
    // Spark asks each partition's offsets after every poll, and the broker answers behind the consumer's next fetch,
    // which it holds while the partition has nothing new: up to 500 ms a micro-batch by Kafka's default.
    options.put(FETCH_MAX_WAIT, FETCH_MAX_WAIT_MS);
    spec.forEach((key, value) -> {
      if (key.startsWith(KafkaFormat.CLIENT_PREFIX)) {
        options.put(key, value);
      }
    });
    return options;
  }

  private UnsupportedOperationException streamOnly() {
    return new UnsupportedOperationException("Kafka source " + address.name()
        + " is read as a stream: run the pipeline with --mode streaming (or mode = streaming in the spec)");
  }
}
