package dev.lakepipe.format;

/**
 * The table services (compaction, for one) of a table that one long-running writer, a streaming query, runs beside
 * its writes instead of in them: open for the query's lifetime, handed to each {@link
 * TableFormat#writer(org.apache.spark.sql.SparkSession, TableAddress, TableLayout, TableServices) writer} of its
 * micro-batches, and closed when the query has stopped.
 */
public interface TableServices extends AutoCloseable {
  /** Services that run in the writes, as a format's writer runs them by default. */
  TableServices IN_WRITES = () -> {};

  /**
   * Waits for the services under way. What a JVM stopped before left undone, the table's next writer finishes.
   *
   * @throws IllegalStateException when a service failed (the table's rows are as its writes committed them)
   */
  @Override
  void close();
}
