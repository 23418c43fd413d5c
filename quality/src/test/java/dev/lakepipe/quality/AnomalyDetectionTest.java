package dev.lakepipe.quality;

import static dev.lakepipe.quality.QualityFixtures.T0;
import static dev.lakepipe.quality.QualityFixtures.newHistory;
import static dev.lakepipe.quality.QualityFixtures.spark;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.quality.CheckResult.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Anomaly detection over a generated ten-day hourly history of the row count, with daily seasonality: 400 rows at
 * night, 1600 in the afternoon, plus noise. The history is stored directly (240 runs of Spark would take minutes);
 * the hours under test then run for real, one after the other, through the runner.
 */
class AnomalyDetectionTest {
  private static final int HISTORY_HOURS = 240;
  private static final MetricId SIZE = MetricId.size();

  /** The expected count of hour {@code h} (hour 0 = midnight), with noise of standard deviation 20. */
  private static long[] hourlyCounts(int hours) {
    Random random = new Random(7);
    long[] counts = new long[hours];
    for (int h = 0; h < hours; h++) {
      counts[h] = Math.round(1000 - 600 * Math.cos(2 * Math.PI * (h % 24) / 24.0) + 20 * random.nextGaussian());
    }
    return counts;
  }

  private static Instant hour(int h) {
    return T0.plus(Duration.ofHours(h));
  }

  @Test
  void aDropIsFlaggedByHoltWintersAndBySameHourYesterdayAndNormalHoursAreNot() {
    long[] counts = hourlyCounts(HISTORY_HOURS + 12);
    FileMetricsHistory history = newHistory("hourly");
    for (int h = 0; h < HISTORY_HOURS; h++) {
      history.record(hour(h), Map.of(SIZE, (double) counts[h]));
    }
    List<Check> checks = List.of(
        Check.error("seasonal").holtWinters(SIZE, CheckKind.Seasonality.HOURLY_DAILY, 0.2),
        Check.error("same_hour_yesterday").rateOfChange(SIZE, 0.5, 24),
        Check.warn("seasonal_raw").holtWinters(SIZE));
    QualityRunner runner = QualityRunner.create(spark(), history);

    int rawFlagged = 0;
    int dropHour = HISTORY_HOURS + 10;
    for (int h = HISTORY_HOURS; h < dropHour; h++) {
      QualityReport report = runner.verify(spark().range(counts[h]).toDF(), checks, hour(h));
      assertEquals(Status.PASSED, report.result("seasonal").status(), report.result("seasonal")::message);
      assertEquals(Status.PASSED, report.result("same_hour_yesterday").status(),
          report.result("same_hour_yesterday")::message);
      assertFalse(report.blocksPublish());
      rawFlagged += report.result("seasonal_raw").status() == Status.FAILED ? 1 : 0;
    }

    // Hour 10 of day 11: a third of its usual orders.
    long dropped = counts[dropHour] / 3;
    QualityReport drop = runner.verify(spark().range(dropped).toDF(), checks, hour(dropHour));
    assertTrue(drop.blocksPublish());
    CheckResult seasonal = drop.result("seasonal");
    assertEquals(Status.FAILED, seasonal.status());
    assertEquals((double) dropped, seasonal.value().getAsDouble());
    assertTrue(seasonal.message().startsWith("Size(*) = " + (double) dropped + ": anomaly against "
        + (HISTORY_HOURS + 10) + " earlier points: Forecasted "), seasonal.message());
    CheckResult yesterday = drop.result("same_hour_yesterday");
    assertEquals(Status.FAILED, yesterday.status());
    assertEquals("Size(*) = " + (double) dropped + ": anomaly against 250 earlier points: [AbsoluteChangeStrategy]: "
        + "Change of " + ((double) dropped / counts[dropHour - 24]) + " is not in bounds [0.5, "
        + "1.7976931348623157E308]. Order=24", yesterday.message());
    assertEquals("ratio to the value 24 points back in [0.5, +inf)", yesterday.bound());
    assertEquals(Status.FAILED, drop.result("seasonal_raw").status());

    // Deequ's own Holt-Winters threshold (1.96 stddev of the absolute residuals) also flags some normal hours of a
    // noisy series; the 20 % tolerance above is what keeps them from blocking. Recorded, not required.
    System.out.println("Deequ Holt-Winters flagged " + rawFlagged + " of 10 normal hours without tolerance");

    // The hours after the drop are normal again for both.
    QualityReport after = runner.verify(spark().range(counts[dropHour + 1]).toDF(), checks, hour(dropHour + 1));
    assertEquals(Status.PASSED, after.result("same_hour_yesterday").status());
    assertEquals(HISTORY_HOURS + 12, history.points(SIZE).size());
  }

  /**
   * Holt-Winters fits its model with LAPACK through netlib, which takes the machine's native BLAS when there is one
   * (OpenBLAS here, as CI installs it for PyTorch); its LU factorization overflowed a default 1 MB thread stack and
   * killed the JVM. The caller's stack must not matter, so the check runs from a thread with a quarter of that.
   */
  @Test
  void holtWintersDecidesFromAThreadWithASmallStack() throws InterruptedException {
    long[] counts = hourlyCounts(HISTORY_HOURS + 1);
    List<MetricPoint> history = new ArrayList<>();
    for (int h = 0; h < HISTORY_HOURS; h++) {
      history.add(new MetricPoint(hour(h), counts[h]));
    }
    Check check = Check.error("seasonal").holtWinters(SIZE, CheckKind.Seasonality.HOURLY_DAILY, 0.2);
    long now = hour(HISTORY_HOURS).toEpochMilli();
    List<CheckResult> results = new ArrayList<>();
    Thread caller = new Thread(null, () -> {
      results.add(new Anomalies().evaluate(check, counts[HISTORY_HOURS], history, now));
      results.add(new Anomalies().evaluate(check, counts[HISTORY_HOURS] / 3, history, now));
    }, "small-stack-caller", 256L << 10);
    caller.start();
    caller.join();

    assertEquals(2, results.size());
    assertEquals(Status.PASSED, results.get(0).status(), results.get(0).message());
    assertEquals(Status.FAILED, results.get(1).status(), results.get(1).message());
  }

  @Test
  void onlineNormalFlagsASpikeAndNotANormalValue() {
    Random random = new Random(11);
    List<MetricPoint> history = new ArrayList<>();
    for (int h = 0; h < 30; h++) {
      history.add(new MetricPoint(hour(h), 1000 + Math.round(20 * random.nextGaussian())));
    }
    Check check = Check.error("normal").onlineNormal(SIZE, 3.0);
    long now = hour(30).toEpochMilli();

    CheckResult normal = new Anomalies().evaluate(check, 1010, history, now);
    assertEquals(Status.PASSED, normal.status(), normal.message());
    assertEquals("Size(*) = 1010.0: no anomaly against 30 earlier points", normal.message());
    assertEquals("within mean -3.0 / +3.0 stddev of the history", normal.bound());

    CheckResult spike = new Anomalies().evaluate(check, 1500, history, now);
    assertEquals(Status.FAILED, spike.status());
    assertTrue(spike.message().startsWith("Size(*) = 1500.0: anomaly against 30 earlier points: "
        + "[OnlineNormalStrategy]: Value 1500.0 is not in bounds ["), spike.message());
  }

  @Test
  void aRateOfChangeCanBoundIncreasesToo() {
    List<MetricPoint> history = List.of(new MetricPoint(hour(0), 100), new MetricPoint(hour(1), 100));
    Check check = Check.error("steady").rateOfChange(SIZE, java.util.OptionalDouble.of(0.1),
        java.util.OptionalDouble.of(0.5), 1);
    long now = hour(2).toEpochMilli();

    assertEquals(Status.PASSED, new Anomalies().evaluate(check, 150, history, now).status());
    assertEquals(Status.FAILED, new Anomalies().evaluate(check, 151, history, now).status());
    assertEquals(Status.PASSED, new Anomalies().evaluate(check, 90, history, now).status());
    assertEquals(Status.FAILED, new Anomalies().evaluate(check, 89, history, now).status());
    assertEquals("ratio to the value 1 points back in [0.9, 1.5]", DeequChecks.bound(check));
  }
}
