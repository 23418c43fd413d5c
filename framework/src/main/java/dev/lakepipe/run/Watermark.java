package dev.lakepipe.run;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;

import dev.lakepipe.format.Commit;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.spec.WatermarkSpec;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The event-time watermark of a streamed source in one micro-batch of one target: the newest event time of the rows
 * the target was written from, minus the delay. The newest event time is kept in the target's commit, next to the
 * batch's checkpoint ({@code lakepipe.checkpoint.<source>.max-event-time}), so a batch redone after a crash sees the
 * same watermark.
 */
final class Watermark {
  private static final String SUFFIX = ".max-event-time";

  private final String source;
  private final WatermarkSpec spec;
  private final Optional<Instant> newestBefore;

  private Watermark(String source, WatermarkSpec spec, Optional<Instant> newestBefore) {
    this.source = source;
    this.spec = spec;
    this.newestBefore = newestBefore;
  }

  /** The watermark of the batch after the target's latest commit. */
  static Watermark after(String source, WatermarkSpec spec, Optional<Commit> latest) {
    return new Watermark(source, spec, latest.flatMap(c -> CommitContext.checkpoint(c.properties(), source + SUFFIX))
        .map(Instant::parse));
  }

  /** Before the first written row there is none: nothing is late. */
  Optional<Instant> value() {
    return newestBefore.map(newest -> newest.minus(spec.delay()));
  }

  WatermarkSpec spec() {
    return spec;
  }

  /**
   * Whether a row is late: its event time is before the watermark (a null event time is not late).
   *
   * @throws IllegalArgumentException when the records have no such column, or it is not a timestamp
   */
  Column isLate(StructType records) {
    StructField field = Arrays.stream(records.fields()).filter(f -> f.name().equalsIgnoreCase(spec.column()))
        .findFirst().orElseThrow(() -> new IllegalArgumentException("the watermark column " + spec.column()
            + " is not a column of source " + source));
    if (!field.dataType().equals(DataTypes.TimestampType)) {
      throw new IllegalArgumentException("the watermark column " + spec.column() + " of source " + source + " is "
          + field.dataType().simpleString() + ", not a timestamp");
    }
    return value().map(w -> coalesce(col(spec.column()).lt(lit(Timestamp.from(w))), lit(false))).orElse(lit(false));
  }

  /** Why a late row is quarantined. */
  Column reason() {
    return concat(lit("late: " + spec.column() + " "), col(spec.column()).cast(DataTypes.StringType),
        lit(" is before the watermark " + value().map(Instant::toString).orElse("")));
  }

  /** The checkpoints that carry the newest event time into the commit, given the newest of this batch's rows. */
  Map<String, String> checkpoints(Optional<Instant> newestNow) {
    Optional<Instant> newest = newestNow.filter(n -> newestBefore.isEmpty() || n.isAfter(newestBefore.get()))
        .or(() -> newestBefore);
    return newest.map(n -> Map.of(source + SUFFIX, n.toString())).orElse(Map.of());
  }
}
