package dev.lakepipe.format.kafka;

import static org.apache.spark.sql.functions.base64;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.conv;
import static org.apache.spark.sql.functions.hex;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.Arrays;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.avro.SchemaConverters;
import org.apache.spark.sql.avro.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Avro binary values decoded with the Avro record schema of the source's options, by Spark's {@code from_avro} in
 * permissive mode. No schema registry is asked: with Confluent's framing (magic byte 0, a 4-byte big-endian schema
 * id, then the Avro record) the framing is stripped and the record decoded with the declared schema; the schema id is
 * checked only when the options give one.
 *
 * <p>A value that Avro cannot decode comes out of {@code from_avro} as a record of nulls: such a value is malformed,
 * and so is a value whose fields are all null. Avro's binary decoder stops at the end of the record, so bytes left
 * over after it go unnoticed.
 */
final class AvroValues implements ValueDecoder {
  private static final int HEADER_BYTES = 5;

  private final String schemaJson;
  private final StructType schema;
  private final boolean confluentFramed;
  private final OptionalInt schemaId;

  /**
   * @param source the source's name, for errors
   * @param options the source's options
   * @throws IllegalArgumentException when the Avro schema is not one (the spec layer checks only its JSON and shape)
   */
  AvroValues(String source, Map<String, String> options) {
    this.schemaJson = options.get(ValueOptions.AVRO_SCHEMA);
    Schema avro;
    try {
      avro = new Schema.Parser().parse(schemaJson);
    } catch (AvroRuntimeException e) {
      throw new IllegalArgumentException("options." + ValueOptions.AVRO_SCHEMA + " of Kafka source " + source
          + " is not an Avro schema: " + e.getMessage(), e);
    }
    // A record, as the spec check made sure: its fields are the columns.
    this.schema = (StructType) SchemaConverters.toSqlType(avro).dataType();
    this.confluentFramed = ValueOptions.isConfluentFramed(options);
    this.schemaId = ValueOptions.schemaId(options);
  }

  @Override
  public StructType schema() {
    return schema;
  }

  @Override
  public Column decode(Column value) {
    Column record = confluentFramed ? when(isFramed(value), value.substr(HEADER_BYTES + 1, Integer.MAX_VALUE))
        : value;
    return functions.from_avro(record, schemaJson, Map.of("mode", "PERMISSIVE"));
  }

  /** Base64: Avro is binary. */
  @Override
  public Column raw(Column value) {
    return base64(value);
  }

  /** No value, no Confluent header, another schema id, or not decodable. */
  @Override
  public Column rejection(Column value, Column decoded) {
    Column undecoded = Arrays.stream(schema.fieldNames()).map(name -> decoded.getField(name).isNull())
        .reduce(Column::and).orElse(lit(true));
    Column rejection = when(value.isNull(), lit("no value"));
    if (confluentFramed) {
      rejection = rejection.when(magicByte(value).equalTo(false), lit("missing Confluent magic byte"))
          .when(length(value).lt(HEADER_BYTES), lit("shorter than Confluent's " + HEADER_BYTES + "-byte header"));
    }
    if (schemaId.isPresent()) {
      Column id = conv(hex(value.substr(2, 4)), 16, 10);
      rejection = rejection.when(id.notEqual(lit(String.valueOf(schemaId.getAsInt()))),
          concat(lit("Confluent schema id "), id, lit(", expected " + schemaId.getAsInt())));
    }
    return rejection.when(undecoded, lit("not Avro for the declared schema"))
        .otherwise(lit(null).cast(DataTypes.StringType));
  }

  /** Whether the value starts with Confluent's header: magic byte 0 and a schema id. */
  private static Column isFramed(Column value) {
    return length(value).geq(HEADER_BYTES).and(magicByte(value));
  }

  private static Column magicByte(Column value) {
    return value.substr(1, 1).equalTo(lit(new byte[] {0}));
  }
}
