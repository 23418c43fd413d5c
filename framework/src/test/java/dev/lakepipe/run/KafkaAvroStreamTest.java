package dev.lakepipe.run;

import static dev.lakepipe.run.OrderStream.EPOCH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.lakepipe.cli.ExitCodes;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/**
 * Avro values from a real Kafka broker upserted into Delta, plain and in Confluent's wire format: the latest event of
 * each order wins, and values that are not Avro for the declared schema, lack Confluent's header or carry another
 * schema id are quarantined with their bytes (base64), position and reason (consumed = written + quarantined).
 */
class KafkaAvroStreamTest {
  private static final String SPEC = "src/test/resources/specs/streaming/orders-avro.conf";
  private static final Schema SCHEMA = new Schema.Parser().parse(ConfigFactory.parseFile(new File(SPEC))
      .getString("sources.orders.options.avro-schema"));
  private static final int SCHEMA_ID = 7;

  @Test
  void plainAvroValues() {
    OrderStream stream = new OrderStream("avro_plain", SPEC, List.of("delta"));
    byte[] truncated = Arrays.copyOf(event(5, "created", "50.00", 1), 4);
    byte[] noText = "not avro".getBytes();
    byte[] nullKey = event(null, "paid", "1.00", 1);
    stream.send(0, event(1, "paid", "10.00", 3), event(1, "created", "10.00", 1), event(2, "created", "20.00", 1),
        noText, truncated, nullKey, event(4, "created", "40.00", 6));
    stream.send(1, event(2, "shipped", "20.00", 4), event(3, "created", "30.00", 2));

    String output = stream.run(ExitCodes.OK);

    assertTrue(output.matches("(?s).*batch  delta +#0 +9 in, 6 out, 3 quarantined.*"), output);
    assertEquals(List.of("1|paid|10.00|3", "2|shipped|20.00|4", "3|created|30.00|2", "4|created|40.00|6"),
        stream.rows("delta"));
    assertEquals(List.of(
            stream.topic + "/0/3|" + base64(noText) + "|not Avro for the declared schema",
            stream.topic + "/0/4|" + base64(truncated) + "|not Avro for the declared schema",
            stream.topic + "/0/5|" + base64(nullKey) + "|null key: order_id"),
        quarantined(stream));
  }

  @Test
  void confluentFramedAvroValues() {
    OrderStream stream = new OrderStream("avro_confluent", SPEC, List.of("delta"));
    byte[] unframed = event(3, "created", "30.00", 2);
    byte[] otherSchema = framed(9, event(4, "created", "40.00", 6));
    byte[] corrupt = framed(SCHEMA_ID, "not avro".getBytes());
    stream.send(0, framed(SCHEMA_ID, event(1, "created", "10.00", 1)), unframed, otherSchema, corrupt,
        framed(SCHEMA_ID, event(1, "paid", "10.00", 3)));
    stream.send(1, framed(SCHEMA_ID, event(2, "created", "20.00", 1)), new byte[] {0, 0});

    String output = stream.run(ExitCodes.OK, "sources.orders.options.avro-framing=confluent",
        "sources.orders.options.avro-schema-id=" + SCHEMA_ID);

    assertTrue(output.matches("(?s).*batch  delta +#0 +7 in, 3 out, 4 quarantined.*"), output);
    assertEquals(List.of("1|paid|10.00|3", "2|created|20.00|1"), stream.rows("delta"));
    assertEquals(List.of(
            stream.topic + "/0/1|" + base64(unframed) + "|missing Confluent magic byte",
            stream.topic + "/0/2|" + base64(otherSchema) + "|Confluent schema id 9, expected 7",
            stream.topic + "/0/3|" + base64(corrupt) + "|not Avro for the declared schema",
            stream.topic + "/1/1|AAA=|shorter than Confluent's 5-byte header"),
        quarantined(stream));
  }

  @Test
  void anAvroSchemaThatAvroRejectsFailsTheRunWithTheReason() {
    OrderStream stream = new OrderStream("avro_bad_schema", SPEC, List.of("delta"));
    String output = stream.run(ExitCodes.FAILURE, "sources.orders.options.avro-schema=\"\"\"{\"type\": \"record\","
        + " \"name\": \"Order\", \"fields\": [{\"name\": \"order_id\", \"type\": \"integer\"}]}\"\"\"");
    assertTrue(output.contains("options.avro-schema of Kafka source orders is not an Avro schema: \"integer\" is not"
        + " a defined name"), output);
  }

  /** An order event at hour {@code hour} as Avro binary, as Avro's own writer encodes it. */
  private static byte[] event(Long id, String status, String amount, int hour) {
    GenericRecord record = new GenericData.Record(SCHEMA);
    record.put("order_id", id);
    record.put("status", status);
    record.put("amount", ByteBuffer.wrap(new BigDecimal(amount).unscaledValue().toByteArray()));
    record.put("updated_at", EPOCH.plus(Duration.ofHours(hour)).toEpochMilli());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    try {
      new GenericDatumWriter<GenericRecord>(SCHEMA).write(record, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static byte[] event(long id, String status, String amount, int hour) {
    return event(Long.valueOf(id), status, amount, hour);
  }

  /** Confluent's wire format: magic byte 0, the schema id in 4 bytes big-endian, the Avro record. */
  private static byte[] framed(int schemaId, byte[] record) {
    return ByteBuffer.allocate(5 + record.length).put((byte) 0).putInt(schemaId).put(record).array();
  }

  private static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** The quarantine as {@code position|raw_value|reason}, by position. */
  private static List<String> quarantined(OrderStream stream) {
    return stream.quarantine("delta").orderBy("position").collectAsList().stream()
        .map(row -> row.getAs("position") + "|" + row.getAs("raw_value") + "|" + row.getAs("reason")).toList();
  }
}
