package dev.lakepipe.pipelines;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Generates the marketplace data of the reference pipelines with Spark, deterministically from a seed and at
 * any scale. Every value is a hash of the row's id, the seed and a salt ({@code xxhash64(id, seed, 'user')}),
 * so the rows do not depend on how Spark partitions the work, and any slice of the data (a time window) can be
 * generated without the rest.
 *
 * <p>Tables:
 * <ul>
 *   <li>{@value #SHOPS}: shop_id, shop_name, category, region.
 *   <li>{@value #ORDER_EVENTS}: the change log of orders, one row per version of an order: order_id, user_id,
 *       shop_id, status, amount DECIMAL(12,2), created_at, updated_at, order_date (the UTC date of created_at),
 *       op ('U' for an insert or update, 'D' for a delete). An order moves through 1 to 5 statuses (created →
 *       paid → shipped → delivered, or ending refunded or cancelled); later versions land minutes to days after
 *       creation, so they touch old order_date partitions. A few orders are deleted after their last status:
 *       the delete row repeats that status with op 'D'. Rows come by order id, so out of time order: orders
 *       are created at random times of their day, and all versions of an order, late ones included, are together.
 * </ul>
 *
 * <p>The data set holds the events that happened in [start, end) of the {@link Config}: {@code ordersPerDay}
 * orders are created on each of its days, and their later versions appear until the end; versions that would
 * come later have not happened yet.
 */
public final class EcommerceGenerator {
  /** The shops table. */
  public static final String SHOPS = "shops";
  /** The order change-log table. */
  public static final String ORDER_EVENTS = "order_events";

  /** What the data set looks like; the same config and seed always give the same rows. */
  public record Config(long seed, LocalDate startDate, int days, long ordersPerDay, int shops) {
    /**
     * @throws NullPointerException when startDate is null
     * @throws IllegalArgumentException when days, ordersPerDay or shops is not positive
     * @throws ArithmeticException when days × ordersPerDay overflows a long
     */
    public Config {
      Objects.requireNonNull(startDate, "startDate");
      if (days < 1 || ordersPerDay < 1 || shops < 1) {
        throw new IllegalArgumentException("days, orders per day and shops must be positive: days " + days
            + ", orders per day " + ordersPerDay + ", shops " + shops);
      }
      Math.multiplyExact(days, ordersPerDay);
    }

    /** Midnight UTC of the start date: the first order is created at or after it. */
    public Instant start() {
      return startDate.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** Midnight UTC after the last day: the data set holds the events before it. */
    public Instant end() {
      return startDate.plusDays(days).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The number of orders created, which is also the number of distinct order ids. */
    public long orders() {
      return days * ordersPerDay;
    }

    /** Each user places about three orders over the whole period. */
    long users() {
      return Math.max(1, orders() / 3);
    }
  }

  /** The time from the previous event to an event, drawn uniformly from [min, max) seconds. */
  private record Delay(long minSeconds, long maxSeconds) {
    /** The delay as SQL, from a uniform hash {@code draw}. */
    String sql(String draw) {
      return minSeconds + " + pmod(" + draw + ", " + (maxSeconds - minSeconds) + ")";
    }
  }

  /** A life of an order, chosen for {@code percent} of the orders. */
  private record Lifecycle(int percent, List<String> statuses) {}

  private static final long MINUTE = 60;
  private static final long HOUR = 60 * MINUTE;
  private static final long DAY = 24 * HOUR;

  private static final Delay TO_PAID = new Delay(MINUTE, 6 * HOUR);
  private static final Delay TO_SHIPPED = new Delay(2 * HOUR, 2 * DAY);
  private static final Delay TO_DELIVERED = new Delay(DAY, 5 * DAY);
  private static final Delay TO_REFUNDED = new Delay(DAY, 7 * DAY);
  private static final Delay TO_CANCELLED = new Delay(10 * MINUTE, DAY);
  private static final Delay TO_DELETED = new Delay(10 * MINUTE, 2 * DAY);
  /** No order has events later than this after its creation: the sum of every delay's maximum. */
  private static final long MAX_LIFETIME_SECONDS = List.of(TO_PAID, TO_SHIPPED, TO_DELIVERED, TO_REFUNDED,
      TO_CANCELLED, TO_DELETED).stream().mapToLong(Delay::maxSeconds).sum();

  private static final List<Lifecycle> LIFECYCLES = List.of(
      new Lifecycle(5, List.of("created")),
      new Lifecycle(5, List.of("created", "cancelled")),
      new Lifecycle(8, List.of("created", "paid")),
      new Lifecycle(5, List.of("created", "paid", "refunded")),
      new Lifecycle(15, List.of("created", "paid", "shipped")),
      new Lifecycle(52, List.of("created", "paid", "shipped", "delivered")),
      new Lifecycle(10, List.of("created", "paid", "shipped", "delivered", "refunded")));
  private static final int DELETED_PERCENT = 3;

  private static final List<String> CATEGORIES =
      List.of("electronics", "fashion", "home", "beauty", "sports", "books", "toys", "grocery");
  private static final List<String> REGIONS = List.of("north", "south", "east", "west", "central");

  private final SparkSession spark;
  private final Config config;

  public EcommerceGenerator(SparkSession spark, Config config) {
    this.spark = spark;
    this.config = config;
  }

  /** The shops, shop_id 1 to {@code shops}. */
  public Dataset<Row> shops() {
    return spark.range(config.shops()).selectExpr(
        "id + 1 AS shop_id",
        "format_string('shop-%05d', id + 1) AS shop_name",
        pick(CATEGORIES, "id", "'category'") + " AS category",
        pick(REGIONS, "id", "'region'") + " AS region");
  }

  /** Every order event of the data set: those in [start, end) of the config. */
  public Dataset<Row> orderEvents() {
    return orderEvents(config.start(), config.end());
  }

  /**
   * The order events whose updated_at is in [from, until), exactly the rows of {@link #orderEvents()} in that
   * window when it lies within [start, end). Only the orders that can have events in the window are generated,
   * so a window costs what its orders cost. A window past the end holds the events that come later.
   *
   * @throws IllegalArgumentException when from is not before until
   */
  public Dataset<Row> orderEvents(Instant from, Instant until) {
    if (!from.isBefore(until)) {
      throw new IllegalArgumentException("an empty window: from " + from + " is not before until " + until);
    }
    long startSecond = config.start().getEpochSecond();
    long firstDay = clamp(Math.floorDiv(from.getEpochSecond() - MAX_LIFETIME_SECONDS - startSecond, DAY));
    long endDay = clamp(Math.floorDiv(until.getEpochSecond() - startSecond, DAY) + 1);
    Dataset<Row> orders = spark.range(firstDay * config.ordersPerDay(), endDay * config.ordersPerDay())
        .selectExpr(
            "id + 1 AS order_id",
            "1 + pmod(" + hash("id", "'user'") + ", " + config.users() + ") AS user_id",
            // The product of two uniform draws favours low ids: a few shops get most of the orders.
            "1 + (pmod(" + hash("id", "'shop-a'") + ", " + config.shops() + ") * pmod(" + hash("id", "'shop-b'")
                + ", " + config.shops() + ")) DIV " + config.shops() + " AS shop_id",
            "CAST(CAST(500 + pmod(" + hash("id", "'amount'") + ", 99500) AS DECIMAL(12, 0)) / 100"
                + " AS DECIMAL(12, 2)) AS amount",
            startSecond + " + (id DIV " + config.ordersPerDay() + ") * " + DAY + " + pmod(" + hash("id", "'created'")
                + ", " + DAY + ") AS created_second",
            "date_add(DATE'" + config.startDate() + "', CAST(id DIV " + config.ordersPerDay() + " AS INT))"
                + " AS order_date",
            lifecycleSql() + " AS lifecycle",
            "pmod(" + hash("id", "'deleted'") + ", 100) < " + DELETED_PERCENT + " AS deleted")
        // The delete row repeats the last status.
        .selectExpr("*", "IF(deleted, concat(lifecycle, array(element_at(lifecycle, -1))), lifecycle) AS events")
        .selectExpr("*", "transform(events, (status, i) -> " + delaySql() + ") AS delays")
        .selectExpr("order_id", "user_id", "shop_id", "amount", "created_second", "order_date",
            "inline(transform(events, (status, i) -> named_struct("
                + "'status', status, "
                + "'op', IF(deleted AND i = size(lifecycle), 'D', 'U'), "
                + "'offset', aggregate(slice(delays, 1, i + 1), 0L, (total, delay) -> total + delay))))");
    return orders
        .selectExpr("order_id", "user_id", "shop_id", "status", "amount",
            "timestamp_seconds(created_second) AS created_at",
            "timestamp_seconds(created_second + offset) AS updated_at",
            "order_date", "op")
        .where(col("updated_at").geq(lit(from)).and(col("updated_at").lt(lit(until))));
  }

  /**
   * Writes {@value #SHOPS} and {@value #ORDER_EVENTS} as Parquet into {@code folder}/&lt;table&gt;, replacing
   * what was there.
   *
   * @param folder a path or URI that Spark can write to
   */
  public void writeTo(String folder) {
    shops().write().mode(SaveMode.Overwrite).parquet(folder + "/" + SHOPS);
    orderEvents().write().mode(SaveMode.Overwrite).parquet(folder + "/" + ORDER_EVENTS);
  }

  private long clamp(long day) {
    return Math.max(0, Math.min(config.days(), day));
  }

  private String hash(String... inputs) {
    return "xxhash64(" + String.join(", ", inputs) + ", " + config.seed() + "L)";
  }

  private String pick(List<String> values, String... inputs) {
    String array = values.stream().map(v -> "'" + v + "'").collect(Collectors.joining(", ", "array(", ")"));
    return "element_at(" + array + ", CAST(1 + pmod(" + hash(inputs) + ", " + values.size() + ") AS INT))";
  }

  private String lifecycleSql() {
    StringBuilder sql = new StringBuilder("CASE");
    String draw = "pmod(" + hash("id", "'lifecycle'") + ", 100)";
    int cumulative = 0;
    for (Lifecycle lifecycle : LIFECYCLES) {
      cumulative += lifecycle.percent();
      String statuses = lifecycle.statuses().stream().map(s -> "'" + s + "'")
          .collect(Collectors.joining(", ", "array(", ")"));
      sql.append(String.format(Locale.ROOT, " WHEN %s < %d THEN %s", draw, cumulative, statuses));
    }
    return sql.append(" END").toString();
  }

  /** The delay before the i-th event of an order; runs inside transform(events, (status, i) -> ...). */
  private String delaySql() {
    String draw = hash("order_id", "i", "'delay'");
    return "CASE WHEN i = 0 THEN 0L"
        + " WHEN i = size(lifecycle) THEN " + TO_DELETED.sql(draw)
        + " WHEN status = 'paid' THEN " + TO_PAID.sql(draw)
        + " WHEN status = 'shipped' THEN " + TO_SHIPPED.sql(draw)
        + " WHEN status = 'delivered' THEN " + TO_DELIVERED.sql(draw)
        + " WHEN status = 'refunded' THEN " + TO_REFUNDED.sql(draw)
        + " WHEN status = 'cancelled' THEN " + TO_CANCELLED.sql(draw)
        + " ELSE raise_error(concat('no delay for status ', status)) END";
  }
}
