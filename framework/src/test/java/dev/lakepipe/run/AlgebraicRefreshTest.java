package dev.lakepipe.run;

import static dev.lakepipe.run.IncrementalRunTest.hour;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.format.Commit;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.testing.TestSpark;
import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The algebraic delta of aggregates on real Hudi, Delta and Iceberg tables: orders that move from one group to
 * another, deletes, a group that empties and one that appears, a filtered sum that becomes null, a rerun; after
 * increments the targets (columns that are their own state, hidden state for SUM and AVG, and one that falls back
 * to affected keys) equal a fresh full run over the same source snapshot, or the rows it gives, written out.
 */
class AlgebraicRefreshTest {
  private static final String SPEC = "src/test/resources/specs/incremental/regional-gmv.conf";

  @ParameterizedTest
  @ValueSource(strings = {"hudi", "delta", "iceberg"})
  void groupsMaintainedFromTheChangesEqualAFullRun(String format) throws IOException {
    IncrementalRunTest.Pipeline p =
        new IncrementalRunTest.Pipeline(format, "alg_" + format, SPEC, List.of("by_region", "by_day", "by_status"));
    p.upsert("1|eu|created|10.00|1|1", "2|us|paid|20.00|1|1", "3|eu|paid|30.00|1|2", "4|us|paid|40.00|1|2");
    String full = p.run("full", hour(0), "live", ExitCodes.OK);
    assertTrue(full.contains("by_region"), full);

    // An order paid, one moved to another region and day (it leaves two groups and enters another), a new group.
    p.upsert("1|eu|paid|10.00|2|1", "3|us|paid|30.00|2|3", "5|eu|paid|55.50|2|4");
    String first = p.run("incremental", hour(1), "live", ExitCodes.OK);
    assertTrue(first.contains("not an algebraic delta: column doubled = (sum(") && first.contains("refreshed by"
        + " affected keys"), first);
    assertTrue(List.of(p.snapshot("live", "by_day").columns()).containsAll(List.of("__lakepipe_sum_paid",
        "__lakepipe_count_paid", "__lakepipe_sum_avg_amount", "__lakepipe_count_avg_amount")), "hidden state");
    assertEquals(fullRun(p, hour(1)), rows(p, "live"));

    // The only order of (day 2, eu) moved away earlier; now (day 1, us) empties by a delete, and an amount changes
    // twice within the window (the middle image is added and removed once each).
    p.delete(2);
    p.upsert("4|us|paid|41.00|3|2");
    p.upsert("4|us|paid|42.25|4|2");
    p.run("incremental", hour(2), "live", ExitCodes.OK);
    // The rows a full run gives, written out.
    assertEquals(List.of(
            "by_region|2026-01-01|Europe|1|1|10.00", "by_region|2026-01-02|Americas|1|1|42.25",
            "by_region|2026-01-03|Americas|1|1|30.00", "by_region|2026-01-04|Europe|1|1|55.50",
            "by_day|2026-01-01|1|10.00|10.000000", "by_day|2026-01-02|1|42.25|42.250000",
            "by_day|2026-01-03|1|30.00|30.000000", "by_day|2026-01-04|1|55.50|55.500000", "by_status|paid|4|275.50"),
        rows(p, "live"));

    // A rerun of the hour commits nothing.
    Commit done = latest(p);
    String rerun = p.run("incremental", hour(2), "live", ExitCodes.OK);
    assertTrue(rerun.contains("already done"), rerun);
    assertEquals(done, latest(p));

    // An order cancelled (it stays counted, no longer paid), an order deleted and inserted again, and a change that
    // leaves every measure as it was (status created -> created, new updated_at).
    p.upsert("5|eu|cancelled|55.50|5|4");
    p.delete(1);
    p.upsert("1|eu|created|11.00|6|1", "3|us|paid|30.00|6|3");
    p.run("incremental", hour(3), "live", ExitCodes.OK);
    assertEquals(fullRun(p, hour(3)), rows(p, "live"));
  }

  private static Commit latest(IncrementalRunTest.Pipeline p) {
    return TableFormats.get(p.format).reader(TestSpark.session(), p.target("live", "by_region")).latestCommit()
        .orElseThrow();
  }

  private static List<String> fullRun(IncrementalRunTest.Pipeline p, java.time.Instant logicalTime) {
    p.run("full", logicalTime, "fresh", ExitCodes.OK);
    return rows(p, "fresh");
  }

  /** The targets' rows, each target's sorted. */
  private static List<String> rows(IncrementalRunTest.Pipeline p, String variant) {
    List<String> regions = p.snapshot(variant, "by_region")
        .select("order_date", "region_name", "orders", "paid_orders", "paid_amount").collectAsList().stream()
        .map(AlgebraicRefreshTest::render).sorted().map(r -> "by_region|" + r).toList();
    List<String> days = p.snapshot(variant, "by_day").select("order_date", "orders", "paid", "avg_amount")
        .collectAsList().stream().map(AlgebraicRefreshTest::render).sorted().map(r -> "by_day|" + r).toList();
    List<String> statuses = p.snapshot(variant, "by_status").select("status", "orders", "doubled").collectAsList()
        .stream().map(AlgebraicRefreshTest::render).sorted().map(r -> "by_status|" + r).toList();
    return Stream.of(regions, days, statuses).flatMap(List::stream).toList();
  }

  private static String render(Row row) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < row.size(); i++) {
      Object value = row.get(i);
      out.append(i == 0 ? "" : "|").append(value instanceof java.math.BigDecimal d ? d.toPlainString() : value);
    }
    return out.toString();
  }
}
