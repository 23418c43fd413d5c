package dev.lakepipe.run;

import static dev.lakepipe.run.IncrementalRunTest.hour;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.testing.TestSpark;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code lakepipe rollback} undoes two hours of an incremental pipeline's target; the next incremental runs
 * recompute them from the checkpoints of the commit rolled back to, and the table equals what it was before.
 * {@code lakepipe table history} shows the commits with their lakepipe properties.
 */
class RollbackTest {
  @ParameterizedTest
  @ValueSource(strings = {"hudi", "delta", "iceberg"})
  void undoingTwoHoursAndRecomputingGivesTheSameTable(String format) throws IOException {
    IncrementalRunTest.Pipeline p = new IncrementalRunTest.Pipeline(format, "rb_" + format);
    p.upsert("1|eu|created|10.00|1|1", "2|us|created|20.00|1|1", "3|eu|created|30.00|1|2");
    p.run("full", hour(0), "live", ExitCodes.OK);
    p.upsert("1|eu|paid|10.00|2|1", "4|us|created|40.00|2|2");
    p.run("incremental", hour(1), "live", ExitCodes.OK);
    String checkpointAtOne = CommitContext.checkpoint(p.latest("live").properties(), "orders").orElseThrow();
    p.upsert("2|us|cancelled|20.00|3|1");
    p.run("incremental", hour(2), "live", ExitCodes.OK);
    p.delete(3);
    p.upsert("5|eu|created|50.00|4|3");
    p.run("incremental", hour(3), "live", ExitCodes.OK);
    List<String> before = p.rowsOf("live");

    String table = format + ":" + p.name + ".live";
    String history = p.lakepipeAsIs(List.of("table", "history", table, "--warehouse",
        TestSpark.warehouse().toString()), ExitCodes.OK);
    assertTrue(history.contains("pipeline " + p.name + "_live  run "), history);
    assertTrue(history.contains("logical-time " + hour(1) + "  checkpoints {orders=" + checkpointAtOne + "}"),
        history);

    String rolledBack = p.lakepipeAsIs(List.of("rollback", table, "--logical-time", hour(1).toString(),
        "--warehouse", TestSpark.warehouse().toString()), ExitCodes.OK);
    assertTrue(rolledBack.contains("the next incremental run resumes from the checkpoints of commit"), rolledBack);
    assertEquals(checkpointAtOne,
        CommitContext.checkpoint(p.latest("live").properties(), "orders").orElseThrow());
    assertEquals(hour(1).toString(), p.latest("live").properties().get(CommitContext.LOGICAL_TIME));

    p.run("incremental", hour(2), "live", ExitCodes.OK);
    p.run("incremental", hour(3), "live", ExitCodes.OK);
    assertEquals(before, p.rowsOf("live"));

    String unknown = p.lakepipeAsIs(List.of("rollback", table, "--to", "999999", "--warehouse",
        TestSpark.warehouse().toString()), ExitCodes.INVALID);
    assertTrue(unknown.contains("no commit 999999 in the history of"), unknown);
  }
}
