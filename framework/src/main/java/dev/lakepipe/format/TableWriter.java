package dev.lakepipe.format;

import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Writes one table, each operation in one atomic commit of the format that carries {@link
 * CommitContext#properties()}, also when it changes no row. The first write creates the table with its
 * {@link TableLayout}. Formats without commits (plain files) return a commit that only describes the write:
 * its id is the time of the write, and {@link TableReader#latestCommit()} never returns it.
 *
 * <p>Into an existing table, every method but {@link #delete} first compares the rows' schema with the table's and
 * applies what the layout's {@link dev.lakepipe.spec.SchemaEvolution} allows (see {@link SchemaChanges}), or throws
 * {@link SchemaEvolutionException} before committing anything.
 *
 * <p>Every method throws {@link UnsupportedOperationException} for a mode the format does not support (see
 * {@link TableFormat#writeModes()}), and {@link IllegalStateException} when the table's latest commit is
 * not the write's own (another writer committed right after it), and {@link CommitConflictException} when the
 * format refused the commit for a concurrent one that conflicts with it (nothing of the write was committed).
 */
public interface TableWriter {
  /**
   * Checks, without writing, that rows of this schema can be written to the table under the layout's schema
   * evolution. A table that does not exist, or a format without a table schema, passes.
   *
   * @throws SchemaEvolutionException naming each column whose change is refused, both types and the policy
   */
  default void checkSchema(StructType rows) {}

  /** Adds the rows. */
  Commit append(Dataset<Row> rows, CommitContext context);

  /** Replaces all rows of the table. */
  Commit overwrite(Dataset<Row> rows, CommitContext context);

  /**
   * Replaces the partitions the rows fall in.
   *
   * @throws IllegalStateException when the layout has no partition columns
   */
  Commit overwritePartitions(Dataset<Row> rows, CommitContext context);

  /**
   * Inserts or replaces rows by key. The rows hold at most one row per key (see {@link LatestWins}); a stored
   * row is replaced only when the incoming order-by value is greater than or equal to the stored one, or always
   * when the layout has no order-by column.
   *
   * @throws IllegalStateException when the layout has no keys
   */
  Commit upsert(Dataset<Row> rows, CommitContext context);

  /**
   * Deletes the stored rows whose keys appear in {@code keys} (other columns are ignored). Deleting from a
   * table that does not exist yet commits nothing and returns empty.
   *
   * @throws IllegalStateException when the layout has no keys
   */
  Optional<Commit> delete(Dataset<Row> keys, CommitContext context);

  /** Whether {@link #upsertAndDelete} is supported: the format can upsert and delete in one commit. */
  default boolean upsertsAndDeletesAtOnce() {
    return false;
  }

  /**
   * Upserts the rows as {@link #upsert} does and deletes the stored rows whose keys appear in {@code keys}, in one
   * commit. The rows hold no key of {@code keys}. Into a table that does not exist yet the rows are appended.
   *
   * @throws UnsupportedOperationException when the format cannot ({@link #upsertsAndDeletesAtOnce()})
   * @throws IllegalStateException when the layout has no keys
   */
  default Commit upsertAndDelete(Dataset<Row> rows, Dataset<Row> keys, CommitContext context) {
    throw new UnsupportedOperationException("this format cannot upsert and delete in one commit");
  }

  /**
   * Makes each row of {@code rows} the one row of its key and deletes the stored rows of {@code keys} (no key of the
   * rows), in one commit, without comparing order-by values: for rows that are their keys' rows as a full recompute
   * gives them (an incremental run's). A format may write it without reading the stored rows; by default it is
   * {@link #upsertAndDelete}. Into a table that does not exist yet the rows are appended.
   *
   * @throws UnsupportedOperationException when the format cannot upsert and delete in one commit ({@link
   *     #upsertsAndDeletesAtOnce()})
   * @throws IllegalStateException when the layout has no keys
   */
  default Commit replaceKeys(Dataset<Row> rows, Dataset<Row> keys, CommitContext context) {
    return upsertAndDelete(rows, keys, context);
  }
}
