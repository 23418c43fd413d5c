package dev.lakepipe.format;

import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * What every {@link TableWriter} of a format with commits shares: the layout checks, the schema comparison of
 * {@link SchemaChanges} under the layout's policy, creating the table on the first upsert, the key-only distinct input
 * of deletes, and returning the commit just made as the table's reader sees it. Subclasses make exactly one commit
 * per method.
 */
public abstract class AbstractTableWriter implements TableWriter {
  protected final TableAddress address;
  protected final TableReader reader;
  protected final TableLayout layout;

  protected AbstractTableWriter(TableAddress address, TableReader reader, TableLayout layout) {
    this.address = address;
    this.reader = reader;
    this.layout = layout;
  }

  /**
   * Why this format cannot widen a column of the table from {@code table} to {@code rows}, a safe widening (see
   * {@link SchemaChanges}); empty when it can.
   */
  protected abstract Optional<String> wideningLimit(DataType table, DataType rows);

  /**
   * Makes the existing table take the columns the rows add and the types they widen, which the policy and {@link
   * #wideningLimit} allow: at once, in changes that commit no data and keep the table's latest lakepipe properties
   * (its checkpoints), or in the write that follows, which then commits the rows and the new schema together.
   */
  protected abstract void evolveSchema(SchemaChanges changes);

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

  /** @throws SchemaEvolutionException see {@link TableWriter#checkSchema} */
  @Override
  public final void checkSchema(StructType rows) {
    if (reader.exists()) {
      changes(rows);
    }
  }

  /** @throws SchemaEvolutionException see {@link TableWriter#checkSchema} */
  @Override
  public final Commit append(Dataset<Row> rows, CommitContext context) {
    guarded(() -> writeAppend(evolved(rows), context));
    return committed(context);
  }

  /** @throws SchemaEvolutionException see {@link TableWriter#checkSchema} */
  @Override
  public final Commit overwrite(Dataset<Row> rows, CommitContext context) {
    guarded(() -> writeOverwrite(evolved(rows), context));
    return committed(context);
  }

  /**
   * @throws IllegalStateException when the layout has no partition columns
   * @throws SchemaEvolutionException see {@link TableWriter#checkSchema}
   */
  @Override
  public final Commit overwritePartitions(Dataset<Row> rows, CommitContext context) {
    layout.requirePartitionBy();
    guarded(() -> writeOverwritePartitions(evolved(rows), context));
    return committed(context);
  }

  /**
   * @throws IllegalStateException when the layout has no keys
   * @throws SchemaEvolutionException see {@link TableWriter#checkSchema}
   */
  @Override
  public final Commit upsert(Dataset<Row> rows, CommitContext context) {
    layout.requireKeys();
    // The rows hold one row per key, so into a new table an upsert is an append.
    if (reader.exists()) {
      guarded(() -> writeUpsert(evolved(rows), context));
    } else {
      guarded(() -> writeAppend(rows, context));
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
    guarded(() -> writeDelete(keys.selectExpr(columns.stream().map(SqlMerge::quote).toArray(String[]::new))
        .distinct(), context));
    return Optional.of(committed(context));
  }

  /**
   * @throws IllegalStateException when the layout has no keys
   * @throws SchemaEvolutionException see {@link TableWriter#checkSchema}
   */
  @Override
  public final Commit upsertAndDelete(Dataset<Row> rows, Dataset<Row> keys, CommitContext context) {
    return keyedWrite(rows, keys, context, this::writeUpsertAndDelete);
  }

  /**
   * @throws IllegalStateException when the layout has no keys
   * @throws SchemaEvolutionException see {@link TableWriter#checkSchema}
   */
  @Override
  public final Commit replaceKeys(Dataset<Row> rows, Dataset<Row> keys, CommitContext context) {
    return keyedWrite(rows, keys, context, this::writeReplaceKeys);
  }

  /**
   * Replaces the keys' rows and deletes the keys in one commit, into the existing table, as {@link
   * TableWriter#replaceKeys} says; {@code keys} holds only the key columns, each key once. By default {@link
   * #writeUpsertAndDelete}.
   */
  protected void writeReplaceKeys(Dataset<Row> rows, Dataset<Row> keys, CommitContext context) {
    writeUpsertAndDelete(rows, keys, context);
  }

  @FunctionalInterface
  private interface KeyedWrite {
    void write(Dataset<Row> rows, Dataset<Row> keys, CommitContext context);
  }

  private Commit keyedWrite(Dataset<Row> rows, Dataset<Row> keys, CommitContext context, KeyedWrite write) {
    List<String> columns = layout.requireKeys();
    if (!upsertsAndDeletesAtOnce()) {
      throw new UnsupportedOperationException("this format cannot upsert and delete in one commit");
    }
    if (reader.exists()) {
      guarded(() -> write.write(evolved(rows),
          keys.selectExpr(columns.stream().map(SqlMerge::quote).toArray(String[]::new)).distinct(), context));
    } else {
      guarded(() -> writeAppend(rows, context));
    }
    return committed(context);
  }

  /**
   * Whether a write failed because the format refused its commit for a concurrent commit that conflicts with it
   * (and committed nothing of it); formats that detect conflicts override it.
   */
  protected boolean isCommitConflict(Throwable failure) {
    return false;
  }

  /** @throws CommitConflictException when the format refused the write's commit for a conflicting one */
  private void guarded(Runnable write) {
    try {
      write.run();
    } catch (RuntimeException e) {
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (isCommitConflict(cause)) {
          throw new CommitConflictException(address, cause);
        }
      }
      throw e;
    }
  }

  /**
   * The rows to write into the table as it is, which first takes the changes the policy allows; a table that does not
   * exist yet takes the rows' schema as it is.
   */
  private Dataset<Row> evolved(Dataset<Row> rows) {
    if (!reader.exists()) {
      return rows;
    }
    SchemaChanges changes = changes(rows.schema());
    if (changes.changesTable()) {
      evolveSchema(changes);
    }
    return changes.conform(rows);
  }

  private SchemaChanges changes(StructType rows) {
    SchemaChanges changes = SchemaChanges.between(reader.schema(), rows);
    List<String> refusals = changes.refusals(layout.schemaEvolution(), this::wideningLimit);
    if (!refusals.isEmpty()) {
      throw new SchemaEvolutionException(address, layout.schemaEvolution(), refusals);
    }
    return changes;
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
