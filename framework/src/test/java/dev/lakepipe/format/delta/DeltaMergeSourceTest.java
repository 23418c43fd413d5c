package dev.lakepipe.format.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableWriter;
import dev.lakepipe.spec.Storage;
import dev.lakepipe.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Delta copies a MERGE's source before it merges (so that its two passes see the same rows) unless the source reads
 * only Delta tables; lakepipe's writer skips the copy when the rows are persisted, as an incremental run's are, and
 * leaves Delta's rule alone otherwise. Either way the table ends with the same rows. (Tables with deletion vectors
 * take upserts without a MERGE: {@link DeltaKeyReplacementTest}.)
 */
class DeltaMergeSourceTest {
  private static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.LongType, false)
      .add("status", DataTypes.StringType)
      .add("version", DataTypes.IntegerType);
  private static final String COPY_JOB = "materialize source";

  @Test
  void persistedRowsAreMergedWithoutACopyAndOtherRowsWithOne() throws IOException, TimeoutException {
    SparkSession spark = TestSpark.session();
    Path folder = TestSpark.newFolder("delta-merge-source-");
    TableWriter writer = TableFormats.get("delta").writer(spark,
        new TableAddress("orders", "merge.orders", Optional.of(folder.resolve("orders").toString()),
            Optional.empty(), Map.of()),
        new TableLayout(List.of("id"), Optional.of("version"), List.of(), Storage.COPY_ON_WRITE));
    writer.upsert(spark.createDataFrame(List.of(RowFactory.create(1L, "created", 1),
        RowFactory.create(2L, "created", 1), RowFactory.create(3L, "created", 1)), SCHEMA), context(1));

    // A JSON file is not a Delta table: Delta's own rule copies a MERGE source that reads it.
    Path json = folder.resolve("changes.json");
    Files.writeString(json, "{\"id\": 1, \"status\": \"paid\", \"version\": 2}\n"
        + "{\"id\": 4, \"status\": \"created\", \"version\": 1}\n");
    Dataset<Row> read = spark.read().schema(SCHEMA).json(json.toString());
    Dataset<Row> persisted = read.persist();
    try {
      persisted.count();
      List<String> jobs = jobsOf(spark, () -> writer.upsert(persisted, context(2)));
      assertTrue(jobs.stream().noneMatch(job -> job.contains(COPY_JOB)), jobs.toString());
    } finally {
      persisted.unpersist();
    }
    assertEquals(List.of("1|paid|2", "2|created|1", "3|created|1", "4|created|1"), rows(spark, folder));

    Files.writeString(json, "{\"id\": 2, \"status\": \"shipped\", \"version\": 3}\n");
    List<String> jobs = jobsOf(spark, () -> writer.upsert(spark.read().schema(SCHEMA).json(json.toString()),
        context(3)));
    assertTrue(jobs.stream().anyMatch(job -> job.contains(COPY_JOB)), jobs.toString());
    assertEquals(List.of("1|paid|2", "2|shipped|3", "3|created|1", "4|created|1"), rows(spark, folder));
  }

  /** The descriptions of the Spark jobs that the work started. */
  private static List<String> jobsOf(SparkSession spark, Runnable work) throws TimeoutException {
    List<String> descriptions = new CopyOnWriteArrayList<>();
    SparkListener listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart job) {
        descriptions.add(job.properties().getProperty("spark.job.description", ""));
      }
    };
    spark.sparkContext().addSparkListener(listener);
    try {
      work.run();
      spark.sparkContext().listenerBus().waitUntilEmpty(60_000);
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
    return List.copyOf(descriptions);
  }

  private static List<String> rows(SparkSession spark, Path folder) {
    return spark.read().format("delta").load(folder.resolve("orders").toString()).orderBy("id").collectAsList()
        .stream().map(row -> row.get(0) + "|" + row.get(1) + "|" + row.get(2)).toList();
  }

  private static CommitContext context(int n) {
    return new CommitContext("writer", "write-" + n, Instant.parse("2026-11-22T00:00:00Z").plusSeconds(n));
  }
}
