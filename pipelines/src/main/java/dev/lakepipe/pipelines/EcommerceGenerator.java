package dev.lakepipe.pipelines;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
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
 * <p>The rest of the marketplace, for the reference warehouse ({@code conf/jobs/reference}), is derived from the
 * same hashes, so it agrees with the order events: {@link #users}, {@link #products}, {@link #campaigns} (each with
 * a coupon), {@link #orders} (the order events with campaign, coupon, device, address and region), {@link
 * #orderItems}, {@link #payments} (charges, some failing first, and refunds), {@link #shipments} (carrier, promised
 * and actual times; orders never delivered are lost) and {@link #pageViews} (sessions going view → cart → order →
 * pay, a few events ingested hours late). A few percent of the orders come from shared devices and addresses,
 * with more failed payments: what the risk flags look for.
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

    /** A campaign for every four shops, at least three. */
    int campaigns() {
      return Math.max(3, shops / 4);
    }

    /** The shared devices and addresses: one per hundred orders a day. */
    long sharedPool() {
      return Math.max(1, ordersPerDay / 100);
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
  /** Orders from a shared device and address. */
  private static final int SHARED_PERCENT = 5;

  private static final List<String> CATEGORIES =
      List.of("electronics", "fashion", "home", "beauty", "sports", "books", "toys", "grocery");
  private static final List<String> REGIONS = List.of("north", "south", "east", "west", "central");
  private static final List<String> CHANNELS = List.of("search", "social", "email", "affiliate");
  private static final List<String> CARRIERS = List.of("swiftship", "parcelpro", "northpost", "ecoexpress");
  private static final int PRODUCTS_PER_SHOP = 10;
  /** Sessions of page views per order created. */
  private static final int SESSIONS_PER_ORDER = 4;
  /** A shipment not delivered this long after it shipped is lost (every delivery comes sooner). */
  private static final long LOST_AFTER_SECONDS = TO_DELIVERED.maxSeconds() + HOUR;
  /** No page view is ingested later than this after its session starts. */
  private static final long MAX_PAGE_VIEW_LAG_SECONDS = 7 * HOUR;

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
            skewedShop("id", "'shop-a'", "'shop-b'") + " AS shop_id",
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

  /** The users, user_id 1 to about a third of the orders; every one signed up in the 60 days before the start. */
  public Dataset<Row> users() {
    return spark.range(config.users()).selectExpr(
        "id + 1 AS user_id",
        "format_string('user-%07d', id + 1) AS user_name",
        pick(REGIONS, "id", "'user-region'") + " AS region",
        "timestamp_seconds(" + (config.start().getEpochSecond() - 1) + " - pmod(" + hash("id", "'signup'") + ", "
            + 60 * DAY + ")) AS signed_up_at");
  }

  /** The products: {@value #PRODUCTS_PER_SHOP} per shop, of the shop's category. */
  public Dataset<Row> products() {
    return spark.range((long) config.shops() * PRODUCTS_PER_SHOP).selectExpr(
        "id + 1 AS product_id",
        "id DIV " + PRODUCTS_PER_SHOP + " + 1 AS shop_id",
        "format_string('product-%06d', id + 1) AS product_name",
        // The shop's category: shops() draws it from the same hash of shop_id - 1.
        pick(CATEGORIES, "id DIV " + PRODUCTS_PER_SHOP, "'category'") + " AS category",
        price("id") + " AS price");
  }

  /** The campaigns, each with one coupon code that takes a percentage off. */
  public Dataset<Row> campaigns() {
    return spark.range(config.campaigns()).selectExpr(
        "id + 1 AS campaign_id",
        "format_string('campaign-%03d', id + 1) AS campaign_name",
        pick(CHANNELS, "id", "'channel'") + " AS channel",
        "concat('C', id + 1) AS coupon_code",
        discountPercent("id") + " AS discount_percent");
  }

  /**
   * The order events of {@link #orderEvents(Instant, Instant)} with what else an order carries: campaign_id (null
   * for an order no campaign brought), coupon_code (null without a coupon), discount DECIMAL(12,2) (the coupon's
   * cost, 0 without one), device_id, address_id and region (the address's).
   */
  public Dataset<Row> orders(Instant from, Instant until) {
    String sharedId = "(" + (config.users() + 1) + " + pmod(" + hash("order_id", "'pool'") + ", "
        + config.sharedPool() + ")) * 4";
    return orderEvents(from, until)
        .selectExpr("*",
            "IF(pmod(" + hash("order_id", "'campaign'") + ", 100) < 40, 1 + pmod(" + hash("order_id", "'campaign-id'")
                + ", " + config.campaigns() + "), NULL) AS campaign_id",
            // A user's own devices are user_id * 4 + 0 or 1, addresses + 2 or 3; shared ones come after all users'.
            "IF(" + shared() + ", " + sharedId + ", user_id * 4 + pmod(" + hash("order_id", "'device'") + ", 2))"
                + " AS device_id",
            "IF(" + shared() + ", " + sharedId + ", user_id * 4 + 2 + pmod(" + hash("order_id", "'address'")
                + ", 2)) AS address_id")
        .selectExpr("*",
            "IF(campaign_id IS NOT NULL AND pmod(" + hash("order_id", "'coupon'") + ", 100) < 70,"
                + " concat('C', campaign_id), NULL) AS coupon_code")
        .selectExpr("order_id", "user_id", "shop_id", "campaign_id", "coupon_code",
            "IF(coupon_code IS NULL, CAST(0 AS DECIMAL(12, 2)), CAST(amount * " + discountPercent("campaign_id - 1")
                + " / 100 AS DECIMAL(12, 2))) AS discount",
            "device_id", "address_id", pick(REGIONS, "address_id", "'region'") + " AS region",
            "status", "amount", "created_at", "updated_at", "order_date", "op");
  }

  /**
   * The lines of the orders created or deleted in [from, until): order_id, line_no (1 to 3), product_id (of the
   * order's shop), quantity, unit_price (the product's price), order_date, updated_at, op ('U' when the order is
   * created, 'D' when it is deleted).
   */
  public Dataset<Row> orderItems(Instant from, Instant until) {
    return orderEvents(from, until)
        .where("op = 'D' OR status = 'created'")
        .selectExpr("order_id", "shop_id", "order_date", "updated_at", "op",
            "explode(sequence(1, 1 + CAST(pmod(" + hash("order_id", "'lines'") + ", 3) AS INT))) AS line_no")
        .selectExpr("order_id", "line_no",
            "(shop_id - 1) * " + PRODUCTS_PER_SHOP + " + 1 + pmod(" + hash("order_id", "line_no", "'product'") + ", "
                + PRODUCTS_PER_SHOP + ") AS product_id",
            "CAST(1 + pmod(" + hash("order_id", "line_no", "'quantity'") + ", 3) AS INT) AS quantity",
            "order_date", "updated_at", "op")
        .selectExpr("order_id", "line_no", "product_id", "quantity", price("product_id - 1") + " AS unit_price",
            "order_date", "updated_at", "op");
  }

  /**
   * The payments made in [from, until), a ledger that only grows: payment_id, order_id, kind ('charge' or
   * 'refund'), status ('succeeded' or 'failed'), amount, event_at. A paid order has a succeeded charge when it is
   * paid, some first a failed one (most from shared devices); a cancelled order may have a failed charge; a
   * refunded order a refund.
   */
  public Dataset<Row> payments(Instant from, Instant until) {
    String failedFirst = "pmod(" + hash("order_id", "'payment-fails'") + ", 100) < CASE WHEN " + shared()
        + " THEN 60 WHEN status = 'cancelled' THEN 50 ELSE 15 END";
    // A failed charge comes between the order's creation and the event it precedes, at most a day earlier.
    return orderEvents(from, until.plusSeconds(DAY))
        .where("op = 'U' AND status IN ('paid', 'refunded', 'cancelled')")
        .selectExpr("order_id", "amount", "inline(filter(array("
            + "named_struct('attempt', 1, 'kind', 'charge', 'status', 'failed', 'event_at',"
            + " timestamp_seconds((unix_seconds(created_at) + unix_seconds(updated_at)) DIV 2),"
            + " 'happens', status <> 'refunded' AND " + failedFirst + "), "
            + "named_struct('attempt', 2, 'kind', 'charge', 'status', 'succeeded', 'event_at', updated_at,"
            + " 'happens', status = 'paid'), "
            + "named_struct('attempt', 3, 'kind', 'refund', 'status', 'succeeded', 'event_at', updated_at,"
            + " 'happens', status = 'refunded')), payment -> payment.happens))")
        .where(col("event_at").geq(lit(from)).and(col("event_at").lt(lit(until))))
        .selectExpr("order_id * 10 + attempt AS payment_id", "order_id", "kind", "status", "amount", "event_at");
  }

  /**
   * The versions of the shipments that changed in [from, until), one shipment per shipped order: order_id, carrier,
   * region, shipped_at, promised_at (four days after the order), delivered_at, status ('in_transit', 'delivered',
   * or 'lost' for an order not delivered {@code LOST_AFTER_SECONDS} after it shipped), updated_at.
   */
  public Dataset<Row> shipments(Instant from, Instant until) {
    Instant since = from.minusSeconds(MAX_LIFETIME_SECONDS + LOST_AFTER_SECONDS);
    return orders(since, until).where("op = 'U'")
        .groupBy("order_id", "region", "created_at")
        .agg(expr("map_from_entries(collect_list(struct(status, updated_at))) AS at"))
        .selectExpr("order_id", pick(CARRIERS, "order_id", "'carrier'") + " AS carrier", "region",
            "at['shipped'] AS shipped_at", "created_at + INTERVAL 4 DAYS AS promised_at",
            "inline(array("
                + "named_struct('status', 'in_transit', 'delivered_at', CAST(NULL AS TIMESTAMP),"
                + " 'updated_at', at['shipped']), "
                + "named_struct('status', 'delivered', 'delivered_at', at['delivered'], 'updated_at', at['delivered']), "
                + "named_struct('status', 'lost', 'delivered_at', CAST(NULL AS TIMESTAMP), 'updated_at',"
                + " IF(at['delivered'] IS NULL, timestamp_seconds(unix_seconds(at['shipped']) + " + LOST_AFTER_SECONDS
                + "), NULL))))")
        .where(col("updated_at").geq(lit(from)).and(col("updated_at").lt(lit(until))))
        .select("order_id", "carrier", "region", "shipped_at", "promised_at", "delivered_at", "status", "updated_at");
  }

  /**
   * The page views ingested in [from, until): event_id, session_id, user_id, device_id, shop_id, campaign_id (null
   * for a session no campaign brought), product_id, page ('view', then for some sessions 'cart', 'order', 'pay', in
   * that order), event_time, ingested_at, session_date. {@value #SESSIONS_PER_ORDER} sessions per order a day, of
   * 1 to 5 views; 5 % of the events are ingested 1 to 6 hours late, so they land out of order.
   */
  public Dataset<Row> pageViews(Instant from, Instant until) {
    long perDay = config.ordersPerDay() * SESSIONS_PER_ORDER;
    long startSecond = config.start().getEpochSecond();
    long firstDay = clamp(Math.floorDiv(from.getEpochSecond() - MAX_PAGE_VIEW_LAG_SECONDS - startSecond, DAY));
    long endDay = clamp(Math.floorDiv(until.getEpochSecond() - startSecond, DAY) + 1);
    String funnel = "pmod(" + hash("id", "'funnel'") + ", 100)";
    return spark.range(firstDay * perDay, endDay * perDay).selectExpr(
            "id + 1 AS session_id",
            "1 + pmod(" + hash("id", "'session-user'") + ", " + config.users() + ") AS user_id",
            skewedShop("id", "'session-shop-a'", "'session-shop-b'") + " AS shop_id",
            "IF(pmod(" + hash("id", "'session-campaign'") + ", 100) < 30, 1 + pmod(" + hash("id",
                "'session-campaign-id'") + ", " + config.campaigns() + "), NULL) AS campaign_id",
            startSecond + " + (id DIV " + perDay + ") * " + DAY + " + pmod(" + hash("id", "'session-start'") + ", "
                + DAY + ") AS start_second",
            "date_add(DATE'" + config.startDate() + "', CAST(id DIV " + perDay + " AS INT)) AS session_date",
            "CAST(1 + pmod(" + hash("id", "'views'") + ", 5) AS INT) AS views",
            "CASE WHEN " + funnel + " < 12 THEN 3 WHEN " + funnel + " < 15 THEN 2 WHEN " + funnel + " < 30 THEN 1"
                + " ELSE 0 END AS funnel_steps")
        .selectExpr("*", "user_id * 4 + pmod(" + hash("session_id", "'session-device'") + ", 2) AS device_id",
            "explode(sequence(1, views + funnel_steps)) AS step")
        .selectExpr("session_id * 16 + step AS event_id", "session_id", "user_id", "device_id", "shop_id",
            "campaign_id",
            "(shop_id - 1) * " + PRODUCTS_PER_SHOP + " + 1 + pmod(" + hash("session_id", "step", "'viewed'") + ", "
                + PRODUCTS_PER_SHOP + ") AS product_id",
            "IF(step <= views, 'view', element_at(array('cart', 'order', 'pay'), step - views)) AS page",
            "start_second + (step - 1) * 45 + pmod(" + hash("session_id", "step", "'gap'") + ", 45) AS event_second",
            "IF(pmod(" + hash("session_id", "step", "'late'") + ", 100) < 5, " + HOUR + " + pmod("
                + hash("session_id", "step", "'lag'") + ", " + 5 * HOUR + "), pmod("
                + hash("session_id", "step", "'lag'") + ", 60)) AS lag_seconds",
            "session_date")
        .selectExpr("event_id", "session_id", "user_id", "device_id", "shop_id", "campaign_id", "product_id", "page",
            "timestamp_seconds(event_second) AS event_time",
            "timestamp_seconds(event_second + lag_seconds) AS ingested_at", "session_date")
        .where(col("ingested_at").geq(lit(from)).and(col("ingested_at").lt(lit(until))));
  }

  private long clamp(long day) {
    return Math.max(0, Math.min(config.days(), day));
  }

  /** Whether an order (a row with order_id) comes from a shared device and address. */
  private String shared() {
    return "pmod(" + hash("order_id", "'shared'") + ", 100) < " + SHARED_PERCENT;
  }

  /** A shop id from 1 to shops; the product of two uniform draws favours low ids: a few shops get the most. */
  private String skewedShop(String input, String saltA, String saltB) {
    return "1 + (pmod(" + hash(input, saltA) + ", " + config.shops() + ") * pmod(" + hash(input, saltB) + ", "
        + config.shops() + ")) DIV " + config.shops();
  }

  /** A product's price from its id - 1, 5.00 to 199.99. */
  private String price(String productIndex) {
    return "CAST(CAST(500 + pmod(" + hash(productIndex, "'price'") + ", 19500) AS DECIMAL(12, 0)) / 100"
        + " AS DECIMAL(12, 2))";
  }

  /** A campaign's coupon discount from its id - 1: 5, 10, 15 or 20 percent. */
  private String discountPercent(String campaignIndex) {
    return "CAST(5 * (1 + pmod(" + hash(campaignIndex, "'discount'") + ", 4)) AS INT)";
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
