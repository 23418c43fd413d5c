package dev.lakepipe.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.testing.TestSpark;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.execution.LogicalRDD;
import org.junit.jupiter.api.Test;

/**
 * Rows an increment detaches are computed once, read back from the kept blocks without the plan that computed them,
 * and their blocks are freed when the views close.
 */
class DetachedRowsTest {
  @Test
  void detachedRowsAreKeptWithoutTheirPlanUntilTheViewsClose() {
    SparkSession spark = TestSpark.session();
    int rddId;
    try (Views views = new Views(spark, RunOptions.of(Instant.parse("2026-11-22T00:00:00Z")))) {
      Dataset<Row> computed = spark.sql("SELECT id % 3 AS k, count(*) AS n FROM range(0, 30) GROUP BY id % 3");
      Dataset<Row> kept = views.detach(computed);

      LogicalRDD plan = (LogicalRDD) kept.logicalPlan();
      rddId = plan.rdd().id();
      assertEquals(List.of("0|10", "1|10", "2|10"), lines(kept));
      // Read again, and through a query of its own: the same rows, from the kept blocks.
      assertEquals(List.of("0|10", "1|10", "2|10"), lines(kept));
      assertEquals(30L, kept.agg(functions.sum("n")).head().getLong(0));
      assertTrue(spark.sparkContext().getPersistentRDDs().contains(rddId), "kept while the views are open");
      assertTrue(plan.rdd().isCheckpointed(), "cut from its plan once computed");
    }
    assertFalse(spark.sparkContext().getPersistentRDDs().contains(rddId), "freed when the views close");
  }

  private static List<String> lines(Dataset<Row> rows) {
    return rows.orderBy("k").collectAsList().stream().map(r -> r.get(0) + "|" + r.get(1)).toList();
  }
}
