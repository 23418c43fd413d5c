package dev.lakepipe.format.kafka;

import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * JSON values parsed with the source's declared schema. A value that is not JSON, whose field does not fit its
 * declared type, or that is missing, is malformed.
 */
final class JsonValues implements ValueDecoder {
  private static final String CORRUPT = "_lakepipe_corrupt";

  private final StructType schema;

  /**
   * @param source the source's name, for errors
   * @param ddl the declared schema, or null
   * @throws IllegalArgumentException when the source declares no schema, or it is not a Spark DDL schema
   */
  JsonValues(String source, String ddl) {
    if (ddl == null) {
      throw new IllegalArgumentException("Kafka source " + source + " needs the schema of its JSON values");
    }
    try {
      this.schema = StructType.fromDDL(ddl);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the schema of Kafka source " + source + " is not a Spark DDL schema: "
          + e.getMessage(), e);
    }
  }

  @Override
  public StructType schema() {
    return schema;
  }

  @Override
  public Column decode(Column value) {
    return from_json(raw(value), schema.add(CORRUPT, DataTypes.StringType),
        Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", CORRUPT));
  }

  @Override
  public Column raw(Column value) {
    return value.cast(DataTypes.StringType);
  }

  /** No value, not JSON, or the fields whose values do not fit their type. */
  @Override
  public Column rejection(Column value, Column decoded) {
    Column raw = raw(value);
    Column notJson = from_json(raw, DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), Map.of())
        .isNull();
    List<Column> wrongTypes = new ArrayList<>();
    for (StructField field : schema.fields()) {
      Column given = get_json_object(raw, "$." + field.name());
      wrongTypes.add(when(given.isNotNull().and(decoded.getField(field.name()).isNull()),
          concat(lit(field.name() + ": '"), given, lit("' is not " + field.dataType().simpleString()))));
    }
    Column fields = concat_ws("; ", wrongTypes.toArray(Column[]::new));
    return when(raw.isNull(), lit("no value"))
        .when(decoded.getField(CORRUPT).isNull(), lit(null).cast(DataTypes.StringType))
        .when(notJson, lit("not a JSON object"))
        .when(fields.notEqual(lit("")), concat(lit("wrong type: "), fields))
        .otherwise(lit("does not match the declared schema"));
  }
}
