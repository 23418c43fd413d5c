package dev.lakepipe.quality;

import static dev.lakepipe.quality.QualityFixtures.T0;
import static dev.lakepipe.quality.QualityFixtures.badOrders;
import static dev.lakepipe.quality.QualityFixtures.checks;
import static dev.lakepipe.quality.QualityFixtures.cleanOrders;
import static dev.lakepipe.quality.QualityFixtures.newHistory;
import static dev.lakepipe.quality.QualityFixtures.runner;
import static dev.lakepipe.quality.QualityFixtures.spark;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.quality.CheckResult.Status;
import dev.lakepipe.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.util.QueryExecutionListener;
import org.junit.jupiter.api.Test;
import scala.collection.JavaConverters;

class QualityRunnerTest {

  @Test
  void everyKindPassesOnCleanData() {
    QualityReport report = runner(newHistory("clean")).verify(cleanOrders(), checks(), T0);

    for (CheckResult result : report.results()) {
      assertEquals(Status.PASSED, result.status(), result::toString);
    }
    assertFalse(report.blocksPublish());
    assertEquals(List.of(), report.failures());
    assertEquals(OptionalDouble.of(1.0), report.result("customer_exists").value());
    assertEquals("Completeness(customer_id) = 1.0, expected >= 1.0", report.result("customer_complete").message());
    assertEquals("Size(*) = 10.0, expected [5, 10]", report.result("row_count").message());
  }

  @Test
  void everyKindFailsWithTheExactMetricAndBound() {
    QualityReport report = runner(newHistory("bad")).verify(badOrders(), checks(), T0);

    assertResult(report, "customer_complete", Status.FAILED, "Completeness(customer_id)", 0.9, ">= 1.0");
    assertResult(report, "order_id_unique", Status.FAILED, "Uniqueness(order_id)", 0.8, "== 1.0");
    assertResult(report, "status_known", Status.FAILED, "Compliance(status_known)", 0.9, ">= 1.0");
    assertResult(report, "amount_non_negative", Status.FAILED, "Compliance(amount_non_negative)", 0.9, ">= 1.0");
    assertResult(report, "amount_range", Status.FAILED, "Compliance(amount_range)", 0.8, ">= 1.0");
    assertResult(report, "email_pattern", Status.FAILED, "Compliance(email_pattern)", 0.9, ">= 1.0");
    assertResult(report, "row_count", Status.PASSED, "Size(*)", 10.0, "[5, 10]");
    assertResult(report, "amount_small", Status.FAILED, "Compliance(amount_small)", 0.9, ">= 1.0");
    assertResult(report, "customer_exists", Status.FAILED, "Compliance(customer_exists)", 0.9, ">= 1.0");

    assertEquals("Uniqueness(order_id) = 0.8, expected == 1.0", report.result("order_id_unique").message());
    assertTrue(report.blocksPublish());
    assertEquals(8, report.failures().size());
    assertEquals(Check.Level.WARN, report.result("amount_range").level());
    assertFalse(report.result("amount_range").blocksPublish(), "a warn check only reports");
    assertTrue(report.result("customer_complete").blocksPublish());
    // The referential join kept the rows: the reference has c4 twice.
    assertEquals(10.0, report.metrics().get("Size(*)"));
    assertEquals(0.9, report.metrics().get("Completeness(customer_id)"));
  }

  @Test
  void rowCountAndFractionBoundsFailAndPassOnTheExactValue() {
    List<Check> checks = List.of(
        Check.error("too_few").rowCount(11, Long.MAX_VALUE),
        Check.error("too_many").rowCount(0, 9),
        Check.warn("mostly_complete").completeness("customer_id", 0.9),
        Check.warn("mostly_known").allowedValues("status", List.of("created", "paid", "shipped"), 0.9),
        Check.warn("mostly_small").range("amount", 0, 50, 0.81),
        Check.warn("mostly_exists").referential("customer_id", "customers", "id", 0.9),
        Check.warn("mostly_true").predicate("amount <= 50", 0.9));
    QualityReport report = runner(newHistory("bounds")).verify(badOrders(), checks, T0);

    assertResult(report, "too_few", Status.FAILED, "Size(*)", 10.0, ">= 11");
    assertResult(report, "too_many", Status.FAILED, "Size(*)", 10.0, "[0, 9]");
    assertResult(report, "mostly_complete", Status.PASSED, "Completeness(customer_id)", 0.9, ">= 0.9");
    assertResult(report, "mostly_known", Status.PASSED, "Compliance(mostly_known)", 0.9, ">= 0.9");
    assertResult(report, "mostly_small", Status.FAILED, "Compliance(mostly_small)", 0.8, ">= 0.81");
    assertResult(report, "mostly_exists", Status.PASSED, "Compliance(mostly_exists)", 0.9, ">= 0.9");
    assertResult(report, "mostly_true", Status.PASSED, "Compliance(mostly_true)", 0.9, ">= 0.9");
    assertEquals("Size(*) = 10.0, expected >= 11", report.result("too_few").message());
    assertTrue(report.blocksPublish());
  }

  @Test
  void noRowsSkipsTheRatiosAndStillCountsRows() {
    Dataset<Row> empty = badOrders().limit(0);
    QualityReport report = runner(newHistory("empty")).verify(empty, checks(), T0);

    assertResult(report, "row_count", Status.FAILED, "Size(*)", 0.0, "[5, 10]");
    CheckResult completeness = report.result("customer_complete");
    assertEquals(Status.SKIPPED, completeness.status());
    assertEquals(OptionalDouble.empty(), completeness.value());
    assertEquals("skipped: Completeness(customer_id) has no value, there were no rows to measure",
        completeness.message());
    for (String name : List.of("status_known", "amount_range", "email_pattern", "amount_small",
        "customer_exists")) {
      assertEquals(Status.SKIPPED, report.result(name).status(), name);
    }
  }

  @Test
  void aCheckThatCannotRunFailsAloneAndTheOthersStillRun() {
    List<Check> checks = List.of(
        Check.warn("no_such_column").completeness("coupon"),
        Check.error("bad_predicate").predicate("amount >>> 3"),
        Check.error("not_boolean").predicate("amount + 1"),
        Check.error("unknown_table").referential("customer_id", "suppliers", "id"),
        Check.error("customer_complete").completeness("customer_id", 0.9));
    QualityReport report = runner(newHistory("broken")).verify(badOrders(), checks, T0);

    assertEquals(Status.FAILED, report.result("no_such_column").status());
    assertTrue(report.result("no_such_column").message().startsWith("check cannot run: "),
        report.result("no_such_column").message());
    assertTrue(report.result("no_such_column").message().contains("coupon"));
    assertEquals(Status.FAILED, report.result("bad_predicate").status());
    assertEquals("check cannot run: the condition is not boolean but double",
        report.result("not_boolean").message());
    assertEquals("check cannot run: no table suppliers", report.result("unknown_table").message());
    assertResult(report, "customer_complete", Status.PASSED, "Completeness(customer_id)", 0.9, ">= 0.9");
  }

  @Test
  void aReferenceCanBeTheCheckedDataItself() {
    Dataset<Row> orders = badOrders().selectExpr("order_id", "CASE WHEN order_id > 8 THEN order_id - 1 "
        + "WHEN order_id = 4 THEN 99 END AS parent_id");
    QualityReport report = QualityRunner.create(spark(), newHistory("self")).withReferences(table -> orders)
        .verify(orders, List.of(Check.error("parent_exists").referential("parent_id", "orders", "order_id"),
            Check.error("rows").rowCount(10, 10)), T0);

    // Parents 8 and 9 exist, 99 does not, the other seven rows have no parent.
    assertResult(report, "parent_exists", Status.FAILED, "Compliance(parent_exists)", 0.9, ">= 1.0");
    assertResult(report, "rows", Status.PASSED, "Size(*)", 10.0, "[10, 10]");
  }

  @Test
  void checkNamesMustBeUnique() {
    List<Check> checks = List.of(Check.warn("x").completeness("order_id"), Check.error("x").uniqueness("order_id"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> runner(newHistory("dup")).verify(cleanOrders(), checks, T0));
    assertEquals("two checks are named x", e.getMessage());
  }

  /**
   * The one-pass claim, measured on Parquet input: the records Spark reads from the files and the jobs it runs while
   * the runner verifies every scan-shareable kind (plus an anomaly metric), against the same checks as separate
   * queries.
   */
  @Test
  void allScanShareableChecksReadTheDataOnce() throws Exception {
    Path folder = TestSpark.newFolder("one-pass-");
    spark().range(1000).selectExpr("id AS order_id", "CAST(id % 7 AS STRING) AS customer_id",
            "CASE WHEN id % 3 = 0 THEN 'paid' ELSE 'created' END AS status", "CAST(id AS DOUBLE) AS amount",
            "concat('u', id, '@shop.io') AS email")
        .write().parquet(folder.resolve("orders").toString());
    Dataset<Row> orders = spark().read().parquet(folder.resolve("orders").toString());
    List<Check> checks = List.of(
        Check.error("customer_complete").completeness("customer_id"),
        Check.error("status_known").allowedValues("status", List.of("created", "paid")),
        Check.error("amount_range").range("amount", 0, 999),
        Check.error("email_pattern").pattern("email", "^u\\d+@shop\\.io$"),
        Check.error("row_count").rowCount(1000, 1000),
        Check.error("amount_small").predicate("amount < 1000"),
        Check.warn("size_trend").rateOfChange(MetricId.size(), 0.5, 24));
    QualityRunner runner = QualityRunner.create(spark(), newHistory("one-pass"));

    Scan pass = Scan.of(() -> runner.verify(orders, checks, T0));
    assertEquals(1, pass.queries, "one query (Deequ's aggregation) for all metrics");
    assertEquals(1000, pass.recordsRead, "every row read once");
    // Adaptive query execution runs the aggregation's shuffle stage as a job of its own.
    assertEquals(2, pass.jobs);

    Scan separate = Scan.of(() -> {
      orders.where("customer_id IS NULL").count();
      orders.where("status NOT IN ('created', 'paid')").count();
      orders.where("amount < 0 OR amount > 999").count();
      orders.where("NOT email RLIKE '^u\\\\d+@shop\\\\.io$'").count();
      orders.count();
      orders.where("NOT (amount < 1000)").count();
    });
    assertEquals(6, separate.queries);
    // Parquet statistics let some of the filters skip the file, and still they read more than the one pass.
    assertTrue(separate.recordsRead > pass.recordsRead, () -> "separate queries read " + separate.recordsRead);

    // Uniqueness is not scan-shareable: Deequ 2.0.7 counts the rows with non-null keys and aggregates the grouped
    // frequencies, two more queries over the data. The other metrics still share one scan.
    List<Check> withUniqueness = new ArrayList<>(checks);
    withUniqueness.add(Check.error("order_id_unique").uniqueness("order_id"));
    Scan withGrouping = Scan.of(() -> runner.verify(orders, withUniqueness, T0.plusSeconds(3600)));
    assertEquals(3, withGrouping.queries);
    assertEquals(3000, withGrouping.recordsRead);
  }

  @Test
  void metricsAreStoredPerLogicalTimeSoABackfillFillsTheHistoryInOrder() {
    FileMetricsHistory history = newHistory("backfill");
    QualityRunner runner = runner(history);
    List<Check> checks = List.of(Check.warn("customer_complete").completeness("customer_id"),
        Check.warn("size_trend").rateOfChange(MetricId.size(), 0.5, 1));
    for (int hour = 0; hour < 4; hour++) {
      runner.verify(cleanOrders().limit(6 + hour), checks, T0.plus(Duration.ofHours(hour)));
    }

    assertTrue(Files.isRegularFile(Path.of(history.location())), history.location());
    assertTrue(history.location().endsWith("/_lakepipe/quality/orders/backfill/metrics.json"));
    assertEquals(List.of(point(0, 6), point(1, 7), point(2, 8), point(3, 9)), history.points(MetricId.size()));
    assertEquals(4, history.points("Completeness(customer_id)").size());
    assertEquals(List.of("Completeness(customer_id)", "Size(*)"), List.copyOf(history.metrics()));

    // A rerun of hour 2 replaces its point; a late backfill of hour -1 lands first.
    QualityReport rerun = runner.verify(cleanOrders().limit(3), checks, T0.plus(Duration.ofHours(2)));
    runner.verify(cleanOrders().limit(5), checks, T0.minus(Duration.ofHours(1)));
    assertEquals(List.of(point(-1, 5), point(0, 6), point(1, 7), point(2, 3), point(3, 9)),
        history.points(MetricId.size()));
    // The rerun of hour 2 was judged against hours 0 and 1 only, not against hour 3.
    assertEquals("Size(*) = 3.0: anomaly against 2 earlier points: [AbsoluteChangeStrategy]: Change of "
        + (3.0 / 7.0) + " is not in bounds [0.5, 1.7976931348623157E308]. Order=1",
        rerun.result("size_trend").message());
    assertEquals(Map.of("Completeness(customer_id)", 1.0, "Size(*)", 3.0), rerun.metrics());
  }

  @Test
  void anomalyChecksWithTooLittleHistoryAreSkippedWithANote() {
    QualityRunner runner = runner(newHistory("young"));
    List<Check> checks = List.of(
        Check.error("same_hour_yesterday").rateOfChange(MetricId.size(), 0.5, 24),
        Check.error("seasonal").holtWinters(MetricId.size()),
        Check.error("normal").onlineNormal(MetricId.size(), 3.0));

    QualityReport first = runner.verify(cleanOrders(), checks, T0);
    assertEquals("skipped: needs 24 earlier points of Size(*), found 0",
        first.result("same_hour_yesterday").message());
    for (int hour = 1; hour < 4; hour++) {
      runner.verify(cleanOrders(), checks, T0.plus(Duration.ofHours(hour)));
    }
    QualityReport later = runner.verify(cleanOrders().limit(1), checks, T0.plus(Duration.ofHours(4)));

    for (CheckResult result : later.results()) {
      assertEquals(Status.SKIPPED, result.status(), result::toString);
      assertEquals(OptionalDouble.of(1.0), result.value());
    }
    assertEquals("skipped: needs 48 earlier points of Size(*), found 4", later.result("seasonal").message());
    assertEquals("skipped: needs 10 earlier points of Size(*), found 4", later.result("normal").message());
    assertFalse(later.blocksPublish());
  }

  private static MetricPoint point(int hour, double value) {
    return new MetricPoint(T0.plus(Duration.ofHours(hour)), value);
  }

  static void assertResult(QualityReport report, String name, Status status, String metric, double value,
      String bound) {
    CheckResult result = report.result(name);
    assertEquals(status, result.status(), result::toString);
    assertEquals(metric, result.metric(), name);
    assertEquals(OptionalDouble.of(value), result.value(), name);
    assertEquals(bound, result.bound(), name);
  }

  /**
   * The Spark SQL queries (actions), jobs and input records of one piece of work. Records and jobs are those of this
   * thread's job group; queries are counted by a {@link QueryExecutionListener} (the tests run one at a time).
   */
  static final class Scan extends SparkListener implements QueryExecutionListener {
    private final String group = "scan-" + System.nanoTime();
    private final AtomicLong queriesSeen = new AtomicLong();
    private final AtomicLong jobsSeen = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    private final Set<Integer> stages = ConcurrentHashMap.newKeySet();
    long queries;
    long jobs;
    long recordsRead;

    static Scan of(Runnable work) throws Exception {
      Scan scan = new Scan();
      SparkContext context = spark().sparkContext();
      context.addSparkListener(scan);
      spark().listenerManager().register(scan);
      context.setJobGroup(scan.group, "counted", false);
      try {
        work.run();
      } finally {
        context.clearJobGroup();
        context.listenerBus().waitUntilEmpty();
        spark().listenerManager().unregister(scan);
        context.removeSparkListener(scan);
      }
      scan.queries = scan.queriesSeen.get();
      scan.jobs = scan.jobsSeen.get();
      scan.recordsRead = scan.records.get();
      return scan;
    }

    @Override
    public void onSuccess(String funcName, QueryExecution qe, long durationNs) {
      queriesSeen.incrementAndGet();
    }

    @Override
    public void onFailure(String funcName, QueryExecution qe, Exception exception) {
      queriesSeen.incrementAndGet();
    }

    @Override
    public void onJobStart(SparkListenerJobStart jobStart) {
      if (group.equals(jobStart.properties().getProperty("spark.jobGroup.id"))) {
        jobsSeen.incrementAndGet();
        for (Object stage : JavaConverters.seqAsJavaList(jobStart.stageIds())) {
          stages.add((Integer) stage);
        }
      }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
      if (stages.contains(taskEnd.stageId()) && taskEnd.taskMetrics() != null) {
        records.addAndGet(taskEnd.taskMetrics().inputMetrics().recordsRead());
      }
    }
  }
}
