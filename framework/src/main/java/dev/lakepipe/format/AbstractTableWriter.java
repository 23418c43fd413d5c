package dev.lakepipe.format;

import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What every {@link TableWriter} of a format with commits shares: the layout checks, creating the table on
 * the first upsert, the key-only distinct input of deletes, and returning the commit just made as the
 * table's reader sees it. Subclasses make exactly one commit per method.
 */
public abstract class AbstractTableWriter implements TableWriter {
  protected final TableReader reader;
  protected final TableLayout layout;

  protected AbstractTableWriter(TableReader reader, TableLayout layout) {
    this.reader = reader;
    this.layout = layout;
  }

  /** Adds the rows, creating the table if it does not exist. */
  protected abstract void writeAppend(Dataset<Row> rows, CommitContext context);

  /** Replaces all rows, creating the table if it does not exist. */
  protected abstract void writeOverwrite(Dataset<Row> rows, CommitContext context);

  /** Replaces the partitions of the rows, creating the table if it does not exist; the layout is partitioned. */
  protected abstract void writeOverwritePartitions(Dataset<Row> rows, CommitContext context);

  /** Upserts into the existing table; the layout has keys. */
  protected abstract void writeUpsert(Dataset<Row> rows, CommitContext context);

  /** Deletes from the existing table; {@code keys} holds only the key columns, each key once. */
  protected abstract void writeDelete(Dataset<Row> keys, CommitContext context);

  /**
   * Upserts and deletes in one commit, into the existing table; {@code keys} holds only the key columns, each key
   * once. Formats that can override it, and {@link #upsertsAndDeletesAtOnce()}.
   */
  protected void writeUpsertAndDelete(Dataset<Row> rows, Dataset<Row> keys, CommitContext context) {
    throw new UnsupportedOperationException("this format cannot upsert and delete in one commit");
  }

  @Override
  public final Commit append(Dataset<Row> rows, CommitContext context) {
    writeAppend(rows, context);
    return committed(context);
  }

  @Override
  public final Commit overwrite(Dataset<Row> rows, CommitContext context) {
    writeOverwrite(rows, context);
    return committed(context);
  }

  /** @throws IllegalStateException when the layout has no partition columns */
  @Override
  public final Commit overwritePartitions(Dataset<Row> rows, CommitContext context) {
    layout.requirePartitionBy();
    writeOverwritePartitions(rows, context);
    return committed(context);
  }

  /** @throws IllegalStateException when the layout has no keys */
  @Override
  public final Commit upsert(Dataset<Row> rows, CommitContext context) {
    layout.requireKeys();
    // The rows hold one row per key, so into a new table an upsert is an append.
    if (reader.exists()) {
      writeUpsert(rows, context);
    } else {
      writeAppend(rows, context);
    }
    return committed(context);
  }

  /** @throws IllegalStateException when the layout has no keys */
  @Override
  public final Optional<Commit> delete(Dataset<Row> keys, CommitContext context) {
    List<String> columns = layout.requireKeys();
    if (!reader.exists()) {
      return Optional.empty();
    }
    writeDelete(keys.selectExpr(columns.stream().map(SqlMerge::quote).toArray(String[]::new)).distinct(), context);
    return Optional.of(committed(context));
  }

  /** @throws IllegalStateException when the layout has no keys */
  @Override
  public final Commit upsertAndDelete(Dataset<Row> rows, Dataset<Row> keys, CommitContext context) {
    List<String> columns = layout.requireKeys();
    if (!upsertsAndDeletesAtOnce()) {
      throw new UnsupportedOperationException("this format cannot upsert and delete in one commit");
    }
    if (reader.exists()) {
      writeUpsertAndDelete(rows, keys.selectExpr(columns.stream().map(SqlMerge::quote).toArray(String[]::new))
          .distinct(), context);
    } else {
      writeAppend(rows, context);
    }
    return committed(context);
  }

  /**
   * @throws IllegalStateException when the latest commit is not this write's: the format skipped the commit,
   *     or another writer committed right after it
   */
  private Commit committed(CommitContext context) {
    return reader.latestCommit()
        .filter(commit -> commit.properties().equals(context.properties()))
        .orElseThrow(() -> new IllegalStateException("the latest commit of the table is not the one of run "
            + context.runId() + ": the format skipped it, or another writer committed after it"));
  }
}
