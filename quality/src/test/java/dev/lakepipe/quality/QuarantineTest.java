package dev.lakepipe.quality;

import static dev.lakepipe.quality.QualityFixtures.T0;
import static dev.lakepipe.quality.QualityFixtures.badOrders;
import static dev.lakepipe.quality.QualityFixtures.checks;
import static dev.lakepipe.quality.QualityFixtures.newHistory;
import static dev.lakepipe.quality.QualityFixtures.runner;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lakepipe.quality.CheckResult.Status;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class QuarantineTest {
  private static List<Check> rowLevel() {
    return checks().stream().filter(Check::isRowLevel).toList();
  }

  @Test
  void rowsReconcileAndEachQuarantinedRowCarriesItsFirstCheckAndAllReasons() {
    Dataset<Row> orders = badOrders();
    Quarantine.Split split = Quarantine.split(orders, rowLevel());

    long valid = split.valid().count();
    long quarantined = split.quarantined().count();
    assertEquals(orders.count(), valid + quarantined);
    assertEquals(7, valid);
    assertEquals(List.of(orders.columns()), List.of(split.valid().columns()));

    Map<String, List<String>> byRow = new TreeMap<>();
    for (Row row : split.quarantined().collectAsList()) {
      byRow.put(row.getAs("order_id") + "/" + row.getAs("status"),
          List.of(row.getAs(Quarantine.CHECK_COLUMN), row.getAs(Quarantine.REASON_COLUMN)));
    }
    assertEquals(Map.of(
        "3/paid", List.of("customer_complete", "customer_complete: customer_id is null"),
        "4/lost", List.of("status_known",
            "status_known: status = 'lost' is not one of [created, paid, shipped]; "
                + "amount_non_negative: amount = -2.0 is outside [0.0, +inf); "
                + "amount_range: amount = -2.0 is outside [0.0, 50.0]; "
                + "email_pattern: email = 'not-an-email' does not match ^[^@\\s]+@[^@\\s]+\\.[a-z]+$"),
        "5/paid", List.of("amount_range",
            "amount_range: amount = 100.0 is outside [0.0, 50.0]; "
                + "amount_small: row does not satisfy amount <= 50 OR status = 'shipped'")), byRow);
  }

  @Test
  void eachCheckQuarantinesExactlyTheRowsItsDeequMetricCountsAsFailing() {
    Dataset<Row> orders = badOrders();
    long rows = orders.count();
    QualityReport report = runner(newHistory("reconcile")).verify(orders, rowLevel(), T0);
    List<Row> quarantined = Quarantine.split(orders, rowLevel()).quarantined().collectAsList();

    for (Check check : rowLevel()) {
      long failing = quarantined.stream()
          .filter(row -> ((String) row.getAs(Quarantine.REASON_COLUMN)).contains(check.name() + ": "))
          .count();
      double metric = report.result(check.name()).value().getAsDouble();
      assertEquals(Math.round((1 - metric) * rows), failing, check.name());
    }

    // What stays is clean.
    Dataset<Row> valid = Quarantine.split(orders, rowLevel()).valid();
    for (CheckResult result : runner(newHistory("valid")).verify(valid, rowLevel(), T0).results()) {
      assertEquals(Status.PASSED, result.status(), result::toString);
      assertEquals(1.0, result.value().getAsDouble());
    }
  }

  @Test
  void validRowsHaveNoAnnotationAndNoChecksQuarantineNothing() {
    Quarantine.Split split = Quarantine.split(badOrders(), rowLevel());
    assertEquals(7, split.annotated().where(Quarantine.CHECK_COLUMN + " IS NULL AND "
        + Quarantine.REASON_COLUMN + " IS NULL").count());

    Quarantine.Split none = Quarantine.split(badOrders(), List.of());
    assertEquals(10, none.valid().count());
    assertEquals(0, none.quarantined().count());
  }

  @Test
  void onlyRowLevelChecksCanQuarantine() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Quarantine.split(badOrders(), List.of(Check.error("unique").uniqueness("order_id"))));
    assertEquals("check unique is not row-level: Uniqueness[columns=[order_id]]", e.getMessage());
  }
}
