package dev.lakepipe.format.delta;

import dev.lakepipe.format.AbstractTableReader;
import dev.lakepipe.format.Commit;
import dev.lakepipe.format.TableAddress;
import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Reads a Delta table by path; its commits come from the table history. */
final class DeltaReader extends AbstractTableReader {
  private final SparkSession spark;

  DeltaReader(SparkSession spark, TableAddress address) {
    super(address);
    this.spark = spark;
  }

  @Override
  public boolean exists() {
    return DeltaTable.isDeltaTable(spark, address.requirePath());
  }

  @Override
  protected Dataset<Row> readSnapshot() {
    return read().load(address.requirePath());
  }

  @Override
  protected Dataset<Row> readVersion(String version) {
    return read().option("versionAsOf", version).load(address.requirePath());
  }

  @Override
  protected Dataset<Row> readTimestamp(Instant timestamp) {
    return read().option("timestampAsOf", timestamp.toString()).load(address.requirePath());
  }

  @Override
  protected Optional<Commit> readLatestCommit() {
    Row last = DeltaTable.forPath(spark, address.requirePath()).history(1)
        .select("version", "timestamp", "userMetadata")
        .head();
    return Optional.of(new Commit(
        Long.toString(last.getLong(0)), last.<Timestamp>getAs(1).toInstant(), UserMetadata.decode(last.getString(2))));
  }

  private DataFrameReader read() {
    return spark.read().format("delta").options(address.options());
  }
}
