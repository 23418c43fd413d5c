package dev.lakepipe.format;

import dev.lakepipe.spec.AsOf;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What every {@link TableReader} shares: a missing table fails the same way in every format, and as-of
 * timestamps are parsed once. Subclasses read a table that is known to exist.
 */
public abstract class AbstractTableReader implements TableReader {
  protected final TableAddress address;

  protected AbstractTableReader(TableAddress address) {
    this.address = address;
  }

  /** The latest snapshot of the existing table. */
  protected abstract Dataset<Row> readSnapshot();

  /** The existing table as of a version in the format's own terms. */
  protected abstract Dataset<Row> readVersion(String version);

  /** The existing table as it was at a point in time. */
  protected abstract Dataset<Row> readTimestamp(Instant timestamp);

  /** The latest completed commit of the existing table. */
  protected abstract Optional<Commit> readLatestCommit();

  /** @throws TableNotFoundException when the table does not exist */
  @Override
  public final Dataset<Row> snapshot() {
    requireExists();
    return readSnapshot();
  }

  /**
   * The timestamp of {@code point} is ISO-8601 with an offset, e.g. {@code 2026-11-22T03:00:00Z}.
   *
   * @throws TableNotFoundException when the table does not exist
   * @throws IllegalArgumentException when the timestamp cannot be parsed
   * @throws UnsupportedOperationException when the format keeps no history
   */
  @Override
  public final Dataset<Row> asOf(AsOf point) {
    requireExists();
    return point.version().map(this::readVersion).orElseGet(() -> readTimestamp(parse(point.timestamp().orElseThrow())));
  }

  @Override
  public final Optional<Commit> latestCommit() {
    return exists() ? readLatestCommit() : Optional.empty();
  }

  private void requireExists() {
    if (!exists()) {
      throw new TableNotFoundException(address);
    }
  }

  private static Instant parse(String timestamp) {
    try {
      return OffsetDateTime.parse(timestamp).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "as-of timestamp is not ISO-8601 with an offset (e.g. 2026-11-22T03:00:00Z): " + timestamp, e);
    }
  }
}
