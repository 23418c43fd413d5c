package dev.lakepipe.format;

import dev.lakepipe.spec.AsOf;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * What every {@link TableReader} shares: a missing table fails the same way in every format, as-of
 * timestamps are parsed once, and change sets get their common shape here ({@link ChangeRows}). Subclasses read a
 * table that is known to exist.
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

  /** The completed commits of the existing table still in its history, oldest first. */
  protected abstract List<Commit> readCommits();

  /**
   * Checks that the existing table records its changes, before anything else about them is asked.
   *
   * @throws UnsupportedOperationException when the format keeps no history, or the table records no changes, or
   *     it is merge-on-read and its format cannot read them ({@link ChangesNotReadableException})
   */
  protected abstract void requireChangesRecorded();

  /**
   * The rows changed by the commits after {@code since} up to {@code until}, the latest commit (another writer
   * may have committed since; its changes are left for the next read). Rows hold the table's columns, {@link
   * ChangeSet#CHANGE_TYPE} with the four common values and {@link ChangeSet#COMMIT_SEQ}; carry-overs and the pairing of
   * updates are left to {@link ChangeRows}.
   *
   * @param since a commit id other than {@code until}'s, not yet checked against the history
   * @throws HistoryUnavailableException when {@code since} is not, or no longer, in the history, or the changes
   *     after it were not recorded
   */
  protected abstract Dataset<Row> readChanges(String since, Commit until);

  /** @throws TableNotFoundException when the table does not exist */
  @Override
  public final Dataset<Row> snapshot() {
    requireExists();
    return readSnapshot();
  }

  /** @throws TableNotFoundException when the table does not exist */
  @Override
  public final StructType schema() {
    requireExists();
    return readSchema();
  }

  /** The columns of {@link #readSnapshot()}; by default those of the planned read. */
  protected StructType readSchema() {
    return readSnapshot().schema();
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

  /**
   * @throws TableNotFoundException when the table does not exist
   * @throws HistoryUnavailableException when {@code sinceCommitId} is not, or no longer, in the table's history,
   *     or the changes after it were not recorded
   * @throws UnsupportedOperationException when the format keeps no history, or the table records no changes
   * @throws IllegalArgumentException when a key is not a column of the table
   */
  @Override
  public final ChangeSet changes(String sinceCommitId, List<String> keys) {
    return changes(sinceCommitId, keys, column -> true);
  }

  /**
   * @throws TableNotFoundException when the table does not exist
   * @throws HistoryUnavailableException when {@code sinceCommitId} is not, or no longer, in the table's history,
   *     or the changes after it were not recorded
   * @throws UnsupportedOperationException when the format keeps no history, or the table records no changes
   * @throws IllegalArgumentException when a key is not a column of the table
   */
  @Override
  public final ChangeSet changes(String sinceCommitId, List<String> keys, Set<String> columns) {
    return changes(sinceCommitId, keys,
        column -> keys.contains(column) || columns.contains(column.toLowerCase(Locale.ROOT)));
  }

  private ChangeSet changes(String sinceCommitId, List<String> keys, Predicate<String> kept) {
    Objects.requireNonNull(sinceCommitId, "sinceCommitId");
    requireExists();
    requireChangesRecorded();
    Commit until = readLatestCommit().orElseThrow(
        () -> new IllegalStateException("table " + address.name() + " exists but has no completed commit"));
    if (until.id().equals(sinceCommitId)) {
      return new ChangeSet(ChangeRows.normalize(ChangeRows.none(only(readSnapshot(), kept)), keys, address),
          Optional.empty());
    }
    return new ChangeSet(ChangeRows.normalize(only(readChanges(sinceCommitId, until), kept), keys, address),
        Optional.of(until));
  }

  /** The kept columns and the change columns, before the change rows are finished, so that scans decode no other. */
  private static Dataset<Row> only(Dataset<Row> rows, Predicate<String> kept) {
    Column[] columns = Arrays.stream(rows.columns())
        .filter(column -> kept.test(column) || column.equals(ChangeSet.CHANGE_TYPE)
            || column.equals(ChangeSet.COMMIT_SEQ))
        .map(column -> rows.col(SqlMerge.quote(column)))
        .toArray(Column[]::new);
    return columns.length == rows.columns().length ? rows : rows.select(columns);
  }

  @Override
  public final void checkChangeReads() {
    if (exists()) {
      requireChangesRecorded();
    }
  }

  /** The existing table as a stream; see {@link TableReader#stream()}. */
  protected abstract Dataset<Row> readStream();

  @Override
  public final Dataset<Row> stream() {
    requireExists();
    return readStream();
  }

  @Override
  public final Optional<Commit> latestCommit() {
    return exists() ? readLatestCommit() : Optional.empty();
  }

  @Override
  public final List<Commit> commits() {
    return exists() ? readCommits() : List.of();
  }

  /**
   * A commit id of a format whose commits are numbers (Delta versions, Iceberg snapshot ids).
   *
   * @param what what the number is, for the message: "a Delta version"
   * @throws HistoryUnavailableException when the id is not a number
   */
  protected final long numericCommit(String id, String what) {
    try {
      return Long.parseLong(id);
    } catch (NumberFormatException e) {
      throw new HistoryUnavailableException(address, id, "it is not " + what, e);
    }
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
