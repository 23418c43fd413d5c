package dev.lakepipe.training;

import static dev.lakepipe.training.TrainingPipeline.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Behaviour sequences on real Hudi, Delta and Iceberg tables: the last views and clicks of a user within the window
 * before each impression, newest first; an increment recomputes the users its new events and impressions name.
 */
class SequenceTest {
  static final StructType EVENTS = new StructType().add("event_id", DataTypes.LongType, false)
      .add("user_id", DataTypes.StringType).add("event_type", DataTypes.StringType)
      .add("item_id", DataTypes.LongType).add("category", DataTypes.StringType)
      .add("event_time", DataTypes.TimestampType);
  static final StructType IMPRESSIONS = new StructType().add("impression_id", DataTypes.LongType, false)
      .add("user_id", DataTypes.StringType).add("shown_at", DataTypes.TimestampType);

  @ParameterizedTest
  @ValueSource(strings = {"delta", "hudi", "iceberg"})
  void lastEventsBeforeEachRowNewestFirstMaintainedByEntity(String format) {
    TrainingPipeline p = new TrainingPipeline(format, "seq_" + format, "src/test/resources/specs/sequences.conf",
        List.of("user_sequences")).source("events", EVENTS).source("impressions", IMPRESSIONS);
    p.upsert("events",
        event(1, "u1", "view", 10, "a", 1), event(2, "u1", "click", 11, "b", 2), event(3, "u1", "cart", 12, "b", 2.5),
        event(4, "u1", "view", 13, "c", 4), event(5, "u1", "view", 14, "a", 5), event(6, "u2", "view", 20, "d", 1));
    p.upsert("impressions", new Object[] {101L, "u1", at(6)}, new Object[] {102L, "u1", at(3)},
        new Object[] {103L, "u2", at(2)}, new Object[] {104L, "u3", at(2)});
    String plan = p.lakepipe(List.of("plan", "src/test/resources/specs/sequences.conf"), 0);
    assertTrue(plan.contains("sequence") && plan.contains("incremental: by affected keys of entity user_id"), plan);

    p.run("full", 0);
    // 101 at 6h: the window keeps 3h..6h, the cart is no view or click; 102 at 3h: strictly before it.
    assertEquals(List.of("101|u1|[14, 13]|[a, c]|2", "102|u1|[11, 10]|[b, a]|2", "103|u2|[20]|[d]|1",
        "104|u3|[]|[]|0"), rows(p));

    // u2 clicks earlier still; u1 views at 6h (after impression 101: not in it) and has a new impression at 7h.
    p.upsert("events", event(7, "u2", "click", 21, "e", 0.5), event(8, "u1", "view", 15, "c", 6));
    p.upsert("impressions", new Object[] {105L, "u1", at(7)});
    String increment = p.run("incremental", 1);
    assertTrue(increment.contains("only rows of affected keys"), increment);
    assertEquals(List.of("101|u1|[14, 13]|[a, c]|2", "102|u1|[11, 10]|[b, a]|2", "103|u2|[20, 21]|[d, e]|2",
        "104|u3|[]|[]|0", "105|u1|[15, 14, 13]|[c, a, c]|3"), rows(p));
  }

  private static Object[] event(long id, String user, String type, long item, String category, double hour) {
    return new Object[] {id, user, type, item, category, at(hour)};
  }

  private static List<String> rows(TrainingPipeline p) {
    return p.table("user_sequences").select("impression_id", "user_id", "seq_item_id", "seq_category", "seq_length")
        .collectAsList().stream().map(SequenceTest::render).sorted().toList();
  }

  private static String render(Row row) {
    return row.getLong(0) + "|" + row.getString(1) + "|" + row.getList(2) + "|" + row.getList(3) + "|"
        + row.getInt(4);
  }
}
