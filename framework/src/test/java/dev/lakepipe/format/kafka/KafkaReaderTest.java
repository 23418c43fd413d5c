package dev.lakepipe.format.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.testing.TestSpark;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.streaming.StreamingRelationV2;
import org.junit.jupiter.api.Test;

/** The options a Kafka source gives Spark's Kafka reader, read from the stream's plan (no broker needed). */
class KafkaReaderTest {
  private static final String FETCH_MAX_WAIT = "kafka.fetch.max.wait.ms";

  @Test
  void theBrokerHoldsAFetchTenMillisecondsUnlessTheSpecSetsIt() {
    assertEquals("10", sourceOption(Map.of(), FETCH_MAX_WAIT));
    assertEquals("250", sourceOption(Map.of(FETCH_MAX_WAIT, "250"), FETCH_MAX_WAIT));
    assertEquals("SASL_SSL", sourceOption(Map.of("kafka.security.protocol", "SASL_SSL"), "kafka.security.protocol"));
    assertEquals("true", sourceOption(Map.of(), "failOnDataLoss"));
  }

  private static String sourceOption(Map<String, String> specOptions, String key) {
    Map<String, String> options = new HashMap<>(Map.of("bootstrap-servers", "127.0.0.1:9", "topics", "orders",
        "schema", "order_id BIGINT, status STRING"));
    options.putAll(specOptions);
    TableAddress topic = new TableAddress("orders", "orders", Optional.of("orders"), Optional.empty(), options);
    LogicalPlan source = TableFormats.get("kafka").reader(TestSpark.session(), topic).stream().queryExecution()
        .logical().collectLeaves().head();
    return ((StreamingRelationV2) source).extraOptions().get(key);
  }
}
