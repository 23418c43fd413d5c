package dev.lakepipe.format;

import java.util.List;

/**
 * The columns a stream format adds to the rows of {@link TableReader#stream()} so that a streaming run can
 * quarantine malformed records with their origin, and measure how fresh its data is. A streaming run removes them
 * before the rows reach a step or a target.
 */
public final class StreamRecords {
  /** Where the record came from: {@code topic/partition/offset}. */
  public static final String POSITION = "_lakepipe_position";
  /** The record as it arrived, as text. */
  public static final String RAW = "_lakepipe_raw";
  /** Why the record is malformed; null for a record whose columns are good. */
  public static final String REJECTION = "_lakepipe_rejection";
  /** When the record entered the stream (the Kafka record timestamp), for lag and freshness. */
  public static final String EVENT_TIME = "_lakepipe_event_time";

  /** All of them. */
  public static final List<String> COLUMNS = List.of(POSITION, RAW, REJECTION, EVENT_TIME);

  private StreamRecords() {}
}
