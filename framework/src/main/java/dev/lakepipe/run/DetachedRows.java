package dev.lakepipe.run;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.LogicalRDD;

/**
 * Rows that several queries read, kept by the executors (in memory, spilling to disk) and cut from the plan that
 * computed them: Spark's local checkpoint, filled by the first query that reads them. Every later query plans a scan
 * of the kept blocks, where over a cached relation it would carry the plan the relation caches: an hourly increment
 * that cached its rows ran three times the tasks and spent a third of its task time deserializing them. The price:
 * rows on a lost executor are gone and fail the query that reads them, where a cache would recompute them. So only
 * the small rows of increments and micro-batches are kept this way: a rerun of the logical time recomputes them.
 */
final class DetachedRows {
  private DetachedRows() {}

  /** The rows, kept once the first query over them has run. */
  static Dataset<Row> of(Dataset<Row> rows) {
    return rows.localCheckpoint(false);
  }

  /** Frees the blocks of rows kept by {@link #of}; other datasets are unpersisted. */
  static void release(Dataset<Row> rows) {
    if (rows.logicalPlan() instanceof LogicalRDD kept) {
      kept.rdd().unpersist(false);
    } else {
      rows.unpersist();
    }
  }
}
