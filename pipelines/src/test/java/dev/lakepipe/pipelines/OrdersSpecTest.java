package dev.lakepipe.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.cli.Lakepipe;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The orders spec and the demo's arguments, checked without Spark. */
class OrdersSpecTest {
  private static final Path SPEC = Path.of(System.getProperty("lakepipe.conf.dir"), "jobs", "orders.conf");

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void ordersSpecIsValid() {
    assertEquals(ExitCodes.OK, lakepipe("validate", SPEC.toString()), err.toString());
    assertEquals("ok      " + SPEC + System.lineSeparator(), out.toString());
  }

  @Test
  void demoRejectsAnEmptyDataSetBeforeStartingSpark() {
    assertEquals(ExitCodes.INVALID, lakepipe("demo", "--spec", SPEC.toString(), "--days", "0"));
    assertTrue(err.toString().startsWith("days, orders per day and shops must be positive: days 0,"), err.toString());
  }

  private int lakepipe(String... args) {
    return Lakepipe.execute(new PrintWriter(out), new PrintWriter(err), args);
  }
}
