package dev.lakepipe.pipelines;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableAddresses;
import dev.lakepipe.format.TableFormat;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableWriter;
import dev.lakepipe.spec.EngineSettings;
import dev.lakepipe.spec.Storage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

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

  private final SparkSession spark;
  private final TableWriter orders;
  private final TableWriter shops;
  private final String ingestion = "ingestion-" + UUID.randomUUID();
  private int writes;

  /**
   * @param database the database of the two tables, {@code <database>.orders} and {@code <database>.shops}
   */
  public MarketplaceTables(SparkSession spark, EngineSettings settings, String format, String database) {
    this.spark = spark;
    this.orders = writer(settings, format, database + ".orders", ORDERS);
    this.shops = writer(settings, format, database + ".shops", SHOPS);
  }

  /** Merge-on-read where the format's change reads can read such a table (Delta, Iceberg), as an ingestion would. */
  private TableWriter writer(EngineSettings settings, String format, String table, TableLayout layout) {
    TableFormat tableFormat = TableFormats.get(format);
    TableAddress address =
        TableAddresses.resolve(settings, tableFormat, table, Optional.empty(), Optional.of(table), Map.of());
    Storage storage = tableFormat.changeReadLimit(Storage.MERGE_ON_READ).isEmpty()
        ? Storage.MERGE_ON_READ : Storage.COPY_ON_WRITE;
    return tableFormat.writer(spark, address, layout.withStorage(storage));
  }

  /**
   * Applies order events (rows of {@link EcommerceGenerator#orderEvents}): upserts and deletes, in one commit where
   * the format can.
   */
  public void applyOrderEvents(Dataset<Row> events) {
    Dataset<Row> last = events
        .withColumn("recency", row_number().over(Window.partitionBy("order_id").orderBy(col("updated_at").desc())))
        .where("recency = 1").drop("recency").cache();
    try {
      Dataset<Row> upserts = last.where("op = 'U'").drop("op");
      Dataset<Row> deletes = last.where("op = 'D'").drop("op");
      if (orders.upsertsAndDeletesAtOnce()) {
        orders.upsertAndDelete(upserts, deletes, nextWrite());
        return;
      }
      if (!upserts.isEmpty()) {
        orders.upsert(upserts, nextWrite());
      }
      if (!deletes.isEmpty()) {
        orders.delete(deletes, nextWrite());
      }
    } finally {
      last.unpersist();
    }
  }

  /** Inserts or replaces shops (rows with the columns of {@link EcommerceGenerator#shops}). */
  public void upsertShops(Dataset<Row> rows) {
    shops.upsert(rows, nextWrite());
  }

  /** Deletes the shops of these ids. */
  public void deleteShops(Dataset<Row> shopIds) {
    shops.delete(shopIds, nextWrite());
  }

  private CommitContext nextWrite() {
    writes++;
    return new CommitContext("ingestion", ingestion + "-" + writes, Instant.EPOCH.plusSeconds(writes));
  }
}
