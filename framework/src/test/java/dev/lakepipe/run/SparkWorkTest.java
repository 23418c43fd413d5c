package dev.lakepipe.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.testing.TestSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class SparkWorkTest {
  @Test
  void eachNodeCountsItsOwnJobsAndReadsWhenNodesRunSideBySide() throws Exception {
    SparkSession spark = TestSpark.session();
    String folder = TestSpark.newFolder("spark-work-").toString();
    String small = folder + "/small";
    String large = folder + "/large";
    spark.range(10).write().parquet(small);
    spark.range(1_000).repartition(3).write().parquet(large);

    ExecutorService threads = Executors.newFixedThreadPool(2);
    try (SparkWork work = SparkWork.listeningTo(spark.sparkContext())) {
      work.startsOver();
      // Both nodes read while the other one runs, each in its own thread.
      CountDownLatch bothStarted = new CountDownLatch(2);
      Future<Long> smallRows = threads.submit(() -> nodeThenNone(spark, () -> SparkWork.asNode(NodeResult.Kind.READ,
          "small", () -> {
            awaitOther(bothStarted);
            return (long) spark.read().parquet(small).collectAsList().size();
          })));
      Future<Long> evenRows = threads.submit(() -> nodeThenNone(spark, () -> SparkWork.asNode(NodeResult.Kind.WRITE,
          "large", () -> {
            awaitOther(bothStarted);
            // A node inside another counts apart, and the outer one is back afterwards.
            long inner = SparkWork.asNode(NodeResult.Kind.AUDIT, "large",
                () -> spark.read().parquet(small).filter("id % 2 = 1").count());
            assertEquals(5, inner);
            assertEquals("write large", spark.sparkContext().getLocalProperty(SparkWork.NODE_PROPERTY));
            return spark.read().parquet(large).filter("id % 2 = 0").count();
          })));
      assertEquals(10, smallRows.get(2, TimeUnit.MINUTES));
      assertEquals(500, evenRows.get(2, TimeUnit.MINUTES));
      // And a job of no node.
      assertEquals(10, spark.read().parquet(small).collectAsList().size());

      SparkWork.Tally tally = work.startsOver();
      assertEquals(Set.of("read small", "write large", "audit large"), tally.byNode().keySet());
      assertEquals(10, tally.of(NodeResult.Kind.READ, "small").rowsRead());
      assertEquals(1_000, tally.of(NodeResult.Kind.WRITE, "large").rowsRead(), "every row read, then filtered");
      assertEquals(10, tally.of(NodeResult.Kind.AUDIT, "large").rowsRead());
      assertEquals(10, tally.outsideNodes().rowsRead());
      assertEquals(1_030, tally.total().rowsRead());
      SparkWork.Work largeNode = tally.of(NodeResult.Kind.WRITE, "large");
      assertTrue(largeNode.tasks() >= 3, "a task per file at least: " + largeNode);
      assertTrue(largeNode.bytesRead() > tally.of(NodeResult.Kind.READ, "small").bytesRead(), tally.toString());
      for (SparkWork.Work each : List.of(tally.of(NodeResult.Kind.READ, "small"), largeNode,
          tally.of(NodeResult.Kind.AUDIT, "large"), tally.outsideNodes())) {
        assertTrue(each.jobs() >= 1 && each.bytesRead() > 0, tally.toString());
      }
      long nodeJobs = tally.byNode().values().stream().mapToLong(SparkWork.Work::jobs).sum();
      assertEquals(tally.total().jobs(), nodeJobs + tally.outsideNodes().jobs());

      // A node taken once is no longer among the nodes; the next tally starts from nothing.
      assertEquals(10, SparkWork.asNode(NodeResult.Kind.STEP, "again", () -> spark.read().parquet(small).count()));
      assertEquals(10, work.takeNode(NodeResult.Kind.STEP, "again").rowsRead());
      assertEquals(SparkWork.Work.NONE, work.takeNode(NodeResult.Kind.STEP, "again"));
      SparkWork.Tally next = work.startsOver();
      assertEquals(Set.of(), next.byNode().keySet());
      assertEquals(10, next.total().rowsRead());
      assertEquals(SparkWork.Work.NONE, work.startsOver().total());
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void eachNodeCountsTheFilesItsScansRead() throws Exception {
    SparkSession spark = TestSpark.session();
    Path folder = TestSpark.newFolder("spark-work-files-");
    String parquet = folder.resolve("parquet").toString();
    spark.range(100).repartition(3).write().parquet(parquet);
    String iceberg = "lakepipe.spark_work." + folder.getFileName().toString().replace('-', '_');
    spark.sql("CREATE TABLE " + iceberg + " (id BIGINT) USING iceberg");
    spark.sql("INSERT INTO " + iceberg + " VALUES (1), (2)");
    spark.sql("INSERT INTO " + iceberg + " VALUES (3)");
    long icebergFiles = spark.table(iceberg + ".files").count();
    assertTrue(icebergFiles >= 2, "a data file per commit at least");

    try (SparkWork work = SparkWork.listeningTo(spark.sparkContext())) {
      work.startsOver();
      assertEquals(100, SparkWork.asNode(NodeResult.Kind.READ, "parquet", () -> spark.read().parquet(parquet).count()));
      // Rows, not a count, which Iceberg answers from its metadata without a scan.
      assertEquals(3, SparkWork.asNode(NodeResult.Kind.READ, "iceberg",
          () -> spark.table(iceberg).collectAsList().size()));
      assertEquals(1, spark.read().parquet(parquet).where("id = 7").count());
      // The checkpoint's own query plans the scan and runs no job; the count's job reads the kept rows.
      assertEquals(100, SparkWork.asNode(NodeResult.Kind.READ, "kept",
          () -> DetachedRows.of(spark.read().parquet(parquet)).count()));

      SparkWork.Tally tally = work.startsOver();
      assertEquals(3, tally.of(NodeResult.Kind.READ, "parquet").filesRead(), tally.toString());
      assertEquals(3, tally.of(NodeResult.Kind.READ, "kept").filesRead(), tally.toString());
      assertEquals(icebergFiles, tally.of(NodeResult.Kind.READ, "iceberg").filesRead(), tally.toString());
      assertEquals(3, tally.outsideNodes().filesRead(), "a filter on a column that is not a partition prunes none");
      assertEquals(9 + icebergFiles, tally.total().filesRead());
      assertEquals(0, work.startsOver().total().filesRead(), "a query counts once");
    } finally {
      spark.sql("DROP TABLE IF EXISTS " + iceberg);
    }
  }

  /** What the node returned, once it has checked that its thread runs no node any more. */
  private static long nodeThenNone(SparkSession spark, Supplier<Long> node) {
    long result = node.get();
    assertEquals(null, spark.sparkContext().getLocalProperty(SparkWork.NODE_PROPERTY), "no node left set");
    return result;
  }

  private static void awaitOther(CountDownLatch bothStarted) {
    bothStarted.countDown();
    try {
      assertTrue(bothStarted.await(1, TimeUnit.MINUTES));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
