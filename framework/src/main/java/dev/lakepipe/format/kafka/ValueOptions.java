package dev.lakepipe.format.kafka;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The options of a Kafka source that say how its record values become columns: JSON with the source's declared
 * {@code schema} (the default), or Avro binary decoded with the Avro record schema of {@code avro-schema}, plain or
 * in Confluent's wire format. They are checked without Spark or Avro on the class path: here the schema's JSON and
 * its record shape; Avro checks the rest (type names, defaults) when a run starts.
 */
final class ValueOptions {
  static final String VALUE_FORMAT = "value-format";
  static final String AVRO_SCHEMA = "avro-schema";
  static final String AVRO_FRAMING = "avro-framing";
  static final String AVRO_SCHEMA_ID = "avro-schema-id";
  static final List<String> KEYS = List.of(VALUE_FORMAT, AVRO_SCHEMA, AVRO_FRAMING, AVRO_SCHEMA_ID);

  private static final String JSON = "json";
  private static final String AVRO = "avro";
  private static final List<String> VALUE_FORMATS = List.of(JSON, AVRO);
  private static final String CONFLUENT = "confluent";
  private static final List<String> FRAMINGS = List.of("plain", CONFLUENT);
  private static final String RECORD_SHAPE =
      "expected an Avro record schema, {\"type\": \"record\", \"name\": ..., \"fields\": [...]}: its fields are the"
          + " source's columns";

  private ValueOptions() {}

  static boolean isAvro(Map<String, String> options) {
    return AVRO.equals(options.get(VALUE_FORMAT));
  }

  /** Whether each value is Confluent's magic byte 0, a 4-byte schema id, then the Avro binary record. */
  static boolean isConfluentFramed(Map<String, String> options) {
    return CONFLUENT.equals(options.get(AVRO_FRAMING));
  }

  /** The Confluent schema id that values must carry; any when empty. */
  static OptionalInt schemaId(Map<String, String> options) {
    return Optional.ofNullable(options.get(AVRO_SCHEMA_ID)).map(id -> OptionalInt.of(Integer.parseInt(id)))
        .orElse(OptionalInt.empty());
  }

  /** What is wrong with the value options, as messages naming the option. */
  static List<String> problems(Map<String, String> options) {
    List<String> problems = new ArrayList<>();
    String format = options.get(VALUE_FORMAT);
    if (format != null && !VALUE_FORMATS.contains(format)) {
      problems.add(VALUE_FORMAT + ": '" + format + "' is not one of " + String.join(", ", VALUE_FORMATS));
    }
    if (!isAvro(options)) {
      KEYS.stream().filter(key -> key.startsWith("avro-") && options.containsKey(key))
          .forEach(key -> problems.add(key + ": applies only with " + VALUE_FORMAT + " = " + AVRO));
      return problems;
    }
    String schema = options.get(AVRO_SCHEMA);
    if (schema == null) {
      problems.add(AVRO_SCHEMA + ": missing (" + VALUE_FORMAT + " = " + AVRO + " decodes the values with this Avro"
          + " record schema, given as JSON)");
    } else {
      recordShapeProblem(schema).ifPresent(problem -> problems.add(AVRO_SCHEMA + ": " + problem));
    }
    String framing = options.get(AVRO_FRAMING);
    if (framing != null && !FRAMINGS.contains(framing)) {
      problems.add(AVRO_FRAMING + ": '" + framing + "' is not one of " + String.join(", ", FRAMINGS));
    }
    String id = options.get(AVRO_SCHEMA_ID);
    if (id != null && !isConfluentFramed(options)) {
      problems.add(AVRO_SCHEMA_ID + ": applies only with " + AVRO_FRAMING + " = " + CONFLUENT);
    } else if (id != null && !isSchemaId(id)) {
      problems.add(AVRO_SCHEMA_ID + ": '" + id + "' is not a schema id (a whole number from 0 to "
          + Integer.MAX_VALUE + ")");
    }
    return problems;
  }

  /**
   * Why the source's declared {@code schema} is wrong for its value format: JSON values need it, Avro values take
   * their columns from {@code avro-schema} instead.
   */
  static Optional<String> schemaProblem(Map<String, String> options, boolean declared) {
    if (isAvro(options) && declared) {
      return Optional.of("the columns of Avro values come from options." + AVRO_SCHEMA + "; remove schema");
    }
    if (!isAvro(options) && !declared) {
      return Optional.of("missing required key (the schema of the kafka records' JSON values, e.g."
          + " schema = \"id BIGINT, name STRING\")");
    }
    return Optional.empty();
  }

  private static boolean isSchemaId(String id) {
    return id.matches("0|[1-9][0-9]{0,9}") && Long.parseLong(id) <= Integer.MAX_VALUE;
  }

  private static Optional<String> recordShapeProblem(String schema) {
    ConfigObject record;
    try {
      record = ConfigFactory.parseString(schema,
          ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON).setOriginDescription("JSON")).root();
    } catch (ConfigException e) {
      return Optional.of("not a JSON object (" + e.getMessage() + ")");
    }
    ConfigValue type = record.get("type");
    ConfigValue fields = record.get("fields");
    if (type == null || !"record".equals(type.unwrapped()) || record.get("name") == null || fields == null
        || fields.valueType() != ConfigValueType.LIST || ((ConfigList) fields).isEmpty()) {
      return Optional.of(RECORD_SHAPE);
    }
    int index = 0;
    for (ConfigValue field : (ConfigList) fields) {
      if (field.valueType() != ConfigValueType.OBJECT || ((ConfigObject) field).get("name") == null
          || ((ConfigObject) field).get("type") == null) {
        return Optional.of("fields[" + index + "] needs a name and a type");
      }
      index++;
    }
    return Optional.empty();
  }
}
