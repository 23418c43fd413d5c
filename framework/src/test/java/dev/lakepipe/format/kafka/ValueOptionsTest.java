package dev.lakepipe.format.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The value options of Kafka sources, checked without Spark (the broken-spec corpus has the rejected ones). */
class ValueOptionsTest {
  private static final String RECORD =
      "{\"type\": \"record\", \"name\": \"Order\", \"fields\": [{\"name\": \"id\", \"type\": \"long\"}]}";

  @Test
  void jsonIsTheDefaultAndNeedsTheDeclaredSchema() {
    assertFalse(ValueOptions.isAvro(Map.of()));
    assertEquals(List.of(), ValueOptions.problems(Map.of()));
    assertEquals(List.of(), ValueOptions.problems(Map.of("value-format", "json")));
    assertEquals(Optional.empty(), ValueOptions.schemaProblem(Map.of(), true));
    assertTrue(ValueOptions.schemaProblem(Map.of(), false).orElseThrow().startsWith("missing required key"));
  }

  @Test
  void avroTakesItsColumnsFromTheAvroSchema() {
    Map<String, String> plain = Map.of("value-format", "avro", "avro-schema", RECORD);
    assertEquals(List.of(), ValueOptions.problems(plain));
    assertTrue(ValueOptions.isAvro(plain));
    assertFalse(ValueOptions.isConfluentFramed(plain));
    assertEquals(OptionalInt.empty(), ValueOptions.schemaId(plain));
    assertEquals(Optional.empty(), ValueOptions.schemaProblem(plain, false));
    assertEquals(Optional.of("the columns of Avro values come from options.avro-schema; remove schema"),
        ValueOptions.schemaProblem(plain, true));

    Map<String, String> confluent = Map.of("value-format", "avro", "avro-schema", RECORD, "avro-framing", "confluent",
        "avro-schema-id", "2147483647");
    assertEquals(List.of(), ValueOptions.problems(confluent));
    assertTrue(ValueOptions.isConfluentFramed(confluent));
    assertEquals(OptionalInt.of(Integer.MAX_VALUE), ValueOptions.schemaId(confluent));
  }

  @Test
  void schemaIdsAreWholeNumbersThatFitFourBytes() {
    for (String id : List.of("2147483648", "01", "1.5", "x")) {
      assertEquals(List.of("avro-schema-id: '" + id + "' is not a schema id (a whole number from 0 to 2147483647)"),
          ValueOptions.problems(Map.of("value-format", "avro", "avro-schema", RECORD, "avro-framing", "confluent",
              "avro-schema-id", id)), id);
    }
  }

  @Test
  void anAvroSchemaMustBeARecordOfNamedTypedFields() {
    for (String schema : List.of("\"long\"", "{\"type\": \"record\", \"name\": \"R\"}",
        "{\"type\": \"enum\", \"name\": \"E\", \"symbols\": [\"A\"]}",
        "{\"type\": \"record\", \"fields\": [{\"name\": \"id\", \"type\": \"long\"}]}",
        "{\"type\": \"record\", \"name\": \"R\", \"fields\": []}")) {
      assertEquals(1, ValueOptions.problems(Map.of("value-format", "avro", "avro-schema", schema)).size(), schema);
    }
  }
}
