package dev.lakepipe.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The check declarations as values, without Spark. */
class CheckTest {

  @Test
  void checksAreValues() {
    Check a = Check.error("status_known").allowedValues("status", List.of("paid", "created"));
    Check b = new Check("status_known", Check.Level.ERROR,
        new CheckKind.AllowedValues("status", Set.of("created", "paid"), 1.0));
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertTrue(a.isRowLevel());
    assertFalse(a.isAnomalyCheck());
    assertEquals(new CheckKind.Range("amount", 0, Double.POSITIVE_INFINITY, 1.0),
        Check.warn("x").nonNegative("amount").kind());
    assertTrue(Check.warn("x").holtWinters(MetricId.size()).isAnomalyCheck());
    assertEquals(48, ((CheckKind.AnomalyDetection) Check.warn("x").holtWinters(MetricId.size()).kind())
        .requiredHistory());
    assertEquals("Completeness(customer_id)", MetricId.completeness("customer_id").toString());
  }

  @Test
  void invalidDeclarationsAreRejected() {
    assertEquals("fraction must be in [0, 1]: 1.5",
        assertThrows(IllegalArgumentException.class, () -> Check.warn("x").completeness("c", 1.5)).getMessage());
    assertEquals("range of amount: min 5.0 > max 1.0",
        assertThrows(IllegalArgumentException.class, () -> Check.warn("x").range("amount", 5, 1)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> Check.warn("x").pattern("email", "(unclosed"));
    assertThrows(IllegalArgumentException.class, () -> Check.warn("x").uniqueness());
    assertThrows(IllegalArgumentException.class, () -> Check.warn("x").uniqueness("a", "a"));
    assertThrows(IllegalArgumentException.class, () -> Check.warn("x").rowCount(10, 1));
    assertThrows(IllegalArgumentException.class, () -> Check.warn("x").allowedValues("s", List.of()));
    assertThrows(IllegalArgumentException.class, () -> Check.warn(" ").completeness("c"));
    assertThrows(IllegalArgumentException.class,
        () -> Check.warn("x").rateOfChange(MetricId.size(), OptionalDouble.empty(), OptionalDouble.empty(), 24));
    assertThrows(IllegalArgumentException.class, () -> Check.warn("x").rateOfChange(MetricId.size(), 1.5, 24));
    assertThrows(IllegalArgumentException.class, () -> Check.warn("x").rateOfChange(MetricId.size(), 0.5, 0));
    assertThrows(IllegalArgumentException.class, () -> new MetricId(MetricId.Type.SIZE, "amount"));
    assertThrows(IllegalArgumentException.class, () -> new MetricId(MetricId.Type.MEAN, "*"));
    assertThrows(IllegalArgumentException.class,
        () -> MetricsHistory.forTarget(null, "/tmp/wh", "orders", "../etc"));
  }

  @Test
  void conditionsQuoteNamesAndLiterals() {
    assertEquals("`a``b` IS NULL OR CAST(`a``b` AS STRING) IN ('it\\'s', 'back\\\\slash')",
        SqlConditions.passes(new CheckKind.AllowedValues("a`b",
            new java.util.LinkedHashSet<>(List.of("it's", "back\\slash")), 1.0)));
    assertEquals("`amount` IS NULL OR (`amount` >= -1.5D)",
        SqlConditions.passes(new CheckKind.Range("amount", -1.5, Double.POSITIVE_INFINITY, 1.0)));
    assertEquals("`email` IS NULL OR CAST(`email` AS STRING) RLIKE '^\\\\d+$'",
        SqlConditions.passes(new CheckKind.Pattern("email", "^\\d+$", 1.0)));
  }
}
