package dev.lakepipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.testing.TestSpecs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Commands and exit codes that need no Spark session. */
class CliTest {
  private static final String GOOD = "src/test/resources/specs/good/orders.conf";

  private record Result(int code, String out, String err) {}

  private static Result lakepipe(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Lakepipe.execute(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void planPrintsReadsStepsInRunOrderAndWrites() {
    Result plan = lakepipe("plan", GOOD, "--set", "warehouse=/wh");
    assertEquals(ExitCodes.OK, plan.code(), plan.err());
    List<String> lines = plan.out().lines().map(String::strip).toList();
    assertTrue(lines.contains("order_events         parquet  /wh/raw/order_events"), plan.out());
    assertTrue(lines.indexOf("orders_latest        sql      <- order_events")
        < lines.indexOf("gmv                  sql      <- orders_latest, shops"), plan.out());
    assertTrue(lines.contains("/wh/dw/orders  keys order_id  order-by updated_at  partition-by order_date"),
        plan.out());
    assertTrue(lines.contains("lakepipe.dw.gmv_daily  partition-by order_date"), plan.out());
  }

  @Test
  void aSpecThatFindsNoProfileIsWarnedAboutUnlessOneIsNamed() {
    String alone = TestSpecs.ordersAlone().toString();
    Result none = lakepipe("validate", alone);
    assertEquals(ExitCodes.OK, none.code(), none.err());
    assertEquals(List.of("lakepipe: warning: no environment profile: no env/local.conf beside or above " + alone
        + " (nor in $LAKEPIPE_CONF_DIR/env), so only the spec's own settings apply over Spark's defaults; name one"
        + " with --env NAME or --env-file FILE"), none.err().lines().toList());
    Result named = lakepipe("validate", alone, "--env-file", "src/test/resources/specs/env/test.conf");
    assertEquals(ExitCodes.OK, named.code(), named.err());
    assertEquals("", named.err());
    Result found = lakepipe("validate", GOOD);
    assertEquals(ExitCodes.OK, found.code(), found.err());
    assertEquals("", found.err(), "the test specs' own local profile is found");
  }

  @Test
  void anInvalidSpecExitsTwoBeforeAnythingRuns() {
    Result run = lakepipe("run", "src/test/resources/specs/broken/07-upsert-without-keys.conf");
    assertEquals(ExitCodes.INVALID, run.code());
    assertEquals(List.of(
        "src/test/resources/specs/broken/07-upsert-without-keys.conf:9: targets.out.mode: upsert needs keys: the"
            + " columns that identify a row",
        "lakepipe: the spec has 1 problem; nothing ran"), run.err().lines().toList());
    assertEquals("", run.out());
  }

  @Test
  void badArgumentsExitTwo() {
    assertEquals(ExitCodes.INVALID, lakepipe("run", GOOD, "--mode", "sideways").code());
    assertEquals(ExitCodes.INVALID, lakepipe("run", GOOD, "--logical-time", "yesterday").code());
    assertEquals(ExitCodes.INVALID, lakepipe("frobnicate").code());
    assertEquals(ExitCodes.INVALID, lakepipe("validate").code());
    assertEquals(ExitCodes.INVALID, lakepipe("run", GOOD, "--set", "nonsense").code());
    assertEquals(ExitCodes.INVALID, lakepipe("status", GOOD).code());
    assertEquals(ExitCodes.INVALID, lakepipe("status", GOOD, "--logical-time", "yesterday").code());
    Result unknownTarget = lakepipe("status", GOOD, "--logical-time", "2026-11-22T03Z", "--target", "nope");
    assertEquals(ExitCodes.INVALID, unknownTarget.code());
    assertTrue(unknownTarget.err().contains("--target nope is not a target of orders_daily"), unknownTarget.err());
  }

  @Test
  void aSpecGivenAsAUriIsReadThroughTheJobsFileSystem() {
    String good = uri("src/test/resources/specs/good/orders.yaml");
    Result valid = lakepipe("validate", good);
    assertEquals(ExitCodes.OK, valid.code(), valid.err());
    assertEquals("ok      " + good, valid.out().strip());

    String broken = uri("src/test/resources/specs/broken/01-unknown-key.conf");
    Result invalid = lakepipe("validate", broken);
    assertEquals(ExitCodes.INVALID, invalid.code());
    assertTrue(invalid.err().lines().anyMatch(
        line -> line.equals(broken + ":9: targets.orders.mdoe: unknown key; did you mean 'mode'?")), invalid.err());

    Result missing = lakepipe("plan", "file:///no/such/spec.conf");
    assertEquals(ExitCodes.INVALID, missing.code());
    assertTrue(missing.err().startsWith("file:///no/such/spec.conf:0: (file): no such file"), missing.err());
  }

  @Test
  void anUnknownCommandFollowedByHelpExitsTwoNamingIt() {
    for (List<String> line : List.of(List.of("frobnicate"), List.of("frobnicate", "--help"),
        List.of("frobnicate", "-h", "x"), List.of("frobnicate", "--version"))) {
      Result unknown = lakepipe(line.toArray(String[]::new));
      assertEquals(ExitCodes.INVALID, unknown.code(), line.toString());
      assertTrue(unknown.err().startsWith("Unmatched argument"), unknown.err());
      assertTrue(unknown.err().contains("index 0: 'frobnicate'"), unknown.err());
      assertEquals("", unknown.out());
    }
  }

  private static String uri(String path) {
    return Path.of(path).toAbsolutePath().toUri().toString();
  }

  @Test
  void everyCommandHasHelp() {
    for (String command : List.of("validate", "plan", "run", "status", "history", "query")) {
      Result help = lakepipe(command, "--help");
      assertEquals(ExitCodes.OK, help.code());
      assertTrue(help.out().startsWith("Usage: lakepipe " + command), help.out());
    }
  }
}
