package dev.lakepipe.format;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A {@link TableWriter} whose format upserts and deletes with SQL MERGE ({@link SqlMerge}), so that upserts and
 * deletes of one increment go into a single commit.
 */
public abstract class SqlMergeTableWriter extends AbstractTableWriter {
  private final SqlMerge merge;

  protected SqlMergeTableWriter(TableAddress address, TableReader reader, TableLayout layout, SqlMerge merge) {
    super(address, reader, layout);
    this.merge = merge;
  }

  @Override
  protected void writeUpsert(Dataset<Row> rows, CommitContext context) {
    merge.upsert(rows, context);
  }

  @Override
  protected final void writeDelete(Dataset<Row> keys, CommitContext context) {
    merge.delete(keys, context);
  }

  @Override
  public final boolean upsertsAndDeletesAtOnce() {
    return true;
  }

  @Override
  protected final void writeUpsertAndDelete(Dataset<Row> rows, Dataset<Row> keys, CommitContext context) {
    merge.upsertAndDelete(rows, keys, context);
  }
}
