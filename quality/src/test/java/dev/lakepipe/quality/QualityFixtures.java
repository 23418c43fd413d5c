package dev.lakepipe.quality;

import dev.lakepipe.testing.TestSpark;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** Small crafted data sets for the quality tests. */
final class QualityFixtures {
  static final StructType ORDERS = new StructType()
      .add("order_id", "long")
      .add("customer_id", "string")
      .add("status", "string")
      .add("amount", "double")
      .add("email", "string");

  static final StructType CUSTOMERS = new StructType().add("id", "string").add("name", "string");

  /** 2026-11-22T00:00Z, the first logical hour of the tests. */
  static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");

  private QualityFixtures() {}

  static SparkSession spark() {
    return TestSpark.session();
  }

  static Dataset<Row> rows(StructType schema, Object[]... rows) {
    return spark().createDataFrame(Arrays.stream(rows).map(RowFactory::create).toList(), schema);
  }

  /** Ten orders that pass every check of {@link #checks()}. */
  static Dataset<Row> cleanOrders() {
    return rows(ORDERS,
        new Object[] {1L, "c1", "paid", 10.0, "a@shop.io"},
        new Object[] {2L, "c2", "created", 0.0, "b@shop.io"},
        new Object[] {3L, "c3", "paid", 5.5, "c@shop.io"},
        new Object[] {4L, "c4", "shipped", 49.0, "d@shop.io"},
        new Object[] {5L, "c1", "paid", 7.0, null},
        new Object[] {6L, "c2", "created", 12.0, "f@shop.io"},
        new Object[] {7L, "c3", "shipped", 50.0, "g@shop.io"},
        new Object[] {8L, "c4", "paid", 1.0, "h@shop.io"},
        new Object[] {9L, "c1", "created", 2.0, "i@shop.io"},
        new Object[] {10L, "c2", "paid", 3.0, "j@shop.io"});
  }

  /**
   * Ten orders, each check of {@link #checks()} failing on known rows: customer 3 is null, order 5 occurs twice,
   * order 4 has status 'lost', a negative amount and a bad email, order 6 has an amount of 100 and customer c9 (not a
   * customer).
   */
  static Dataset<Row> badOrders() {
    return rows(ORDERS,
        new Object[] {1L, "c1", "paid", 10.0, "a@shop.io"},
        new Object[] {2L, "c2", "created", 0.0, "b@shop.io"},
        new Object[] {3L, null, "paid", 5.5, "c@shop.io"},
        new Object[] {4L, "c4", "lost", -2.0, "not-an-email"},
        new Object[] {5L, "c1", "shipped", 7.0, null},
        new Object[] {5L, "c9", "paid", 100.0, "f@shop.io"},
        new Object[] {7L, "c3", "shipped", 50.0, "g@shop.io"},
        new Object[] {8L, "c4", "paid", 1.0, "h@shop.io"},
        new Object[] {9L, "c1", "created", 2.0, "i@shop.io"},
        new Object[] {10L, "c2", "paid", 3.0, "j@shop.io"});
  }

  static Dataset<Row> customers() {
    return rows(CUSTOMERS,
        new Object[] {"c1", "Ada"},
        new Object[] {"c2", "Bo"},
        new Object[] {"c3", "Cy"},
        new Object[] {"c4", "Di"},
        new Object[] {"c4", "Di again"});
  }

  /** One check of every non-anomaly kind. */
  static List<Check> checks() {
    return List.of(
        Check.error("customer_complete").completeness("customer_id"),
        Check.error("order_id_unique").uniqueness("order_id"),
        Check.error("status_known").allowedValues("status", List.of("created", "paid", "shipped")),
        Check.warn("amount_non_negative").nonNegative("amount"),
        Check.warn("amount_range").range("amount", 0, 50),
        Check.warn("email_pattern").pattern("email", "^[^@\\s]+@[^@\\s]+\\.[a-z]+$"),
        Check.error("row_count").rowCount(5, 10),
        Check.error("amount_small").predicate("amount <= 50 OR status = 'shipped'"),
        Check.error("customer_exists").referential("customer_id", "customers", "id"));
  }

  static QualityRunner runner(MetricsHistory history) {
    return QualityRunner.create(spark(), history).withReferences(table -> {
      if (!table.equals("customers")) {
        throw new IllegalArgumentException("no table " + table);
      }
      return customers();
    });
  }

  static FileMetricsHistory newHistory(String target) {
    return (FileMetricsHistory) MetricsHistory.forTarget(spark(), TestSpark.newFolder("wh-").toString(), "orders",
        target);
  }
}
