package dev.lakepipe.pipelines.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.xxhash64;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * An hourly upsert without a pipeline around it: a table of orders (order_id, order_day over 30 days, customer_id,
 * status, amount DECIMAL(12,2), updated_at), keyed by order_id, ordered by updated_at, partitioned by order_day,
 * written through lakepipe's own writer of a format with a storage; then upserts of 1 % of its rows, chosen at
 * random, updated, and 0.2 % new rows. Every value is a hash of the order id, the seed and the round, so runs are
 * repeatable.
 */
final class PlainUpsert {
  private static final TableLayout LAYOUT =
      new TableLayout(List.of("order_id"), Optional.of("updated_at"), List.of("order_day"));
  private static final long FIRST_UPDATE = Instant.parse("2026-10-31T00:00:00Z").getEpochSecond();

  private final SparkSession spark;
  private final TableWriter writer;
  private final long rows;
  private final long seed;
  private int writes;

  /**
   * @param table {@code db.name} of the table, which must not exist yet
   * @param rows the rows of the table before the first upsert
   * @param storage how the table stores updates, where its format lets a table choose
   */
  PlainUpsert(SparkSession spark, EngineSettings settings, String format, String table, long rows, Storage storage,
      long seed) {
    TableFormat tableFormat = TableFormats.get(format);
    TableAddress address =
        TableAddresses.resolve(settings, tableFormat, table, Optional.empty(), Optional.of(table), Map.of());
    this.spark = spark;
    this.writer = tableFormat.writer(spark, address, LAYOUT.withStorage(storage));
    this.rows = rows;
    this.seed = seed;
  }

  /**
   * Writes the table, then upserts into it {@code upserts} times, each time 1 % of the rows updated and 0.2 % new.
   *
   * @return the seconds each upsert took, the rows to upsert being computed beforehand
   */
  List<Double> measure(int upserts) {
    writer.upsert(orders(spark.range(rows), 0), nextWrite());
    long newPerUpsert = Math.max(1, rows / 500);
    List<Double> seconds = new ArrayList<>();
    for (int round = 1; round <= upserts; round++) {
      long stored = rows + (round - 1) * newPerUpsert;
      Dataset<Long> updated = spark.range(stored).where(pmod(xxhash64(col("id"), lit(seed), lit(round)), lit(100))
          .equalTo(0));
      Dataset<Long> added = spark.range(stored, stored + newPerUpsert);
      Dataset<Row> change = orders(updated.union(added), round).cache();
      change.count();
      seconds.add(Measures.seconds(() -> writer.upsert(change, nextWrite())));
      change.unpersist();
    }
    return seconds;
  }

  /** Orders of these ids as of a round: the day and customer follow from the id, the rest changes every round. */
  private Dataset<Row> orders(Dataset<Long> ids, int round) {
    Column id = col("id");
    return ids.select(
        id.as("order_id"),
        date_add(expr("date'2026-10-01'"), pmod(xxhash64(id, lit(seed), lit("day")), lit(30)).cast("int"))
            .as("order_day"),
        pmod(xxhash64(id, lit(seed), lit("customer")), lit(Math.max(1, rows / 3))).as("customer_id"),
        element_at(expr("array('created', 'paid', 'shipped', 'delivered', 'refunded')"),
            pmod(xxhash64(id, lit(seed), lit(round), lit("status")), lit(5)).cast("int").plus(1)).as("status"),
        pmod(xxhash64(id, lit(seed), lit(round), lit("amount")), lit(100_000)).divide(100).cast("decimal(12,2)")
            .as("amount"),
        timestamp_seconds(lit(FIRST_UPDATE + round * 3600L)
            .plus(pmod(xxhash64(id, lit(seed), lit(round)), lit(3600)))).as("updated_at"));
  }

  private CommitContext nextWrite() {
    writes++;
    return new CommitContext("bench-upsert", "bench-upsert-" + writes, Instant.EPOCH.plusSeconds(writes));
  }
}
