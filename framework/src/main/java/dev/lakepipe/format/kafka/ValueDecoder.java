package dev.lakepipe.format.kafka;

import dev.lakepipe.format.StreamRecords;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.StructType;

/** How the values of a Kafka source's records become the source's columns, and why a value does not. */
interface ValueDecoder {
  /** The source's columns. */
  StructType schema();

  /**
   * A struct with at least the fields of {@link #schema()} from a record's binary {@code value}; malformed values
   * give a struct of nulls or null, never an error.
   */
  Column decode(Column value);

  /** The value as text, for {@link StreamRecords#RAW}. */
  Column raw(Column value);

  /** Why the value is malformed, given what {@link #decode} made of it; null for a good value. */
  Column rejection(Column value, Column decoded);
}
