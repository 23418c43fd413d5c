package dev.lakepipe.training;

import static dev.lakepipe.training.TrainingPipeline.at;
import static dev.lakepipe.training.TrainingPipeline.hours;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakepipe.testing.TestSpark;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Point-in-time training sets on Delta: feature values written after a label's time (leakage, on purpose) never
 * reach it; the latest value at or before the label's time does, unless it is older than the ttl. Then exports of
 * the set, on the same tables.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrainingSetTest {
  static final String SPEC = "src/test/resources/specs/training-set.conf";
  static final StructType LABELS = new StructType().add("impression_id", DataTypes.LongType, false)
      .add("user_id", DataTypes.StringType).add("label_time", DataTypes.TimestampType)
      .add("ordered", DataTypes.BooleanType);
  static final StructType STATS = new StructType().add("user_id", DataTypes.StringType, false)
      .add("feature_time", DataTypes.TimestampType, false).add("clicks_7d", DataTypes.DoubleType);
  static final StructType PROFILE = new StructType().add("user_id", DataTypes.StringType, false)
      .add("feature_time", DataTypes.TimestampType, false).add("segment", DataTypes.StringType);

  /** The sources of the spec, written into Delta tables; no run yet. */
  private static TrainingPipeline pipeline(String name) {
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

  private static TrainingPipeline shared;

  @BeforeAll
  static void fullRun() {
    shared = pipeline("pit");
    shared.run("full", 0);
  }

  @Test
  @Order(1)
  void featuresAsOfEachLabelNeverLaterAndWithinTheTtl() {
    TrainingPipeline p = shared;
    String plan = p.lakepipe(List.of("plan", SPEC), 0);
    assertTrue(plan.contains("training-set") && plan.contains("incremental: by affected keys of entity user_id"),
        plan);
    // Label 1 at 6h takes the clicks written at 6h itself; label 3's clicks of 0.5h are older than a day.
    assertEquals(List.of(
            "1|u1|6.0|true|[11, 10]|6.0|new",
            "2|u1|3.0|false|[10]|1.0|new",
            "3|u2|30.0|true|[20]|null|regular",
            "4|u3|2.0|false|[]|null|null"),
        p.table("training").select("impression_id", "user_id", "label_time", "ordered", "seq_item_id", "clicks_7d",
            "segment").collectAsList().stream().map(TrainingSetTest::render).sorted().toList());
  }

  /** The export that ci/test-training-export.sh loads with PyTorch after the build. */
  static final Path FOR_PYTHON = Path.of("target/training-export");

  /**
   * Exports: the same commit gives the same files, also after the table moved on; a pinned export keeps its commit
   * through table maintenance until it is released.
   */
  @Test
  @Order(2)
  void sameCommitGivesTheSameFilesAndAPinKeepsItsHistoryUntilReleased() throws IOException {
    TrainingPipeline p = shared;
    deleteTree(FOR_PYTHON);
    String out = p.lakepipe(List.of("export", SPEC, "--target", "training", "--to",
        FOR_PYTHON.toString(), "--pin"), 0);
    assertTrue(out.contains("exported 4 rows of training") && out.contains("pinned"), out);
    JsonNode manifest = manifest(FOR_PYTHON);
    String commit = manifest.at("/table/commit").asText();
    assertEquals(4, manifest.get("rows").asInt());
    // Each source table was written once: the run read version 0 of each.
    assertEquals("{\"events\":\"0\",\"labels\":\"0\",\"user_profile\":\"0\",\"user_stats\":\"0\"}",
        manifest.get("sources").toString());
    assertEquals("[\"impression_id\",\"user_id\",\"label_time\",\"ordered\",\"seq_item_id\",\"seq_length\","
        + "\"clicks_7d\",\"segment\"]", names(manifest));
    assertEquals("[4,2]", manifest.at("/columns/4/shape").toString());
    assertEquals("{\"valid\":\"clicks_7d.valid.npy\",\"values\":\"clicks_7d.npy\"}",
        manifest.at("/columns/6/files").toString());
    // Rows ordered by impression: clicks 6.0, 1.0, then two nulls written as zeros.
    assertArrayEquals(new double[] {6.0, 1.0, 0.0, 0.0}, doubles(FOR_PYTHON.resolve("clicks_7d.npy"), 4));

    Path again = TestSpark.newFolder("export-again-");
    p.lakepipe(List.of("export", SPEC, "--target", "training", "--to", again.toString()), 0);
    assertSameFiles(FOR_PYTHON, again);

    // The table moves on; the old commit still exports the same files.
    p.upsert("labels", label(5, "u1", 9, true));
    p.run("full", 1);
    Path pinned = TestSpark.newFolder("export-pinned-");
    p.lakepipe(List.of("export", SPEC, "--target", "training", "--to", pinned.toString(),
        "--commit", commit), 0);
    assertSameFiles(FOR_PYTHON, pinned);
    Path latest = TestSpark.newFolder("export-latest-");
    p.lakepipe(List.of("export", SPEC, "--target", "training", "--to", latest.toString()), 0);
    assertEquals(5, manifest(latest).get("rows").asInt());
    assertNotEquals(manifest.get("checksum"), manifest(latest).get("checksum"));

    // Maintenance keeps one commit by the spec, but the pin holds the exported one.
    String held = p.lakepipe(List.of("maintain", SPEC), 0);
    assertTrue(held.contains("held by export " + FOR_PYTHON.toAbsolutePath().normalize())
        && held.contains("kept: history from commit " + commit + " on"), held);
    String released = p.lakepipe(List.of("export", "--release", FOR_PYTHON.toString(), "--set", "warehouse="
        + TestSpark.warehouse()), 0);
    assertTrue(released.contains("released pins"), released);
    String free = p.lakepipe(List.of("maintain", SPEC), 0);
    assertFalse(free.contains("held by export"), free);
  }

  private static JsonNode manifest(Path dir) throws IOException {
    return new ObjectMapper().readTree(dir.resolve(TrainingExport.MANIFEST).toFile());
  }

  private static String names(JsonNode manifest) {
    StringBuilder out = new StringBuilder("[");
    manifest.get("columns").forEach(c -> out.append(out.length() > 1 ? "," : "").append(c.get("name")));
    return out.append("]").toString();
  }

  /** The manifests are equal byte for byte, and so is every file they list. */
  private static void assertSameFiles(Path expected, Path actual) throws IOException {
    assertEquals(Files.readString(expected.resolve(TrainingExport.MANIFEST), StandardCharsets.UTF_8),
        Files.readString(actual.resolve(TrainingExport.MANIFEST), StandardCharsets.UTF_8));
    Iterator<String> files = manifest(expected).get("files").fieldNames();
    while (files.hasNext()) {
      String file = files.next();
      assertArrayEquals(Files.readAllBytes(expected.resolve(file)), Files.readAllBytes(actual.resolve(file)), file);
    }
  }

  /** The values of a little-endian float64 .npy file of {@code count} values (its data ends the file). */
  private static double[] doubles(Path npy, int count) throws IOException {
    ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(npy)).order(ByteOrder.LITTLE_ENDIAN);
    double[] values = new double[count];
    int start = data.capacity() - 8 * count;
    for (int i = 0; i < count; i++) {
      values[i] = data.getDouble(start + 8 * i);
    }
    return values;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      }
    }
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
