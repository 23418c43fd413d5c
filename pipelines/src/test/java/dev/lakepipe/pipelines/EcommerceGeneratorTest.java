package dev.lakepipe.pipelines;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.plainspark.PlainSparkRead;
import dev.lakepipe.testing.TestSpark;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EcommerceGeneratorTest {
  private static final EcommerceGenerator.Config SMALL =
      new EcommerceGenerator.Config(42, LocalDate.of(2026, 11, 1), 3, 200, 20);

  private static SparkSession spark;
  /** The data set: the events of the 3 days. */
  private static Dataset<Row> events;
  /** The whole life of every order of the 3 days, including the events that come after them. */
  private static Dataset<Row> lives;

  @BeforeAll
  static void generate() {
    spark = TestSpark.session();
    EcommerceGenerator generator = new EcommerceGenerator(spark, SMALL);
    events = generator.orderEvents().cache();
    events.createOrReplaceTempView("generated_events");
    lives = generator.orderEvents(SMALL.start(), SMALL.end().plus(Duration.ofDays(30))).cache();
    lives.createOrReplaceTempView("order_lives");
  }

  @Test
  void sameSeedGivesTheSameTablesAndAnotherSeedOtherOnes() {
    EcommerceGenerator first = new EcommerceGenerator(spark, SMALL);
    EcommerceGenerator second = new EcommerceGenerator(spark, SMALL);
    EcommerceGenerator otherSeed = new EcommerceGenerator(spark, new EcommerceGenerator.Config(43,
        SMALL.startDate(), SMALL.days(), SMALL.ordersPerDay(), SMALL.shops()));
    assertEquals(fingerprint(first.shops()), fingerprint(second.shops()));
    assertEquals(fingerprint(first.orderEvents()), fingerprint(second.orderEvents()));
    assertNotEquals(fingerprint(first.shops()), fingerprint(otherSeed.shops()));
    assertNotEquals(fingerprint(first.orderEvents()), fingerprint(otherSeed.orderEvents()));
  }

  @Test
  void shopsAreNumberedFromOne() {
    Row shops = new EcommerceGenerator(spark, SMALL).shops()
        .selectExpr("count(*)", "count(DISTINCT shop_id)", "min(shop_id)", "max(shop_id)",
            "count(DISTINCT shop_name)", "count_if(category IS NULL OR region IS NULL)")
        .head();
    assertEquals(List.of(20L, 20L, 1L, 20L, 20L, 0L), longs(shops));
  }

  @Test
  void orderEventsHaveTheDocumentedColumns() {
    assertEquals(List.of("order_id BIGINT", "user_id BIGINT", "shop_id BIGINT", "status STRING",
            "amount DECIMAL(12,2)", "created_at TIMESTAMP", "updated_at TIMESTAMP", "order_date DATE", "op STRING"),
        Arrays.stream(events.schema().fields()).map(f -> f.name() + " " + f.dataType().sql()).toList());
  }

  @Test
  void everyOrderOfThePeriodIsThereWithItsCreationFirst() {
    Row orders = spark.sql("""
        SELECT count(DISTINCT order_id),
               count_if(status = 'created' AND op = 'U'),
               count_if(status = 'created' AND op = 'U' AND updated_at <> created_at),
               min(order_id), max(order_id)
        FROM generated_events
        """).head();
    assertEquals(List.of(600L, 600L, 0L, 1L, 600L), longs(orders));
  }

  @Test
  void orderAttributesStayTheSameAcrossVersions() {
    Row attributes = spark.sql("""
        SELECT count_if(variants > 1), count_if(order_date <> to_date(created_at)),
               count_if(shop_id NOT BETWEEN 1 AND 20), count_if(user_id NOT BETWEEN 1 AND 200),
               count_if(amount NOT BETWEEN 5 AND 999.99)
        FROM (SELECT order_id, count(DISTINCT user_id, shop_id, amount, created_at, order_date) AS variants,
                     first(order_date) AS order_date, first(created_at) AS created_at, first(shop_id) AS shop_id,
                     first(user_id) AS user_id, first(amount) AS amount
              FROM generated_events GROUP BY order_id)
        """).head();
    assertEquals(List.of(0L, 0L, 0L, 0L, 0L), longs(attributes));
  }

  @Test
  void statusesFollowTheLifecycle() {
    List<Row> transitions = spark.sql("""
        SELECT DISTINCT concat(coalesce(previous, '-'), ' -> ', status, ' ', op) AS transition
        FROM (SELECT status, op, lag(status) OVER (PARTITION BY order_id ORDER BY updated_at) AS previous
              FROM order_lives)
        """).collectAsList();
    Set<String> seen = new TreeSet<>(transitions.stream().map(r -> r.getString(0)).toList());
    Set<String> updates = Set.of("- -> created U", "created -> paid U", "created -> cancelled U",
        "paid -> shipped U", "paid -> refunded U", "shipped -> delivered U", "delivered -> refunded U");
    Set<String> deletes = Set.of("created -> created D", "cancelled -> cancelled D", "paid -> paid D",
        "shipped -> shipped D", "delivered -> delivered D", "refunded -> refunded D");
    assertTrue(seen.containsAll(updates), "every lifecycle step occurs: " + seen);
    assertTrue(deletes.containsAll(new TreeSet<>(seen.stream().filter(t -> !updates.contains(t)).toList())),
        "the rest are deletes that repeat the last status: " + seen);
  }

  @Test
  void ordersHaveOneToFiveStatusesAndSomeAreDeletedLast() {
    Row versions = spark.sql("""
        SELECT min(statuses), max(statuses), count_if(statuses = 1), count_if(deletes = 1),
               count_if(deletes > 1), count_if(deletes = 1 AND last_op <> 'D')
        FROM (SELECT order_id, count_if(op = 'U') AS statuses, count_if(op = 'D') AS deletes,
                     max_by(op, updated_at) AS last_op
              FROM order_lives GROUP BY order_id)
        """).head();
    assertEquals(1L, versions.getLong(0));
    assertEquals(5L, versions.getLong(1));
    assertTrue(versions.getLong(2) > 0, "some orders were only created");
    assertTrue(versions.getLong(3) > 0, "some orders were deleted");
    assertEquals(0L, versions.getLong(4), "an order is deleted at most once");
    assertEquals(0L, versions.getLong(5), "a delete is the last event of its order");
  }

  @Test
  void updatesLandOnLaterDaysWithinThePeriod() {
    Row times = spark.sql("""
        SELECT count_if(to_date(updated_at) > order_date), count_if(updated_at < created_at),
               count_if(updated_at < TIMESTAMP'2026-11-01 00:00:00' OR updated_at >= TIMESTAMP'2026-11-04 00:00:00'),
               count_if(versions_at_same_time > 1)
        FROM (SELECT *, count(*) OVER (PARTITION BY order_id, updated_at) AS versions_at_same_time
              FROM generated_events)
        """).head();
    assertTrue(times.getLong(0) > 0, "some versions update an order of an earlier day");
    assertEquals(List.of(0L, 0L, 0L), longs(times).subList(1, 4));
  }

  @Test
  void rowsAreNotInTimeOrder() {
    List<Timestamp> updates = events.select("updated_at").as(Encoders.TIMESTAMP())
        .collectAsList();
    List<Timestamp> sorted = updates.stream().sorted().toList();
    assertNotEquals(sorted, updates);
  }

  @Test
  void windowsOfEventsAddUpToTheWholePeriod() {
    EcommerceGenerator generator = new EcommerceGenerator(spark, SMALL);
    Instant middle = SMALL.start().plus(Duration.ofHours(31));
    Dataset<Row> windows = generator.orderEvents(SMALL.start(), middle)
        .union(generator.orderEvents(middle, SMALL.end()));
    assertSameRows(events, windows);
  }

  @Test
  void theDataSetIsTheBeginningOfTheOrdersLives() {
    Dataset<Row> beforeEnd = lives.where(col("updated_at").lt(lit(SMALL.end())));
    assertSameRows(events, beforeEnd);
    assertTrue(lives.count() > events.count(), "some orders change after the period");
  }

  @Test
  void windowsOfTheMarketplaceFactsAddUpToTheWholePeriod() {
    EcommerceGenerator generator = new EcommerceGenerator(spark, SMALL);
    Instant middle = SMALL.start().plus(Duration.ofHours(31));
    List<BiFunction<Instant, Instant, Dataset<Row>>> facts = List.of(generator::orders, generator::orderItems,
        generator::payments, generator::shipments, generator::pageViews);
    for (BiFunction<Instant, Instant, Dataset<Row>> fact : facts) {
      assertSameRows(fact.apply(SMALL.start(), SMALL.end()),
          fact.apply(SMALL.start(), middle).union(fact.apply(middle, SMALL.end())));
    }
  }

  @Test
  void marketplaceFactsAgreeWithTheOrdersLives() {
    EcommerceGenerator generator = new EcommerceGenerator(spark, SMALL);
    Instant later = SMALL.end().plus(Duration.ofDays(30));
    generator.products().createOrReplaceTempView("all_products");
    generator.orderItems(SMALL.start(), later).createOrReplaceTempView("all_items");
    generator.payments(SMALL.start(), later).createOrReplaceTempView("all_payments");
    generator.shipments(SMALL.start(), later).createOrReplaceTempView("all_shipments");
    Row facts = spark.sql("""
        SELECT
          (SELECT count(*) - count(DISTINCT payment_id) FROM all_payments),
          (SELECT count_if(kind = 'refund') FROM all_payments)
            - (SELECT count_if(status = 'refunded' AND op = 'U') FROM order_lives),
          (SELECT count_if(kind = 'charge' AND status = 'succeeded') FROM all_payments)
            - (SELECT count_if(status = 'paid' AND op = 'U') FROM order_lives),
          (SELECT count(*) FROM all_payments f JOIN all_payments s
             ON f.order_id = s.order_id AND f.status = 'failed' AND s.status = 'succeeded' AND f.event_at > s.event_at),
          (SELECT count_if(status = 'delivered') FROM all_shipments)
            - (SELECT count_if(status = 'delivered' AND op = 'U') FROM order_lives),
          (SELECT count_if(status = 'in_transit') FROM all_shipments)
            - (SELECT count_if(status = 'shipped' AND op = 'U') FROM order_lives),
          (SELECT count_if(delivered_at < shipped_at OR shipped_at < promised_at - INTERVAL 4 DAYS) FROM all_shipments),
          (SELECT count(*) FROM all_shipments l JOIN all_shipments d
             ON l.order_id = d.order_id AND l.status = 'lost' AND d.status = 'delivered'),
          (SELECT count_if(i.unit_price <> p.price OR i.line_no NOT BETWEEN 1 AND 3) FROM all_items i
             JOIN all_products p USING (product_id)),
          (SELECT count(*) FROM all_items i JOIN all_products p USING (product_id)
             JOIN (SELECT DISTINCT order_id, shop_id FROM order_lives) o ON o.order_id = i.order_id
             WHERE o.shop_id <> p.shop_id)
        """).head();
    assertEquals(Collections.nCopies(10, 0L), longs(facts));
    Row present = spark.sql("""
        SELECT (SELECT count_if(status = 'failed') FROM all_payments), (SELECT count_if(status = 'lost') FROM all_shipments),
               (SELECT count_if(op = 'D') FROM all_items)
        """).head();
    assertTrue(longs(present).stream().allMatch(n -> n > 0), "failed payments, lost shipments, deleted items: " + present);
  }

  @Test
  void sessionsGoThroughTheFunnelInOrderAndSomeViewsLandLate() {
    EcommerceGenerator generator = new EcommerceGenerator(spark, SMALL);
    Row sessions = generator.pageViews(SMALL.start(), SMALL.end().plus(Duration.ofDays(1)))
        .groupBy("session_id")
        .agg(expr("array_join(transform(array_sort(collect_list(struct(event_time, page))), e -> e.page), ' ')"
                + " AS pages"), expr("count_if(ingested_at > event_time + INTERVAL 1 HOUR) AS late"))
        .selectExpr("count(*)", "count_if(NOT pages RLIKE '^view( view)*( cart( order( pay)?)?)?$')",
            "sum(late)")
        .head();
    assertEquals(SMALL.orders() * 4, sessions.getLong(0));
    assertEquals(0L, sessions.getLong(1), "pages out of funnel order");
    assertTrue(sessions.getLong(2) > 0, "some page views are ingested late");
  }

  @Test
  void configRejectsEmptySizes() {
    assertThrows(IllegalArgumentException.class,
        () -> new EcommerceGenerator.Config(42, SMALL.startDate(), 0, 200, 20));
    assertThrows(IllegalArgumentException.class,
        () -> new EcommerceGenerator.Config(42, SMALL.startDate(), 3, 0, 20));
    assertThrows(IllegalArgumentException.class,
        () -> new EcommerceGenerator.Config(42, SMALL.startDate(), 3, 200, 0));
  }

  private static String fingerprint(Dataset<Row> rows) {
    return PlainSparkRead.fingerprint(rows);
  }

  private static void assertSameRows(Dataset<Row> expected, Dataset<Row> actual) {
    assertEquals(expected.count(), actual.count());
    assertEquals(0, actual.exceptAll(expected).count());
    assertEquals(0, expected.exceptAll(actual).count());
  }

  private static List<Long> longs(Row row) {
    return IntStream.range(0, row.size()).mapToObj(row::getLong).toList();
  }
}
