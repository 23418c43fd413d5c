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
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * A source table that an upstream ingestion keeps current, as pipelines read with {@code read = incremental}: the
 * latest version of each key wins and a delete removes the key. Merge-on-read where the format's change reads can
 * read such a table (Delta, Iceberg), as an ingestion would; copy-on-write on Hudi.
 */
final class SourceTable {
  private final TableWriter writer;
  private final TableLayout layout;
  private final Supplier<CommitContext> commits;

  private SourceTable(TableWriter writer, TableLayout layout, Supplier<CommitContext> commits) {
    this.writer = writer;
    this.layout = layout;
    this.commits = commits;
  }

  /** The commits of one ingestion: numbered, so that each write is told apart in the tables' histories. */
  static Supplier<CommitContext> ingestion() {
    String id = "ingestion-" + UUID.randomUUID();
    int[] writes = {0};
    return () -> {
      writes[0]++;
      return new CommitContext("ingestion", id + "-" + writes[0], Instant.EPOCH.plusSeconds(writes[0]));
    };
  }

  /**
   * The writer of {@code table} ({@code db.name}) in {@code format}, created by its first write: merge-on-read
   * where the format's change reads can read it, copy-on-write for a table only read as a snapshot ({@code
   * changesRead} false).
   */
  static SourceTable open(SparkSession spark, EngineSettings settings, String format, String table,
      TableLayout layout, boolean changesRead, Supplier<CommitContext> commits) {
    TableFormat tableFormat = TableFormats.get(format);
    TableAddress address =
        TableAddresses.resolve(settings, tableFormat, table, Optional.empty(), Optional.of(table), Map.of());
    Storage storage = changesRead && tableFormat.changeReadLimit(Storage.MERGE_ON_READ).isEmpty()
        ? Storage.MERGE_ON_READ : Storage.COPY_ON_WRITE;
    TableLayout stored = layout.withStorage(storage);
    return new SourceTable(tableFormat.writer(spark, address, stored), stored, commits);
  }

  /**
   * Applies versions of rows with an {@code op} column ('U' an insert or update, 'D' a delete): the latest version
   * of each key by the layout's order-by wins; upserts and deletes in one commit where the format can.
   */
  void apply(Dataset<Row> versions) {
    Column[] keys = layout.requireKeys().stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
    Dataset<Row> last = versions
        .withColumn("recency", row_number().over(Window.partitionBy(keys)
            .orderBy(col(layout.orderBy().orElseThrow()).desc())))
        .where("recency = 1").drop("recency").cache();
    try {
      Dataset<Row> upserts = last.where("op = 'U'").drop("op");
      Dataset<Row> deletes = last.where("op = 'D'").drop("op");
      if (writer.upsertsAndDeletesAtOnce()) {
        writer.upsertAndDelete(upserts, deletes, commits.get());
        return;
      }
      if (!upserts.isEmpty()) {
        writer.upsert(upserts, commits.get());
      }
      if (!deletes.isEmpty()) {
        writer.delete(deletes, commits.get());
      }
    } finally {
      last.unpersist();
    }
  }

  /** Inserts or replaces rows by key. */
  void upsert(Dataset<Row> rows) {
    writer.upsert(rows, commits.get());
  }

  /** Deletes the rows of these keys. */
  void delete(Dataset<Row> keys) {
    writer.delete(keys, commits.get());
  }
}
