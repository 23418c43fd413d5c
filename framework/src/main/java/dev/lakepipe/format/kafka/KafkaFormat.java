package dev.lakepipe.format.kafka;

import dev.lakepipe.format.Addressing;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableFormat;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.format.TableWriter;
import dev.lakepipe.spec.EngineSettings;
import dev.lakepipe.spec.WriteMode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * Kafka topics as a source of streaming runs: records whose values are JSON with the source's declared schema, or
 * Avro (see {@link ValueOptions}). A source names its brokers and topics in its options:
 * <pre>
 *   format = kafka
 *   schema = "order_id BIGINT, status STRING, updated_at TIMESTAMP"
 *   options { bootstrap-servers = "broker1:9092,broker2:9092", topics = "orders", starting-offsets = earliest }
 * </pre>
 * With Avro values the columns are the fields of the Avro record schema, and no {@code schema} is declared:
 * <pre>
 *   options {
 *     bootstrap-servers = "broker1:9092", topics = "orders"
 *     value-format = avro, avro-framing = confluent
 *     avro-schema = """{"type": "record", "name": "Order", "fields": [{"name": "order_id", "type": "long"}]}"""
 *   }
 * </pre>
 * Options starting with {@code kafka.} go to the Kafka client as they are (security settings, with secrets from
 * {@code ${?ENV}} substitution). Nothing is written to Kafka.
 */
public final class KafkaFormat implements TableFormat {
  static final String BOOTSTRAP_SERVERS = "bootstrap-servers";
  static final String TOPICS = "topics";
  static final String STARTING_OFFSETS = "starting-offsets";
  static final String MAX_OFFSETS_PER_TRIGGER = "max-offsets-per-trigger";
  static final String CLIENT_PREFIX = "kafka.";
  private static final Set<String> OPTIONS = new TreeSet<>(Stream.concat(
      Stream.of(BOOTSTRAP_SERVERS, TOPICS, STARTING_OFFSETS, MAX_OFFSETS_PER_TRIGGER), ValueOptions.KEYS.stream())
      .toList());
  private static final List<String> STARTS = List.of("earliest", "latest");

  @Override
  public String name() {
    return "kafka";
  }

  @Override
  public Set<WriteMode> writeModes() {
    return EnumSet.noneOf(WriteMode.class);
  }

  @Override
  public Addressing addressing() {
    return Addressing.OPTIONS;
  }

  @Override
  public boolean acceptsSchema() {
    return true;
  }

  @Override
  public boolean supportsStreamingReads() {
    return true;
  }

  @Override
  public List<String> sourceOptionProblems(Map<String, String> options) {
    List<String> problems = new ArrayList<>();
    for (String required : List.of(BOOTSTRAP_SERVERS, TOPICS)) {
      if (!options.containsKey(required)) {
        problems.add(required + ": missing (a Kafka source needs " + BOOTSTRAP_SERVERS + " and " + TOPICS + ")");
      }
    }
    String start = options.get(STARTING_OFFSETS);
    if (start != null && !STARTS.contains(start)) {
      problems.add(STARTING_OFFSETS + ": '" + start + "' is not one of " + String.join(", ", STARTS));
    }
    String max = options.get(MAX_OFFSETS_PER_TRIGGER);
    if (max != null && !max.matches("[1-9][0-9]*")) {
      problems.add(MAX_OFFSETS_PER_TRIGGER + ": '" + max + "' is not a positive whole number");
    }
    problems.addAll(ValueOptions.problems(options));
    options.keySet().stream().filter(key -> !OPTIONS.contains(key) && !key.startsWith(CLIENT_PREFIX)).sorted()
        .forEach(key -> problems.add(key + ": unknown option (known: " + String.join(", ", OPTIONS)
            + ", and kafka.* client settings)"));
    return problems;
  }

  @Override
  public Optional<String> sourceSchemaProblem(Map<String, String> options, boolean declared) {
    return ValueOptions.schemaProblem(options, declared);
  }

  @Override
  public Map<String, String> sessionConf(EngineSettings settings) {
    return Map.of();
  }

  @Override
  public TableReader reader(SparkSession spark, TableAddress address) {
    return new KafkaReader(spark, address);
  }

  /** @throws UnsupportedOperationException always: lakepipe reads Kafka, it does not write it */
  @Override
  public TableWriter writer(SparkSession spark, TableAddress address, TableLayout layout) {
    throw new UnsupportedOperationException("kafka is a source only; " + address.name() + " cannot be written");
  }
}
