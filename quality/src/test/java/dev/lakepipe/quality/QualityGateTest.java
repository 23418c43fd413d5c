package dev.lakepipe.quality;

import static dev.lakepipe.quality.GateFixture.lakepipe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.testing.TestSpark;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Checks declared in a spec gate a full run into a Delta table: each kind passes on clean orders, and each fails on
 * crafted orders with its exact metric, exit code 3, and the published table untouched.
 */
class QualityGateTest {
  private static Path clean;
  private static Path bad;
  private static Path shops;

  @BeforeAll
  static void writeSources() {
    clean = TestSpark.newFolder("clean-");
    bad = TestSpark.newFolder("bad-");
    shops = TestSpark.newFolder("shops-");
    // Eleven bad orders: order 10 breaks every row check, order 1 comes twice.
    Dataset<Row> cleanOrders = orders(List.of(
        "1|c1|paid|10.0|a@shop.io|s1", "2|c2|created|0.0|b@shop.io|s2", "3|c3|paid|5.5|c@shop.io|s1",
        "4|c4|shipped|49.0|d@shop.io|s2", "5|c1|paid|7.0|e@shop.io|s1", "6|c2|created|12.0|f@shop.io|s2",
        "7|c3|shipped|50.0|g@shop.io|s1", "8|c4|paid|1.0|h@shop.io|s2", "9|c1|created|2.0|i@shop.io|s1",
        "10|c2|paid|3.0|j@shop.io|s2"));
    cleanOrders.write().mode(SaveMode.Overwrite).parquet(clean.toString());
    orders(List.of(
        "1|c1|paid|10.0|a@shop.io|s1", "2|c2|created|0.0|b@shop.io|s2", "3|c3|paid|5.5|c@shop.io|s1",
        "4|c4|shipped|49.0|d@shop.io|s2", "5|c1|paid|7.0|e@shop.io|s1", "6|c2|created|12.0|f@shop.io|s2",
        "7|c3|shipped|50.0|g@shop.io|s1", "8|c4|paid|1.0|h@shop.io|s2", "9|c1|created|2.0|i@shop.io|s1",
        "10|-|lost|-5.0|nope|s9", "1|c1|paid|10.0|a@shop.io|s1"))
        .write().mode(SaveMode.Overwrite).parquet(bad.toString());
    TestSpark.session().sql("SELECT * FROM VALUES ('s1'), ('s2') AS t(shop_id)")
        .write().mode(SaveMode.Overwrite).parquet(shops.toString());
  }

  /** Rows "order_id|customer_id|status|amount|email|shop_id"; "-" is null. */
  static Dataset<Row> orders(List<String> rows) {
    return TestSpark.session().createDataset(rows, org.apache.spark.sql.Encoders.STRING())
        .select(functions.split(functions.col("value"), "\\|").as("f"))
        .selectExpr("CAST(f[0] AS BIGINT) AS order_id", "nullif(f[1], '-') AS customer_id", "f[2] AS status",
            "CAST(f[3] AS DOUBLE) AS amount", "f[4] AS email", "f[5] AS shop_id");
  }

  static final String ALL_CHECKS = """
      complete { kind = completeness, column = customer_id }
      unique { kind = uniqueness, columns = [order_id] }
      known { kind = allowed-values, column = status, values = [created, paid, shipped] }
      ranged { kind = range, column = amount, min = 0, max = 1000 }
      positive { kind = non-negative, column = amount }
      mail { kind = pattern, column = email, regex = "^[^@]+@[^@]+$" }
      rule { kind = predicate, sql = "status <> 'lost' OR amount > 0" }
      count { kind = row-count, min = 1, max = 10 }
      shop { kind = referential, column = shop_id, reference = shops, reference-column = shop_id }
      """;

  static Path spec(String pipeline, String checks) {
    return GateFixture.spec(pipeline, """
        name = %s
        sources { orders { format = parquet, path = raw }, shops { format = parquet, path = "%s" } }
        steps { checked { sql = "SELECT * FROM orders" } }
        targets {
          out {
            from = checked, format = delta, table = %s.out, mode = overwrite
            checks { %s }
          }
        }
        """.formatted(pipeline, shops, pipeline, checks));
  }

  static String run(Path spec, Path source, int code) {
    return lakepipe(code, "run", spec.toString(), "--set", "sources.orders.path=" + source,
        "--logical-time", "2026-11-22T03:00:00Z");
  }

  static Dataset<Row> table(String pipeline) {
    return TestSpark.session().read().format("delta").load(TestSpark.warehouse() + "/" + pipeline + "/out");
  }

  static long version(String pipeline) {
    return TestSpark.session().sql("DESCRIBE HISTORY delta.`" + TestSpark.warehouse() + "/" + pipeline + "/out`")
        .agg(functions.max("version")).first().getLong(0);
  }

  /** One pipeline for the runs of every kind: a first run of clean orders published its table. */
  private static final String PIPELINE = "gate_kinds";
  private static String cleanRun;
  private static long published;

  @BeforeAll
  static void publishCleanOrders() {
    cleanRun = run(spec(PIPELINE, ALL_CHECKS), clean, ExitCodes.OK);
    published = version(PIPELINE);
  }

  @Test
  void everyKindPassesOnCleanOrders() {
    assertTrue(cleanRun.contains("audit  out"), cleanRun);
    assertTrue(cleanRun.contains("9 checks: 9 passed, 0 failed, 0 warned, 0 skipped; 10 to write, 0 quarantined"),
        cleanRun);
    assertEquals(10, table(PIPELINE).count());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      "complete; Completeness(customer_id) = 0.9090909090909091, expected >= 1.0",
      "unique; Uniqueness(order_id) = 0.8181818181818182, expected == 1.0",
      "known; Compliance(known) = 0.9090909090909091, expected >= 1.0",
      "ranged; Compliance(ranged) = 0.9090909090909091, expected >= 1.0",
      "positive; Compliance(positive) = 0.9090909090909091, expected >= 1.0",
      "mail; Compliance(mail) = 0.9090909090909091, expected >= 1.0",
      "rule; Compliance(rule) = 0.9090909090909091, expected >= 1.0",
      "count; Size(*) = 11.0, expected [1, 10]",
      "shop; Compliance(shop) = 0.9090909090909091, expected >= 1.0"})
  void eachKindFailsWithItsMetricAndPublishesNothing(String check, String finding) {
    String line = ALL_CHECKS.lines().filter(l -> l.strip().startsWith(check + " ")).findFirst().orElseThrow();
    String output = run(spec(PIPELINE, line), bad, ExitCodes.QUALITY);
    assertTrue(output.contains("data-quality checks of target out failed, nothing published: check " + check
        + " (error) failed: " + finding), output);
    assertEquals(published, version(PIPELINE));
    assertEquals(10, table(PIPELINE).count());
    assertEquals(0, table(PIPELINE).where("status = 'lost'").count());
  }

  @Test
  void aCheckOfAColumnTheRowsLackExitsTwoAndPublishesNothing() {
    String output = run(spec(PIPELINE, "typo { kind = completeness, column = customer }"), bad, ExitCodes.INVALID);
    assertTrue(output.contains("lakepipe: target out names columns that its rows do not have: check typo customer;"
        + " the rows of checked have order_id, customer_id, status, amount, email, shop_id; nothing was written"),
        output);
    assertEquals(published, version(PIPELINE));
  }

  @Test
  void aWarnLevelFailurePublishesAndReports() {
    String pipeline = "gate_warn";
    String output = run(spec(pipeline, "positive { kind = non-negative, column = amount, level = warn }"), bad,
        ExitCodes.OK);
    assertTrue(output.contains("1 checks: 0 passed, 0 failed, 1 warned, 0 skipped; 11 to write, 0 quarantined"),
        output);
    assertEquals(11, table(pipeline).count());
    List<RunReport> reports = RunReport.latest(TestSpark.session(), TestSpark.warehouse().toString(), pipeline, 1);
    assertEquals(1, reports.size());
    assertEquals("warn", reports.get(0).outcome());
    assertEquals("Compliance(positive) = 0.9090909090909091, expected >= 1.0", reports.get(0).checks().get(0).message());
  }

  @Test
  void failingRowsAreQuarantinedWithTheirReasonAndTheCountsReconcile() {
    String pipeline = "gate_quarantine";
    String output = run(spec(pipeline, """
        known { kind = allowed-values, column = status, values = [created, paid, shipped], on-fail = quarantine }
        positive { kind = non-negative, column = amount, on-fail = quarantine }
        mail { kind = pattern, column = email, regex = "^[^@]+@[^@]+$", on-fail = quarantine, level = warn }
        """), bad, ExitCodes.OK);
    assertTrue(output.contains("11 rows"), output);
    assertTrue(output.contains("10 to write, 1 quarantined"), output);
    assertEquals(10, table(pipeline).count());
    List<Row> quarantined = QuarantineTable.read(TestSpark.session(), TestSpark.warehouse().toString(), pipeline,
        "out").collectAsList();
    assertEquals(1, quarantined.size());
    Row row = quarantined.get(0);
    assertEquals(10L, row.<Long>getAs("order_id"));
    assertEquals("known", row.getAs(Quarantine.CHECK_COLUMN));
    assertEquals("known: status = 'lost' is not one of [created, paid, shipped]; mail: email = 'nope' does not match"
        + " ^[^@]+@[^@]+$; positive: amount = -5.0 is outside [0.0, +inf)", row.getAs(Quarantine.REASON_COLUMN));
    RunReport report = RunReport.latest(TestSpark.session(), TestSpark.warehouse().toString(), pipeline, 1).get(0);
    assertEquals(11, report.rowsIn());
    assertEquals(report.rowsIn(), report.rowsWritten() + report.rowsQuarantined());
    assertEquals(1.0, report.checks().stream().filter(c -> c.name().equals("known")).findFirst().orElseThrow()
        .value());
  }
}
