package dev.lakepipe.format.kafka;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

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
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Reads Kafka topics as a stream of JSON values parsed with the declared schema. A record that is not JSON, whose
 * field does not fit its declared type, or that has no value, keeps null columns and says why in {@link
 * StreamRecords#REJECTION}; the stream goes on.
 */
final class KafkaReader implements TableReader {
  private static final String CORRUPT = "_lakepipe_corrupt";
  private static final String PARSED = "_lakepipe_parsed";

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
  public ChangeSet changes(String sinceCommitId, List<String> keys) {
    throw streamOnly();
  }

  /**
   * @throws IllegalArgumentException when the source declares no schema, or it is not a Spark DDL schema
   */
  @Override
  public Dataset<Row> stream() {
    StructType schema = declaredSchema();
    Dataset<Row> records = spark.readStream().format("kafka").options(clientOptions()).load();
    Column value = col("value").cast(DataTypes.StringType);
    Dataset<Row> parsed = records.select(
        from_json(value, schema.add(CORRUPT, DataTypes.StringType),
            Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", CORRUPT)).as(PARSED),
        value.as(StreamRecords.RAW),
        concat_ws("/", col("topic"), col("partition"), col("offset")).as(StreamRecords.POSITION),
        col("timestamp").as(StreamRecords.EVENT_TIME));
    List<Column> columns = new ArrayList<>();
    for (StructField field : schema.fields()) {
      columns.add(col(PARSED).getField(field.name()).as(field.name()));
    }
    columns.add(col(StreamRecords.POSITION));
    columns.add(col(StreamRecords.RAW));
    columns.add(rejection(schema).as(StreamRecords.REJECTION));
    columns.add(col(StreamRecords.EVENT_TIME));
    return parsed.select(columns.toArray(Column[]::new));
  }

  /** Why a record is malformed, or null: no value, not JSON, or the fields whose values do not fit their type. */
  private static Column rejection(StructType schema) {
    Column raw = col(StreamRecords.RAW);
    Column notJson = from_json(raw, DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), Map.of())
        .isNull();
    List<Column> wrongTypes = new ArrayList<>();
    for (StructField field : schema.fields()) {
      Column given = get_json_object(raw, "$." + field.name());
      wrongTypes.add(when(given.isNotNull().and(col(PARSED).getField(field.name()).isNull()),
          concat(lit(field.name() + ": '"), given, lit("' is not " + field.dataType().simpleString()))));
    }
    Column fields = concat_ws("; ", wrongTypes.toArray(Column[]::new));
    return when(raw.isNull(), lit("no value"))
        .when(col(PARSED).getField(CORRUPT).isNull(), lit(null).cast(DataTypes.StringType))
        .when(notJson, lit("not a JSON object"))
        .when(fields.notEqual(lit("")), concat(lit("wrong type: "), fields))
        .otherwise(lit("does not match the declared schema"));
  }

  private StructType declaredSchema() {
    String ddl = address.options().get(TableFormat.SCHEMA_OPTION);
    if (ddl == null) {
      throw new IllegalArgumentException("Kafka source " + address.name() + " needs the schema of its JSON values");
    }
    try {
      return StructType.fromDDL(ddl);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the schema of Kafka source " + address.name() + " is not a Spark DDL"
          + " schema: " + e.getMessage(), e);
    }
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
