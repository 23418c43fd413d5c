package dev.lakepipe.format;

import dev.lakepipe.spec.AsOf;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/** Reads one table. Rows carry the table's own columns only, never a format's bookkeeping columns. */
public interface TableReader {
  /** Whether the table exists (has at least one commit, or files for file formats). */
  boolean exists();

  /**
   * The latest snapshot.
   *
   * @throws TableNotFoundException when the table does not exist
   */
  Dataset<Row> snapshot();

  /**
   * The columns of the latest snapshot, as {@link #snapshot()} gives them, without planning a read where the format
   * keeps them apart.
   *
   * @throws TableNotFoundException when the table does not exist
   */
  default StructType schema() {
    return snapshot().schema();
  }

  /**
   * The records of the latest snapshot that do not fit the table's declared schema, with the columns {@code
   * position} (the file), {@code raw_value} and {@code reason}; empty when the format parses no text.
   * {@link #snapshot()} then holds the other records only.
   *
   * @throws TableNotFoundException when the table does not exist
   */
  default Optional<Dataset<Row>> badRecords() {
    return Optional.empty();
  }

  /**
   * The table as it was at a version or timestamp.
   *
   * @throws TableNotFoundException when the table does not exist
   * @throws UnsupportedOperationException when the format keeps no history
   */
  Dataset<Row> asOf(AsOf point);

  /** The latest completed commit, or empty when the table does not exist or keeps no commits. */
  Optional<Commit> latestCommit();

  /**
   * The rows that a commit of an append or overwrite wrote, as the format recorded them in the commit; empty when
   * it records none. Asked instead of counting the rows again after writing them. For a commit that rewrote files
   * (an upsert or delete), what the format records may include the unchanged rows it copied.
   *
   * @param commit a commit of this table, as {@link #latestCommit()} returned it
   */
  default OptionalLong rowsWritten(Commit commit) {
    return OptionalLong.empty();
  }

  /**
   * How many rows the table holds as of a commit, when the format's metadata says so exactly; empty otherwise.
   * Asked instead of counting a snapshot, which scans it.
   *
   * @param commit a commit of this table, as {@link #latestCommit()} returned it
   */
  default OptionalLong rowsAt(Commit commit) {
    return OptionalLong.empty();
  }

  /**
   * The table's completed commits that are still in its history, oldest first, each with its lakepipe
   * properties: what an orchestrator asks to learn whether a logical time was published. The history goes as far
   * back as the format keeps it (Hudi's active timeline, Delta's log retention, Iceberg's unexpired ancestors of
   * the current snapshot); empty when the table does not exist or keeps no commits.
   *
   * @throws java.io.UncheckedIOException when the commits' metadata cannot be read
   */
  List<Commit> commits();

  /**
   * The rows changed by the commits strictly after {@code sinceCommitId}, up to the latest commit, in the shape
   * {@link ChangeSet} describes. Nothing is read until the rows are; the history is checked at once.
   *
   * @param sinceCommitId a commit id as {@link #latestCommit()} returns it (Hudi instant time, Delta version,
   *     Iceberg snapshot id); its own changes are not included
   * @param keys the columns that identify a row, or none: with keys, a delete and an insert of the same key in
   *     one commit are reported as an update (pre- and post-image) in every format
   * @throws TableNotFoundException when the table does not exist
   * @throws HistoryUnavailableException when {@code sinceCommitId} is not, or no longer, in the table's history
   *     (unknown, newer than the latest commit, archived, expired, cleaned, vacuumed), or the changes after it
   *     were not recorded
   * @throws UnsupportedOperationException when the format keeps no history ({@link
   *     dev.lakepipe.spec.FormatTraits#supportsChangeReads()}), or the table does not record its changes, or it is
   *     merge-on-read and its format cannot read them ({@link ChangesNotReadableException})
   * @throws IllegalArgumentException when a key is not a column of the table
   */
  ChangeSet changes(String sinceCommitId, List<String> keys);

  /**
   * The changes as {@link #changes(String, List)} reads them, with only the table's columns that {@code columns}
   * names (case-insensitively), the keys among them: the scans of the table's files decode no other column. A
   * delete and an insert in one commit that differ only in columns left out cancel out, as an update that changed
   * nothing does.
   *
   * @param columns lower-cased names; names that are not columns of the table are ignored
   * @throws TableNotFoundException when the table does not exist
   * @throws HistoryUnavailableException as {@link #changes(String, List)}
   * @throws UnsupportedOperationException as {@link #changes(String, List)}
   * @throws IllegalArgumentException when a key is not a column of the table
   */
  ChangeSet changes(String sinceCommitId, List<String> keys, Set<String> columns);

  /**
   * Checks, without reading any, that {@link #changes} can read this table's changes: what a run asks of the
   * sources it reads incrementally before it writes anything. A table that does not exist passes.
   *
   * @throws UnsupportedOperationException when the format keeps no history, or the table does not record its
   *     changes, or it is merge-on-read and its format cannot read them ({@link ChangesNotReadableException})
   */
  void checkChangeReads();

  /**
   * The table as a Structured Streaming source of the rows added to it from its first commit on (a stream format:
   * its records from the starting position its options name). Rows carry the table's columns; a stream format
   * whose records can be malformed adds the columns of {@link StreamRecords}. Nothing is read until the stream
   * starts.
   *
   * @throws TableNotFoundException when the table does not exist
   * @throws UnsupportedOperationException when the format cannot be read as a stream
   * @throws IllegalArgumentException when the source lacks what a stream of it needs (a file source's schema)
   */
  default Dataset<Row> stream() {
    throw new UnsupportedOperationException("this format cannot be read as a stream");
  }
}
