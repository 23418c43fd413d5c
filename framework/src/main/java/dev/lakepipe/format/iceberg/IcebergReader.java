package dev.lakepipe.format.iceberg;

import dev.lakepipe.format.AbstractTableReader;
import dev.lakepipe.format.Commit;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableNotFoundException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.catalyst.parser.ParseException;

/** Reads an Iceberg table of the Spark catalog; its commits are the table's snapshots. */
final class IcebergReader extends AbstractTableReader {
  private final SparkSession spark;

  IcebergReader(SparkSession spark, TableAddress address) {
    super(address);
    this.spark = spark;
  }

  @Override
  public boolean exists() {
    return spark.catalog().tableExists(address.requireIdentifier());
  }

  @Override
  protected Dataset<Row> readSnapshot() {
    return read().load(address.requireIdentifier());
  }

  @Override
  protected Dataset<Row> readVersion(String snapshotId) {
    return read().option("snapshot-id", snapshotId).load(address.requireIdentifier());
  }

  @Override
  protected Dataset<Row> readTimestamp(Instant timestamp) {
    return read().option("as-of-timestamp", timestamp.toEpochMilli()).load(address.requireIdentifier());
  }

  /**
   * @throws TableNotFoundException when the table was dropped since {@link #exists()} was asked
   * @throws IllegalArgumentException when the identifier is not valid SQL
   */
  @Override
  protected Optional<Commit> readLatestCommit() {
    Table table = table();
    // The catalog caches tables; another writer may have committed since.
    table.refresh();
    return Optional.ofNullable(table.currentSnapshot()).map(IcebergReader::commit);
  }

  private static Commit commit(Snapshot snapshot) {
    Map<String, String> properties = snapshot.summary().entrySet().stream()
        .filter(entry -> entry.getKey().startsWith(CommitContext.PREFIX))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    return new Commit(
        Long.toString(snapshot.snapshotId()), Instant.ofEpochMilli(snapshot.timestampMillis()), properties);
  }

  private Table table() {
    try {
      return Spark3Util.loadIcebergTable(spark, address.requireIdentifier());
    } catch (NoSuchTableException e) {
      throw new TableNotFoundException(address, e);
    } catch (ParseException e) {
      throw new IllegalArgumentException("not a table identifier: " + address.requireIdentifier(), e);
    }
  }

  private DataFrameReader read() {
    return spark.read().format("iceberg");
  }
}
