package dev.lakepipe.training;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * Writes the columns of collected rows as NumPy {@code .npy} files (format version 1.0), which {@code numpy.load}
 * reads without pickle and {@code torch.from_numpy} wraps: one file per column, little-endian. Numbers keep their
 * width (decimals become float64), timestamps are microseconds and dates days since the epoch, strings fixed-width
 * unicode. An array column is a matrix padded to its longest array (zeros, empty strings) with a {@code .lengths.npy}
 * of int32; a column with nulls has a {@code .valid.npy} of booleans, its nulls written as zeros.
 */
final class NpyColumns {
  /**
   * What was written for one column.
   *
   * @param shape rows, and for an array column the padded length
   * @param files the column's files by role ({@code lengths}, {@code valid}, {@code values}), in name order
   */
  record Written(String column, String type, String dtype, List<Integer> shape, Map<String, String> files) {}

  private NpyColumns() {}

  /**
   * @throws IllegalArgumentException when a column's type has no NumPy form here (structs, maps, nested arrays)
   * @throws IOException when a file cannot be written
   */
  static Written write(Path dir, StructField field, int index, List<Row> rows) throws IOException {
    DataType type = field.dataType();
    String name = field.name();
    Map<String, String> files = new TreeMap<>();
    if (type instanceof ArrayType array) {
      Element element = element(name, array.elementType());
      List<List<?>> values = rows.stream().<List<?>>map(r -> r.isNullAt(index) ? List.of() : r.getList(index))
          .toList();
      int width = values.stream().mapToInt(List::size).max().orElse(0);
      String dtype = element.dtype(values.stream().flatMap(List::stream).toList());
      int itemSize = itemSize(dtype);
      ByteBuffer data = buffer((long) rows.size() * width * itemSize);
      int[] lengths = new int[rows.size()];
      for (int r = 0; r < rows.size(); r++) {
        List<?> row = values.get(r);
        lengths[r] = row.size();
        for (int i = 0; i < width; i++) {
          element.put(data, i < row.size() ? row.get(i) : null, itemSize);
        }
      }
      files.put("values", write(dir.resolve(name + ".npy"), dtype, List.of(rows.size(), width), data));
      ByteBuffer lengthData = buffer(4L * rows.size());
      for (int length : lengths) {
        lengthData.putInt(length);
      }
      files.put("lengths", write(dir.resolve(name + ".lengths.npy"), "<i4", List.of(rows.size()), lengthData));
      return new Written(name, type.simpleString(), dtype, List.of(rows.size(), width), files);
    }
    Element element = element(name, type);
    List<Object> values = new ArrayList<>();
    rows.forEach(r -> values.add(r.isNullAt(index) ? null : r.get(index)));
    String dtype = element.dtype(values);
    int itemSize = itemSize(dtype);
    ByteBuffer data = buffer((long) rows.size() * itemSize);
    values.forEach(v -> element.put(data, v, itemSize));
    files.put("values", write(dir.resolve(name + ".npy"), dtype, List.of(rows.size()), data));
    if (values.stream().anyMatch(Objects::isNull)) {
      ByteBuffer valid = buffer(rows.size());
      values.forEach(v -> valid.put((byte) (v == null ? 0 : 1)));
      files.put("valid", write(dir.resolve(name + ".valid.npy"), "|b1", List.of(rows.size()), valid));
    }
    return new Written(name, type.simpleString(), dtype, List.of(rows.size()), files);
  }

  /** How one value of a Spark type is laid out; a null is written as zeros. */
  private interface Element {
    /** The NumPy dtype, from all the values (a string's width is the longest one's). */
    String dtype(List<?> values);

    void put(ByteBuffer out, Object value, int itemSize);
  }

  private static Element element(String column, DataType type) {
    if (type instanceof LongType || type instanceof TimestampType || type instanceof TimestampNTZType) {
      return fixed("<i8", (out, v) -> out.putLong(v instanceof Timestamp t ? micros(t) : v instanceof
          java.time.LocalDateTime l ? micros(Timestamp.valueOf(l)) : ((Number) v).longValue()));
    }
    if (type instanceof IntegerType || type instanceof DateType) {
      return fixed("<i4", (out, v) -> out.putInt(v instanceof Date d ? (int) d.toLocalDate().toEpochDay()
          : ((Number) v).intValue()));
    }
    if (type instanceof ShortType) {
      return fixed("<i2", (out, v) -> out.putShort(((Number) v).shortValue()));
    }
    if (type instanceof ByteType) {
      return fixed("|i1", (out, v) -> out.put(((Number) v).byteValue()));
    }
    if (type instanceof DoubleType || type instanceof DecimalType) {
      return fixed("<f8", (out, v) -> out.putDouble(v instanceof BigDecimal d ? d.doubleValue()
          : ((Number) v).doubleValue()));
    }
    if (type instanceof FloatType) {
      return fixed("<f4", (out, v) -> out.putFloat(((Number) v).floatValue()));
    }
    if (type instanceof BooleanType) {
      return fixed("|b1", (out, v) -> out.put((byte) ((Boolean) v ? 1 : 0)));
    }
    if (type instanceof StringType) {
      return new Element() {
        @Override
        public String dtype(List<?> values) {
          int width = values.stream().filter(Objects::nonNull).mapToInt(v -> ((String) v).codePointCount(0,
              ((String) v).length())).max().orElse(0);
          return "<U" + Math.max(1, width);
        }

        @Override
        public void put(ByteBuffer out, Object value, int itemSize) {
          int start = out.position();
          if (value != null) {
            ((String) value).codePoints().forEach(out::putInt);
          }
          out.position(start + itemSize);
        }
      };
    }
    throw new IllegalArgumentException("column " + column + " has type " + type.simpleString() + ", which the"
        + " export has no NumPy form for; select numbers, strings, times or arrays of them in a step");
  }

  private interface Put {
    void put(ByteBuffer out, Object value);
  }

  private static Element fixed(String dtype, Put put) {
    return new Element() {
      @Override
      public String dtype(List<?> values) {
        return dtype;
      }

      @Override
      public void put(ByteBuffer out, Object value, int itemSize) {
        if (value == null) {
          out.position(out.position() + itemSize);
        } else {
          put.put(out, value);
        }
      }
    };
  }

  private static long micros(Timestamp time) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, time.toInstant());
  }

  private static int itemSize(String dtype) {
    return dtype.startsWith("<U") ? 4 * Integer.parseInt(dtype.substring(2)) : Integer.parseInt(dtype.substring(2));
  }

  private static ByteBuffer buffer(long bytes) {
    return ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Writes one .npy file; returns its name. */
  private static String write(Path file, String dtype, List<Integer> shape, ByteBuffer data) throws IOException {
    String shapeText = shape.size() == 1 ? "(" + shape.get(0) + ",)" : "(" + shape.get(0) + ", " + shape.get(1) + ")";
    StringBuilder header = new StringBuilder("{'descr': '" + dtype + "', 'fortran_order': False, 'shape': "
        + shapeText + ", }");
    // Magic (6), version (2) and header length (2), then the header padded with spaces to a multiple of 64 bytes.
    while ((10 + header.length() + 1) % 64 != 0) {
      header.append(' ');
    }
    header.append('\n');
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
      byte[] headerBytes = header.toString().getBytes(StandardCharsets.US_ASCII);
      out.write(new byte[] {(byte) (headerBytes.length & 0xff), (byte) (headerBytes.length >> 8)});
      out.write(headerBytes);
      out.write(data.array());
    }
    return file.getFileName().toString();
  }
}
