package dev.lakepipe.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.testing.TestSpark;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Parts that name whole target keys give the affected keys without the target's rows; partial ones do not. */
class AffectedKeysTest {
  private static final List<String> KEYS = List.of("order_id", "order_date");

  @Test
  void wholeKeysAreThePartsOwnKeysOnceEach() {
    SparkSession spark = TestSpark.session();
    try (Views views = new Views(spark, RunOptions.of(Instant.parse("2026-11-22T00:00:00Z")))) {
      // An update names its key twice (pre- and post-image); another source names the same key once more.
      Dataset<Row> orders = spark.sql("SELECT * FROM VALUES (1, '2026-11-20', 'created'), (1, '2026-11-20', 'paid'),"
          + " (2, '2026-11-21', 'paid') AS t(order_id, order_date, status)");
      Dataset<Row> refunds = spark.sql("SELECT * FROM VALUES (2, '2026-11-21'), (3, '2026-11-21')"
          + " AS t(id, day)");
      Dataset<Row> shops = spark.sql("SELECT * FROM VALUES (10) AS t(shop)");
      AffectedKeys.Part ordersPart = AffectedKeys.Part.of("orders", orders,
          Map.of("order_id", "order_id", "order_date", "order_date"), views);
      AffectedKeys.Part refundsPart = AffectedKeys.Part.of("refunds", refunds,
          Map.of("order_id", "id", "order_date", "day"), views);
      AffectedKeys whole = new AffectedKeys(List.of(ordersPart, refundsPart));

      assertTrue(whole.namesWhole(KEYS));
      assertEquals(List.of("1|2026-11-20", "2|2026-11-21", "3|2026-11-21"), lines(whole.wholeKeys(KEYS)));

      AffectedKeys partial = new AffectedKeys(List.of(ordersPart,
          AffectedKeys.Part.of("shops", shops, Map.of("shop_id", "shop"), views)));
      assertFalse(partial.namesWhole(KEYS));
      assertThrows(IllegalStateException.class, () -> partial.wholeKeys(KEYS));
    }
  }

  private static List<String> lines(Dataset<Row> rows) {
    return rows.collectAsList().stream().map(row -> row.get(0) + "|" + row.get(1)).sorted().toList();
  }
}
