package dev.lakepipe.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.lakepipe.cli.Runs;
import dev.lakepipe.format.TableAddresses;
import dev.lakepipe.format.TableFormat;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.run.RunMode;
import dev.lakepipe.spec.InvalidSpecException;
import dev.lakepipe.spec.JobSpec;
import dev.lakepipe.spec.SpecLoader;
import dev.lakepipe.spec.TargetSpec;
import dev.lakepipe.testing.TestSpark;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The reference warehouse end to end on tiny generated data: the daily full build of its four layers, then an
 * hourly increment (new orders, status changes of older ones, deletes, late page views), after which every ADS
 * table holds exactly what a query written here, over the raw tables and not the specs' SQL, computes, and what a
 * fresh full run of the ADS layer over the same lower layers writes.
 */
class WarehouseEndToEndTest {
  private static final Path SPECS = Path.of(System.getProperty("lakepipe.conf.dir"), "jobs", "reference");
  /** Two days for the daily build, the third for the hours. */
  private static final EcommerceGenerator.Config CONFIG =
      new EcommerceGenerator.Config(7, LocalDate.parse("2026-11-01"), 3, 50, 5);
  private static final int HOURS = 1;

  private static final String PAID = "o.status IN ('paid', 'shipped', 'delivered')";
  /** Sessions by the raw page views, for traffic and the KPIs. */
  private static final String SESSIONS = """
      SELECT session_id, user_id, shop_id, date_trunc('HOUR', min(event_time)) AS session_hour,
             count_if(page = 'view') AS views, max(page = 'cart') AS cart, max(page = 'order') AS ordered,
             max(page = 'pay') AS paid
      FROM raw_page_views GROUP BY session_id, user_id, shop_id
      """;
  private static final Map<String, String> EXPECTED = Map.of(
      "marketing_hourly", """
          SELECT o.campaign_id, c.campaign_name, c.channel, date_trunc('HOUR', o.created_at) AS order_hour,
                 count(*) AS orders,
                 sum(IF(%1$s, o.amount, 0)) AS gmv,
                 sum(IF(%1$s, o.discount, 0)) AS coupon_cost,
                 size(collect_set(IF(%1$s, o.user_id, NULL))) AS buyers,
                 size(collect_set(IF(%1$s AND unix_seconds(o.created_at) - unix_seconds(u.signed_up_at) < 30 * 86400,
                                     o.user_id, NULL))) AS new_buyers,
                 size(collect_set(IF(%1$s AND unix_seconds(o.created_at) - unix_seconds(u.signed_up_at) >= 30 * 86400,
                                     o.user_id, NULL))) AS returning_buyers
          FROM raw_orders o JOIN raw_campaigns c USING (campaign_id) JOIN raw_users u USING (user_id)
          GROUP BY 1, 2, 3, 4
          """.formatted(PAID),
      "traffic_hourly", """
          SELECT s.session_hour, s.shop_id, sh.shop_name, sum(s.views) AS pv, size(collect_set(s.user_id)) AS uv,
                 count(*) AS sessions, count_if(s.cart) AS cart_sessions, count_if(s.ordered) AS order_sessions,
                 count_if(s.paid) AS pay_sessions, round(count_if(s.cart) / count(*), 4) AS cart_rate,
                 round(count_if(s.ordered) / count(*), 4) AS order_rate,
                 round(count_if(s.paid) / count(*), 4) AS conversion_rate
          FROM (%s) s JOIN raw_shops sh USING (shop_id)
          GROUP BY 1, 2, 3
          """.formatted(SESSIONS),
      "logistics_daily", """
          SELECT ship_date, carrier, region, count(*) AS shipments, count_if(within_48h) AS shipped_within_48h,
                 round(count_if(within_48h) / count(*), 4) AS ship_within_48h_rate,
                 count_if(status = 'in_transit') AS in_transit, count_if(delay <= 0) AS delivered_on_time,
                 count_if(delay > 0 AND delay <= 86400) AS delivered_late_1d,
                 count_if(delay > 86400 AND delay <= 3 * 86400) AS delivered_late_3d,
                 count_if(delay > 3 * 86400) AS delivered_late_more, count_if(status = 'lost') AS lost,
                 count_if(delay > 0 OR status = 'lost') AS late_shipments
          FROM (SELECT CAST(s.shipped_at AS DATE) AS ship_date, s.carrier, o.region, s.status,
                       unix_seconds(s.shipped_at) - unix_seconds(o.created_at) <= 48 * 3600 AS within_48h,
                       unix_seconds(s.delivered_at) - unix_seconds(s.promised_at) AS delay
                FROM raw_orders o JOIN raw_shipments s USING (order_id))
          GROUP BY 1, 2, 3
          """,
      "risk_flags", """
          WITH detail AS (
            SELECT o.*, coalesce(p.failed, 0) AS failed, coalesce(p.refunds, 0) > 0 AS refunded
            FROM raw_orders o
            LEFT JOIN (SELECT order_id, count_if(kind = 'charge' AND status = 'failed') AS failed,
                              count_if(kind = 'refund') AS refunds
                       FROM raw_payments GROUP BY order_id) p USING (order_id)
          )
          SELECT order_date AS flag_date, subject_kind, subject, count(*) AS orders, sum(failed) AS failed_payments,
                 CAST(NULL AS DOUBLE) AS refund_rate,
                 CASE WHEN count(*) >= 3 THEN 'many orders' ELSE 'failed payments' END AS reason
          FROM detail LATERAL VIEW explode(map('user', CAST(user_id AS STRING), 'device', CAST(device_id AS STRING),
                                               'address', CAST(address_id AS STRING))) s AS subject_kind, subject
          GROUP BY 1, 2, 3
          HAVING count(*) >= 3 OR sum(failed) >= 2
          UNION ALL
          SELECT order_date, 'shop', CAST(shop_id AS STRING), count(*), sum(failed),
                 round(count_if(refunded) / count(*), 4), 'refund rate'
          FROM detail GROUP BY order_date, shop_id
          HAVING count(*) >= 5 AND count_if(refunded) * 5 >= count(*)
          """,
      "kpi_hourly", """
          SELECT coalesce(t.hour, v.hour) AS hour, coalesce(t.gmv, 0) AS gmv, coalesce(t.orders, 0) AS orders,
                 coalesce(v.pv, 0) AS pv
          FROM (SELECT date_trunc('HOUR', o.created_at) AS hour, sum(IF(%s, o.amount, 0)) AS gmv, count(*) AS orders
                FROM raw_orders o GROUP BY 1) t
          FULL JOIN (SELECT session_hour AS hour, sum(views) AS pv FROM (%s) s GROUP BY 1) v ON t.hour = v.hour
          """.formatted(PAID, SESSIONS));

  private final SparkSession spark = TestSpark.session();

  @Test
  void hourlyIncrementsGiveTheUseCaseTablesOfTheRawData() throws InvalidSpecException {
    WarehouseBuild build = WarehouseBuild.load(SPECS, options(List.of()));
    WarehouseSources sources = new WarehouseSources(spark, TestSpark.settings(),
        new EcommerceGenerator(spark, CONFIG), "delta", "raw");
    Instant daily = CONFIG.start().plus(Duration.ofDays(2));
    sources.loadDimensions();
    sources.land(CONFIG.start(), daily);
    build.run(RunMode.FULL, daily, out());
    Instant last = daily;
    for (int hour = 1; hour <= HOURS; hour++) {
      last = daily.plus(Duration.ofHours(hour));
      sources.land(last.minus(Duration.ofHours(1)), last);
      build.run(RunMode.INCREMENTAL, last, out());
    }

    JobSpec ads = build.layers().get(3);
    List<String> sets = new ArrayList<>(List.of("name=warehouse_ads_fresh"));
    ads.targets().keySet().forEach(t -> sets.add("targets." + t + ".table=fresh_ads." + t));
    JobSpec fresh = WarehouseBuild.loadLayer(SPECS, "ads", options(sets));
    Runs.run(fresh, last, RunMode.FULL, out());

    WarehouseSources.TABLES.forEach(table -> view("delta", "raw." + table, "raw_" + table));
    assertEquals(EXPECTED.keySet(), ads.targets().keySet());
    for (TargetSpec target : ads.targets().values()) {
      Dataset<Row> expected = spark.sql(EXPECTED.get(target.name()));
      List<String> rows = rows(expected, expected.columns());
      assertFalse(rows.isEmpty(), target.name() + " has rows to compare");
      assertEquals(rows, rows(read(target), expected.columns()), target.name() + " after " + HOURS + " hours");
      assertEquals(rows, rows(read(fresh.targets().get(target.name())), expected.columns()),
          target.name() + " by a fresh full run");
    }
  }

  /** The runs' progress, in the test's output. */
  private static PrintWriter out() {
    return new PrintWriter(System.out, true);
  }

  private static SpecLoader.Options options(List<String> sets) {
    List<String> all = new ArrayList<>(sets);
    all.add("warehouse=" + TestSpark.warehouse());
    return new SpecLoader.Options(Optional.empty(), Optional.empty(), all);
  }

  private Dataset<Row> read(TargetSpec target) {
    TableFormat format = TableFormats.get(target.format());
    return format.reader(spark, TableAddresses.resolve(TestSpark.settings(), format, target.name(), target.path(),
        target.table(), target.options())).snapshot();
  }

  private void view(String format, String table, String name) {
    TableFormat tableFormat = TableFormats.get(format);
    tableFormat.reader(spark, TableAddresses.resolve(TestSpark.settings(), tableFormat, table, Optional.empty(),
        Optional.of(table), Map.of())).snapshot().createOrReplaceTempView(name);
  }

  /** The rows as strings, columns in name order, sorted. */
  private static List<String> rows(Dataset<Row> rows, String[] columns) {
    String[] sorted = Arrays.stream(columns).sorted().toArray(String[]::new);
    return rows.selectExpr(sorted).collectAsList().stream().map(Row::toString).sorted().toList();
  }
}
