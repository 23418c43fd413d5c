package dev.lakepipe.format;

import dev.lakepipe.spec.AsOf;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

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
   * The table as it was at a version or timestamp.
   *
   * @throws TableNotFoundException when the table does not exist
   * @throws UnsupportedOperationException when the format keeps no history
   */
  Dataset<Row> asOf(AsOf point);

  /** The latest completed commit, or empty when the table does not exist or keeps no commits. */
  Optional<Commit> latestCommit();
}
