package dev.lakepipe.pipelines;

import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.spec.EngineSettings;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The source tables of the hourly marketplace pipeline ({@code conf/jobs/marketplace_hourly.conf}), kept current as
 * an upstream ingestion would: {@code orders} holds one row per live order (the latest event of each order wins;
 * a delete event removes it), {@code shops} one row per shop. Both are tables of one format, so that incremental
 * runs read their changes; merge-on-read where the format reads such changes (Delta, Iceberg), copy-on-write on Hudi.
 */
public final class MarketplaceTables {
  private static final TableLayout ORDERS =
      new TableLayout(List.of("order_id"), Optional.of("updated_at"), List.of("order_date"));
  private static final TableLayout SHOPS = new TableLayout(List.of("shop_id"), Optional.empty(), List.of());

  private final SourceTable orders;
  private final SourceTable shops;

  /**
   * @param database the database of the two tables, {@code <database>.orders} and {@code <database>.shops}
   */
  public MarketplaceTables(SparkSession spark, EngineSettings settings, String format, String database) {
    Supplier<CommitContext> commits = SourceTable.ingestion();
    this.orders = SourceTable.open(spark, settings, format, database + ".orders", ORDERS, true, commits);
    this.shops = SourceTable.open(spark, settings, format, database + ".shops", SHOPS, true, commits);
  }

  /**
   * Applies order events (rows of {@link EcommerceGenerator#orderEvents}): upserts and deletes, in one commit where
   * the format can.
   */
  public void applyOrderEvents(Dataset<Row> events) {
    orders.apply(events);
  }

  /** Inserts or replaces shops (rows with the columns of {@link EcommerceGenerator#shops}). */
  public void upsertShops(Dataset<Row> rows) {
    shops.upsert(rows);
  }

  /** Deletes the shops of these ids. */
  public void deleteShops(Dataset<Row> shopIds) {
    shops.delete(shopIds);
  }
}
