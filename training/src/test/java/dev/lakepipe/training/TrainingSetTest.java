package dev.lakepipe.training;

import static dev.lakepipe.training.TrainingPipeline.at;
import static dev.lakepipe.training.TrainingPipeline.hours;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Point-in-time training sets on Delta: feature values written after a label's time (leakage, on purpose) never
 * reach it; the latest value at or before the label's time does, unless it is older than the ttl.
 */
class TrainingSetTest {
  static final String SPEC = "src/test/resources/specs/training-set.conf";
  static final StructType LABELS = new StructType().add("impression_id", DataTypes.LongType, false)
      .add("user_id", DataTypes.StringType).add("label_time", DataTypes.TimestampType)
      .add("ordered", DataTypes.BooleanType);
  static final StructType STATS = new StructType().add("user_id", DataTypes.StringType, false)
      .add("feature_time", DataTypes.TimestampType, false).add("clicks_7d", DataTypes.DoubleType);
  static final StructType PROFILE = new StructType().add("user_id", DataTypes.StringType, false)
      .add("feature_time", DataTypes.TimestampType, false).add("segment", DataTypes.StringType);

  /** The sources of the spec, written into tables of the format; no run yet. */
  static TrainingPipeline pipeline(String name) {
    TrainingPipeline p = new TrainingPipeline("delta", name, SPEC, List.of("training"))
        .source("labels", LABELS).source("events", SequenceTest.EVENTS)
        .source("user_stats", STATS, List.of("user_id", "feature_time"))
        .source("user_profile", PROFILE, List.of("user_id", "feature_time"));
    p.upsert("labels", label(1, "u1", 6, true), label(2, "u1", 3, false), label(3, "u2", 30, true),
        label(4, "u3", 2, false));
    p.upsert("events", new Object[] {1L, "u1", "view", 10L, "a", at(1)}, new Object[] {2L, "u1", "view", 11L, "b",
        at(4)}, new Object[] {3L, "u2", "view", 20L, "c", at(29)}, new Object[] {4L, "u1", "view", 12L, "a", at(7)});
    // Leakage on purpose: u1's clicks at 10h and segment at 8h, u2's clicks at 31h, all after their labels.
    p.upsert("user_stats", stat("u1", 1, 1.0), stat("u1", 6, 6.0), stat("u1", 10, 100.0), stat("u2", 0.5, 2.0),
        stat("u2", 31, 300.0));
    p.upsert("user_profile", profile("u1", 0, "new"), profile("u1", 8, "loyal"), profile("u2", 0, "casual"),
        profile("u2", 29, "regular"));
    return p;
  }

  @Test
  void featuresAsOfEachLabelNeverLaterAndWithinTheTtl() {
    TrainingPipeline p = pipeline("pit");
    String plan = p.lakepipe(List.of("plan", SPEC), 0);
    assertTrue(plan.contains("training-set") && plan.contains("incremental: by affected keys of entity user_id"),
        plan);
    p.run("full", 0);
    // Label 1 at 6h takes the clicks written at 6h itself; label 3's clicks of 0.5h are older than a day.
    assertEquals(List.of(
            "1|u1|6.0|true|[11, 10]|6.0|new",
            "2|u1|3.0|false|[10]|1.0|new",
            "3|u2|30.0|true|[20]|null|regular",
            "4|u3|2.0|false|[]|null|null"),
        p.table("training").select("impression_id", "user_id", "label_time", "ordered", "seq_item_id", "clicks_7d",
            "segment").collectAsList().stream().map(TrainingSetTest::render).sorted().toList());
  }

  static Object[] label(long id, String user, double hour, boolean ordered) {
    return new Object[] {id, user, at(hour), ordered};
  }

  static Object[] stat(String user, double hour, double clicks) {
    return new Object[] {user, at(hour), clicks};
  }

  private static Object[] profile(String user, double hour, String segment) {
    return new Object[] {user, at(hour), segment};
  }

  private static String render(Row row) {
    return row.getLong(0) + "|" + row.getString(1) + "|" + hours(row.<Timestamp>getAs(2)) + "|" + row.get(3) + "|"
        + row.getList(4) + "|" + row.get(5) + "|" + row.get(6);
  }
}
