package dev.lakepipe.quality;

import static dev.lakepipe.quality.GateFixture.lakepipe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.SaveMode;
import org.junit.jupiter.api.Test;

/**
 * Anomaly checks declared in a spec, over a ten-day hourly history with a daily cycle, then the {@code quality}
 * command: the report of the runs as JSON and HTML with the charts, and a suggested checks block that validates.
 */
class QualityCommandTest {
  private static final int HISTORY_HOURS = 240;
  private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

  /** About 400 rows at night and 1,600 in the afternoon, with noise. */
  private static long count(int hour, Random random) {
    return Math.round(1000 - 600 * Math.cos(2 * Math.PI * (hour % 24) / 24.0) + 20 * random.nextGaussian());
  }

  private static Path source(long rows) {
    Path folder = TestSpark.newFolder("hour-");
    TestSpark.session().range(rows).selectExpr("id AS order_id", "id % 7 AS amount")
        .write().mode(SaveMode.Overwrite).parquet(folder.toString());
    return folder;
  }

  private static String run(Path spec, int hour, long rows, int code) {
    return lakepipe(code, "run", spec.toString(), "--set", "sources.orders.path=" + source(rows),
        "--logical-time", T0.plus(Duration.ofHours(hour)).toString());
  }

  @Test
  void aDropAgainstTheSameHourYesterdayFailsANormalHourPassesAndTheReportChartsBoth() throws IOException {
    String pipeline = "gate_hourly";
    Path spec = GateFixture.spec(pipeline, """
        name = %s
        sources { orders { format = parquet, path = raw } }
        targets {
          out {
            from = orders, format = delta, table = %s.out, mode = overwrite
            checks {
              same_hour_yesterday { kind = rate-of-change, metric = size, max-decrease = 0.5, lag = 24 }
              seasonal { kind = holt-winters, metric = size, min-relative-deviation = 0.2 }
              amount_normal { kind = online-normal, metric = "mean(amount)", k = 3, level = warn }
            }
          }
        }
        """.formatted(pipeline, pipeline));
    Random random = new Random(7);
    FileMetricsHistory history = (FileMetricsHistory) MetricsHistory.forTarget(TestSpark.session(),
        TestSpark.warehouse().toString(), pipeline, "out");
    for (int h = 0; h < HISTORY_HOURS; h++) {
      history.record(T0.plus(Duration.ofHours(h)), Map.of(MetricId.size(), (double) count(h, random)));
    }

    String normal = run(spec, HISTORY_HOURS, count(HISTORY_HOURS, random), ExitCodes.OK);
    assertTrue(normal.contains("3 checks: 2 passed, 0 failed, 0 warned, 1 skipped"), normal);
    long usual = count(HISTORY_HOURS + 1, random);
    String dropped = run(spec, HISTORY_HOURS + 1, usual / 3, ExitCodes.QUALITY);
    assertTrue(dropped.contains("check same_hour_yesterday (error) failed: Size(*) = " + (double) (usual / 3)
        + ": anomaly against 241 earlier points: [AbsoluteChangeStrategy]: Change of "), dropped);
    assertTrue(dropped.contains("check seasonal (error) failed: Size(*) = " + (double) (usual / 3)), dropped);

    Path page = TestSpark.newFolder("page-").resolve("report.html");
    String json = lakepipe(ExitCodes.OK, "quality", "report", spec.toString(), "--last", "2", "--html",
        page.toString());
    assertTrue(json.contains("\"outcome\" : \"pass\"") && json.contains("\"outcome\" : \"fail\""), json);
    String html = Files.readString(page);
    // Rate of change and Holt-Winters in both runs; online normal only in the second, the first had no history.
    assertEquals(5, html.split("<svg").length - 1, html);
    assertTrue(html.contains("<circle") && html.contains("stroke-dasharray"), html);
    assertTrue(html.contains("<td class=\"failed\">failed</td>"), html);
  }

  @Test
  void suggestPrintsChecksThatASpecAccepts() throws IOException {
    Path table = TestSpark.newFolder("suggest-");
    TestSpark.session().sql("SELECT id AS order_id, CASE WHEN id % 2 = 0 THEN 'paid' ELSE 'created' END AS status,"
        + " CAST(id AS DOUBLE) AS amount FROM range(200)").write().format("delta").mode(SaveMode.Overwrite)
        .save(table.toString());
    String snippet = lakepipe(ExitCodes.OK, "quality", "suggest", "delta:" + table, "--warehouse",
        TestSpark.warehouse().toString()).strip();
    assertTrue(snippet.contains("order_id_complete { kind = completeness, column = \"order_id\" }"), snippet);
    assertTrue(snippet.contains("status_allowed { kind = allowed-values, column = \"status\", values = ["), snippet);
    assertTrue(snippet.contains("amount_non_negative { kind = non-negative, column = \"amount\" }"), snippet);
    Path spec = GateFixture.spec("suggested", """
        name = suggested
        warehouse = /tmp/suggested
        sources { orders { format = delta, path = "%s" } }
        targets { out { from = orders, format = delta, table = dw.out, %s } }
        """.formatted(table, snippet.substring(0, snippet.lastIndexOf("}") + 1)));
    lakepipe(ExitCodes.OK, "validate", spec.toString());
  }
}
