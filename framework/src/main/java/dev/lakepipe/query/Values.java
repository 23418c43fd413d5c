package dev.lakepipe.query;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;
import scala.collection.Iterator;

/**
 * Values of Spark rows as lakepipe prints them, exactly: a DECIMAL as its plain digits with its scale
 * ({@code 1200.50}, never {@code 1.2005E+3}), a TIMESTAMP as its ISO-8601 instant in UTC ({@code
 * 2026-11-20T10:00:00Z}), a TIMESTAMP_NTZ as its ISO-8601 local date and time, a DATE as {@code 2026-11-20}, binary
 * as Base64, arrays, maps and structs as JSON.
 */
final class Values {
  private static final JsonFactory JSON = new JsonFactory();

  private Values() {}

  /** A non-null value as text. */
  static String text(Object value) {
    if (value instanceof BigDecimal decimal) {
      return decimal.toPlainString();
    } else if (value instanceof Timestamp timestamp) {
      return timestamp.toInstant().toString();
    } else if (value instanceof LocalDateTime local) {
      return DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(local);
    } else if (value instanceof Date date) {
      return date.toLocalDate().toString();
    } else if (value instanceof byte[] bytes) {
      return Base64.getEncoder().encodeToString(bytes);
    } else if (value instanceof Row || value instanceof scala.collection.Iterable) {
      return json(value);
    }
    return String.valueOf(value);
  }

  /** A value, null included, as one JSON value. */
  static String json(Object value) {
    return json(json -> write(json, value));
  }

  /** A row as one JSON object of its columns, in order, named as the schema names them. */
  static String json(StructType schema, Row row) {
    return json(json -> writeStruct(json, schema, row));
  }

  private interface JsonWrite {
    void to(JsonGenerator json) throws IOException;
  }

  private static String json(JsonWrite write) {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(text)) {
      write.to(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  /**
   * Writes a value as JSON: booleans and integers, floats and doubles as JSON numbers (NaN and infinities as
   * strings); a DECIMAL as a string, so that no reader turns it into a binary fraction; the rest as {@link #text}.
   */
  private static void write(JsonGenerator json, Object value) throws IOException {
    if (value == null) {
      json.writeNull();
    } else if (value instanceof Boolean bool) {
      json.writeBoolean(bool);
    } else if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long) {
      json.writeNumber(((Number) value).longValue());
    } else if (value instanceof Float number) {
      json.writeNumber(number);
    } else if (value instanceof Double number) {
      json.writeNumber(number);
    } else if (value instanceof Row row) {
      writeStruct(json, row.schema(), row);
    } else if (value instanceof scala.collection.Map<?, ?> map) {
      json.writeStartObject();
      for (Iterator<? extends Tuple2<?, ?>> it = map.iterator(); it.hasNext(); ) {
        Tuple2<?, ?> entry = it.next();
        json.writeFieldName(entry._1() == null ? "null" : text(entry._1()));
        write(json, entry._2());
      }
      json.writeEndObject();
    } else if (value instanceof scala.collection.Iterable<?> array) {
      json.writeStartArray();
      for (Iterator<?> it = array.iterator(); it.hasNext(); ) {
        write(json, it.next());
      }
      json.writeEndArray();
    } else {
      json.writeString(text(value));
    }
  }

  private static void writeStruct(JsonGenerator json, StructType schema, Row row) throws IOException {
    json.writeStartObject();
    for (int i = 0; i < row.size(); i++) {
      json.writeFieldName(schema.fields()[i].name());
      write(json, row.get(i));
    }
    json.writeEndObject();
  }
}
