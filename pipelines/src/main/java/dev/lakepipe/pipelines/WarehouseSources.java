package dev.lakepipe.pipelines;

import static org.apache.spark.sql.functions.lit;

import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.spec.EngineSettings;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The source tables of the reference warehouse ({@code conf/jobs/reference}), landed from the generator as an
 * upstream ingestion would, hour by hour: the dimensions {@code users}, {@code shops}, {@code products} and
 * {@code campaigns} once, and for each window the facts that happened in it — {@code orders} (the latest version
 * of each order; deleted orders removed), {@code order_items} (added with their order, removed with it), {@code
 * payments}, {@code shipments} (the latest version of each) and {@code page_views} (by the time they are ingested,
 * so late events land hours after they happened). Every table is {@code <database>.<name>} in one format, keyed,
 * so that the warehouse's ODS specs read their changes with {@code read = incremental}.
 */
public final class WarehouseSources {
  /** The tables, in the order they are written. */
  public static final List<String> TABLES = List.of("users", "shops", "products", "campaigns", "orders",
      "order_items", "payments", "shipments", "page_views");

  private final EcommerceGenerator generator;
  private final SourceTable users;
  private final SourceTable shops;
  private final SourceTable products;
  private final SourceTable campaigns;
  private final SourceTable orders;
  private final SourceTable orderItems;
  private final SourceTable payments;
  private final SourceTable shipments;
  private final SourceTable pageViews;

  /**
   * @param format the tables' format: {@code delta}, {@code iceberg} or {@code hudi}
   * @param database the tables' database, {@code raw} in the shipped specs
   */
  public WarehouseSources(SparkSession spark, EngineSettings settings, EcommerceGenerator generator, String format,
      String database) {
    this.generator = generator;
    Supplier<CommitContext> commits = SourceTable.ingestion();
    TableSpot<TableLayout> spot = (name, layout) -> SourceTable.open(spark, settings, format, database + "." + name, layout,
        true, commits);
    // The dimensions are read as snapshots: copy-on-write, so that no reader meets Delta's deletion vectors
    // (an Iceberg target of a Delta source with them fails unless its rows are cached).
    TableSpot<String> dimension = (name, key) -> SourceTable.open(spark, settings, format, database + "." + name,
        new TableLayout(List.of(key), Optional.empty(), List.of()), false, commits);
    this.users = dimension.open("users", "user_id");
    this.shops = dimension.open("shops", "shop_id");
    this.products = dimension.open("products", "product_id");
    this.campaigns = dimension.open("campaigns", "campaign_id");
    this.orders = spot.open("orders",
        new TableLayout(List.of("order_id"), Optional.of("updated_at"), List.of("order_date")));
    this.orderItems = spot.open("order_items",
        new TableLayout(List.of("order_id", "line_no"), Optional.of("updated_at"), List.of("order_date")));
    this.payments = spot.open("payments", new TableLayout(List.of("payment_id"), Optional.of("event_at"), List.of()));
    this.shipments = spot.open("shipments",
        new TableLayout(List.of("order_id"), Optional.of("updated_at"), List.of()));
    this.pageViews = spot.open("page_views",
        new TableLayout(List.of("event_id"), Optional.of("ingested_at"), List.of("session_date")));
  }

  private interface TableSpot<T> {
    SourceTable open(String name, T layout);
  }

  /** Writes the dimensions, replacing the rows of their keys. */
  public void loadDimensions() {
    users.upsert(generator.users());
    shops.upsert(generator.shops());
    products.upsert(generator.products());
    campaigns.upsert(generator.campaigns());
  }

  /** Lands the facts of [from, until): one commit per table that has any (two on Hudi for upserts and deletes). */
  public void land(Instant from, Instant until) {
    orders.apply(generator.orders(from, until));
    orderItems.apply(generator.orderItems(from, until));
    upsertAny(payments, generator.payments(from, until));
    shipments.apply(generator.shipments(from, until).withColumn("op", lit("U")));
    upsertAny(pageViews, generator.pageViews(from, until));
  }

  private static void upsertAny(SourceTable table, Dataset<Row> rows) {
    if (!rows.isEmpty()) {
      table.upsert(rows);
    }
  }
}
