package dev.lakepipe.training;

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
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Exports of a training set: the same commit gives the same files, also after the table moved on; a pinned export
 * keeps its commit through table maintenance until it is released.
 */
class ExportTest {
  /** The export that ci/test-training-export.sh loads with PyTorch after the build. */
  static final Path FOR_PYTHON = Path.of("target/training-export");

  @Test
  void sameCommitGivesTheSameFilesAndAPinKeepsItsHistoryUntilReleased() throws IOException {
    TrainingPipeline p = TrainingSetTest.pipeline("export");
    p.run("full", 0);
    deleteTree(FOR_PYTHON);
    String out = p.lakepipe(List.of("export", TrainingSetTest.SPEC, "--target", "training", "--to",
        FOR_PYTHON.toString(), "--pin"), 0);
    assertTrue(out.contains("exported 4 rows of training") && out.contains("pinned"), out);
    JsonNode manifest = manifest(FOR_PYTHON);
    String commit = manifest.at("/table/commit").asText();
    assertEquals(4, manifest.get("rows").asInt());
    assertEquals("[\"impression_id\",\"user_id\",\"label_time\",\"ordered\",\"seq_item_id\",\"seq_length\","
        + "\"clicks_7d\",\"segment\"]", names(manifest));
    assertEquals("[4,2]", manifest.at("/columns/4/shape").toString());
    assertEquals("{\"values\":\"clicks_7d.npy\",\"valid\":\"clicks_7d.valid.npy\"}",
        manifest.at("/columns/6/files").toString());
    // Rows ordered by impression: clicks 6.0, 1.0, then two nulls written as zeros.
    assertArrayEquals(new double[] {6.0, 1.0, 0.0, 0.0}, doubles(FOR_PYTHON.resolve("clicks_7d.npy"), 4));

    Path again = TestSpark.newFolder("export-again-");
    p.lakepipe(List.of("export", TrainingSetTest.SPEC, "--target", "training", "--to", again.toString()), 0);
    assertSameFiles(FOR_PYTHON, again);

    // The table moves on; the old commit still exports the same files.
    p.upsert("labels", TrainingSetTest.label(5, "u1", 9, true));
    p.run("full", 1);
    Path pinned = TestSpark.newFolder("export-pinned-");
    p.lakepipe(List.of("export", TrainingSetTest.SPEC, "--target", "training", "--to", pinned.toString(),
        "--commit", commit), 0);
    assertSameFiles(FOR_PYTHON, pinned);
    Path latest = TestSpark.newFolder("export-latest-");
    p.lakepipe(List.of("export", TrainingSetTest.SPEC, "--target", "training", "--to", latest.toString()), 0);
    assertEquals(5, manifest(latest).get("rows").asInt());
    assertNotEquals(manifest.get("checksum"), manifest(latest).get("checksum"));

    // Maintenance keeps one commit by the spec, but the pin holds the exported one.
    String held = p.lakepipe(List.of("maintain", TrainingSetTest.SPEC), 0);
    assertTrue(held.contains("held by export " + FOR_PYTHON.toAbsolutePath().normalize())
        && held.contains("kept: history from commit " + commit + " on"), held);
    String released = p.lakepipe(List.of("export", "--release", FOR_PYTHON.toString(), "--set", "warehouse="
        + TestSpark.warehouse()), 0);
    assertTrue(released.contains("released pins"), released);
    String free = p.lakepipe(List.of("maintain", TrainingSetTest.SPEC), 0);
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
}
