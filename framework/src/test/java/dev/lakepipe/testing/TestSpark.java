package dev.lakepipe.testing;

import dev.lakepipe.run.SparkSessions;
import dev.lakepipe.spec.EngineSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/** The one SparkSession of a test JVM, over a fresh warehouse folder; every suite in the JVM shares it. */
public final class TestSpark {
  private static final Path WAREHOUSE = createWarehouse();
  private static SparkSession session;

  private TestSpark() {}

  private static Path createWarehouse() {
    try {
      Path root = Path.of(System.getProperty("lakepipe.test.tmp", "target/test-tmp"));
      Files.createDirectories(root);
      return Files.createTempDirectory(root.toAbsolutePath(), "warehouse-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The warehouse of this JVM's session. */
  public static Path warehouse() {
    return WAREHOUSE;
  }

  /** Settings for tests: two local cores, few shuffle partitions, no UI. */
  public static EngineSettings settings() {
    return new EngineSettings(
        WAREHOUSE.toString(),
        Optional.of("local[2]"),
        Optional.of("lakepipe-test"),
        Map.of(
            "spark.sql.shuffle.partitions", "2",
            "spark.default.parallelism", "2",
            "spark.ui.enabled", "false",
            "spark.sql.session.timeZone", "UTC",
            // Delta rebuilds table state in 50 tasks by default; tiny test tables need two.
            "spark.databricks.delta.snapshotPartitions", "2",
            "spark.driver.host", "127.0.0.1"),
        "lakepipe");
  }

  public static synchronized SparkSession session() {
    if (session == null) {
      session = SparkSessions.getOrCreate(settings());
    }
    return session;
  }

  /** A fresh folder under the warehouse for one test's tables. */
  public static Path newFolder(String prefix) {
    try {
      return Files.createTempDirectory(WAREHOUSE, prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
