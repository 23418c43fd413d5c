package dev.lakepipe.format;

import dev.lakepipe.spec.EngineSettings;
import dev.lakepipe.spec.FormatTraits;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * A table format behind lakepipe's one plugin boundary, found with {@link java.util.ServiceLoader}. This is
 * the only place where formats differ: nothing outside an implementation knows which format it talks to.
 *
 * <p>The descriptive methods (those of {@link FormatTraits}, {@link #addressing()} and {@link #sessionConf}) must
 * not touch Spark: spec validation calls them without a SparkSession, and without
 * Spark on the class path.
 */
public interface TableFormat extends FormatTraits {
  /**
   * For formats that {@link #acceptsSchema()}: the option of a source's {@link TableAddress} that holds its
   * declared schema, a Spark DDL string such as {@code id BIGINT, name STRING}.
   */
  String SCHEMA_OPTION = "schema";

  /**
   * For formats that {@link #supportsReadOptimized()}: the option of a source's {@link TableAddress} that says it
   * reads a merge-on-read table's base files only, when set to {@link dev.lakepipe.spec.QueryType#READ_OPTIMIZED}'s
   * spec name; absent, a source reads the snapshot.
   */
  String QUERY_TYPE_OPTION = "query-type";

  Addressing addressing();

  @Override
  default boolean catalogAddressed() {
    return addressing() == Addressing.CATALOG;
  }

  @Override
  default boolean isStream() {
    return addressing() == Addressing.OPTIONS;
  }

  /**
   * Spark session settings this format needs. {@code spark.sql.extensions} values of all formats are joined;
   * any other key must not clash with another format's.
   */
  Map<String, String> sessionConf(EngineSettings settings);

  /** A reader of one table; nothing is read until a method is called. */
  TableReader reader(SparkSession spark, TableAddress address);

  /** A writer of one table; nothing is written until a method is called. */
  TableWriter writer(SparkSession spark, TableAddress address, TableLayout layout);

  /**
   * The services of a table that a streaming query writes, run beside its writes for the query's lifetime; by
   * default {@link TableServices#IN_WRITES}. Nothing runs until a writer made with them has written.
   */
  default TableServices services(SparkSession spark, TableAddress address, TableLayout layout) {
    return TableServices.IN_WRITES;
  }

  /** A writer of one table whose services {@code services} runs (see {@link #services}); by default {@link #writer}. */
  default TableWriter writer(SparkSession spark, TableAddress address, TableLayout layout, TableServices services) {
    return writer(spark, address, layout);
  }

  /**
   * A maintainer of one table; nothing is done until a method is called.
   *
   * @throws UnsupportedOperationException when the format has no table maintenance
   */
  default TableMaintainer maintainer(SparkSession spark, TableAddress address) {
    throw new UnsupportedOperationException(name() + " has no table maintenance");
  }
}
