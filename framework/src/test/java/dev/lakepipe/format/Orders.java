package dev.lakepipe.format;

import dev.lakepipe.testing.TestSpark;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Tiny order tables for format tests: rows are written as {@code id|region|status|hour}. */
final class Orders {
  static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.IntegerType, false)
      .add("region", DataTypes.StringType)
      .add("status", DataTypes.StringType)
      .add("updated_at", DataTypes.TimestampType);
  private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

  private Orders() {}

  /** Rows from {@code "1|eu|created|3"}: id, region, status, and the hour of updated_at. */
  static Dataset<Row> rows(String... rows) {
    List<Row> parsed = Arrays.stream(rows).map(row -> row.split("\\|")).map(fields -> RowFactory.create(
            Integer.parseInt(fields[0]), fields[1], fields[2],
            Timestamp.from(EPOCH.plus(Duration.ofHours(Integer.parseInt(fields[3]))))))
        .toList();
    return TestSpark.session().createDataFrame(parsed, SCHEMA);
  }

  /** Rows that hold only the key column. */
  static Dataset<Row> keys(int... ids) {
    return rows(Arrays.stream(ids).mapToObj(id -> id + "|-|-|0").toArray(String[]::new)).select("id");
  }

  /** The rows in the {@link #rows} notation, sorted. */
  static List<String> render(Dataset<Row> rows) {
    return rows.select("id", "region", "status", "updated_at").collectAsList().stream()
        .map(row -> row.getInt(0) + "|" + row.getString(1) + "|" + row.getString(2) + "|"
            + Duration.between(EPOCH, row.<Timestamp>getAs(3).toInstant()).toHours())
        .sorted()
        .toList();
  }

  /** A fresh, not yet existing table of that format. */
  static TableAddress newTable(TableFormat format) {
    String db = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    return switch (format.addressing()) {
      case PATH -> new TableAddress("orders", db + ".orders",
          Optional.of(TestSpark.newFolder(format.name() + "-").resolve("orders").toString()), Optional.empty(), Map.of());
      case CATALOG -> new TableAddress("orders", db + ".orders",
          Optional.empty(), Optional.of(TestSpark.settings().catalog() + "." + db + ".orders"), Map.of());
      case OPTIONS -> throw new IllegalArgumentException(format.name() + " is a stream, it has no tables");
    };
  }
}
