package dev.lakepipe.run;

import static dev.lakepipe.run.IncrementalRunTest.hour;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.format.Commit;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.TableAddresses;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.spec.Storage;
import dev.lakepipe.testing.TestSpark;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code lakepipe maintain} on the source table of an incremental pipeline, with a retention of zero: the history
 * that the pipeline's checkpoint needs is kept, so its next hourly run still reads the changes and ends where a full
 * run does; with {@code --force} it is removed, and the next incremental run fails and asks for a full one.
 */
class MaintenanceTest {
  private static final String SPEC = "src/test/resources/specs/maintenance/orders.conf";

  @ParameterizedTest
  @ValueSource(strings = {"hudi", "delta", "iceberg"})
  void maintenanceKeepsWhatACheckpointNeeds(String format) throws IOException {
    IncrementalRunTest.Pipeline p = new IncrementalRunTest.Pipeline(format, "mnt_" + format);
    p.upsert("1|eu|created|10.00|1|1", "2|us|created|20.00|1|1", "3|eu|created|30.00|1|2");
    p.upsert("4|eu|created|40.00|1|2");
    p.run("full", hour(0), "live", ExitCodes.OK);
    String checkpoint = CommitContext.checkpoint(p.latest("live").properties(), "orders").orElseThrow();
    p.upsert("1|eu|paid|10.00|2|1", "5|us|created|50.00|2|3");
    p.delete(3);

    String maintained = maintain(p, format, ExitCodes.OK);
    assertTrue(maintained.contains("needed: commit " + checkpoint + " ("), maintained);
    assertTrue(maintained.contains("checkpoint of source orders in the latest commit of " + format + ":"), maintained);
    assertTrue(maintained.contains("pipeline mnt_" + format + "_live"), maintained);
    assertTrue(maintained.contains("kept: history from commit " + checkpoint + " on, for the checkpoints above"),
        maintained);
    assertTrue(maintained.contains("  before: ") && maintained.contains("  after:  "), maintained);

    String hourly = p.run("incremental", hour(1), "live", ExitCodes.OK);
    assertTrue(hourly.contains(" changes  at commit "), hourly);
    // A run whose target's maintenance is due maintains it after its own work.
    String fresh = p.lakepipe(List.of("run", IncrementalRunTest.SPEC, "--mode", "full", "--logical-time",
        hour(1).toString(), "--set", "targets.open_orders.maintenance.every=24h"), "fresh", ExitCodes.OK);
    assertTrue(fresh.contains("maintain open_orders (" + format + ":"), fresh);
    assertEquals(p.rowsOf("fresh"), p.rowsOf("live"));

    // Forced, the history goes, and with it the checkpoint's commit: only a full run can catch up.
    p.upsert("2|us|paid|20.00|3|1");
    p.upsert("6|eu|created|60.00|3|3");
    String forced = maintain(p, format, ExitCodes.OK, "--force");
    assertTrue(forced.contains("WARNING --force: cleaning history as the spec says"), forced);
    String refused = p.run("incremental", hour(2), "live", ExitCodes.FAILURE);
    assertTrue(refused.contains("Run with --mode full"), refused);
  }

  @Test
  void aDryRunChangesNothingAndAHeldLockExitsFour() throws IOException {
    IncrementalRunTest.Pipeline p = new IncrementalRunTest.Pipeline("delta", "mnt_dry");
    p.upsert("1|eu|created|10.00|1|1");
    p.upsert("2|us|created|20.00|1|1");
    List<Commit> before = reader(p).commits();
    String plan = p.lakepipeAsIs(List.of("plan", SPEC, "--set", "targets.orders.table=" + p.sourceTable,
        "--set", "warehouse=" + TestSpark.warehouse()), ExitCodes.OK);
    assertTrue(plan.contains("      maintenance target-file-size 67108864 bytes  retain 0s (longer where a checkpoint"
        + " needs it)  by lakepipe maintain only"), plan);
    String dry = maintain(p, "delta", ExitCodes.OK, "--dry-run");
    assertTrue(dry.contains("dry run: would compact and clean history older than 0s beyond the latest 10 commits;"
        + " nothing changed"), dry);
    assertEquals(before, reader(p).commits());

    PipelineLocks locks = PipelineLocks.of(TestSpark.warehouse().toString(), Duration.ofMinutes(2)).orElseThrow();
    try (PipelineLocks.Lease held = locks.acquire(List.of(PipelineLocks.pipelineLock("orders_maintenance")),
        "a run")) {
      String refused = maintain(p, "delta", ExitCodes.CONFLICT);
      assertTrue(refused.contains("a run"), refused);
    }
    String unknown = maintain(p, "delta", ExitCodes.INVALID, "--target", "nope");
    assertTrue(unknown.contains("--target nope: not a target of orders_maintenance (targets: orders)"), unknown);
  }

  /** A Hudi merge-on-read table's log files are compacted; its latest write keeps its lakepipe properties. */
  @Test
  void hudiMergeOnReadLogFilesAreCompacted() throws IOException {
    IncrementalRunTest.Pipeline p = new IncrementalRunTest.Pipeline("hudi", "mnt_hudi_mor",
        IncrementalRunTest.LAYOUT.withStorage(Storage.MERGE_ON_READ));
    p.upsert("1|eu|created|10.00|1|1", "2|us|created|20.00|1|1");
    p.upsert("1|eu|paid|10.00|2|1");
    p.upsert("2|us|paid|20.00|2|1");
    Commit latest = reader(p).latestCommit().orElseThrow();
    List<Row> rows = reader(p).snapshot().orderBy("order_id").collectAsList();

    String maintained = maintain(p, "hudi", ExitCodes.OK);
    assertTrue(maintained.contains(" 2 delete files, 3 commits") && maintained.contains(" 0 delete files, "),
        maintained);
    assertEquals(latest.properties(), reader(p).latestCommit().orElseThrow().properties());
    assertEquals(rows, reader(p).snapshot().orderBy("order_id").collectAsList());
  }

  private static dev.lakepipe.format.TableReader reader(IncrementalRunTest.Pipeline p) {
    return TableFormats.get(p.format).reader(TestSpark.session(), TableAddresses.resolve(TestSpark.settings(),
        TableFormats.get(p.format), "orders", Optional.empty(), Optional.of(p.sourceTable), Map.of()));
  }

  /** Maintains the pipeline's source table with the maintenance spec; retain-commits = 1 where the format has it. */
  private static String maintain(IncrementalRunTest.Pipeline p, String format, int expectedCode, String... options) {
    List<String> args = new ArrayList<>(List.of("maintain", SPEC, "--set", "warehouse=" + TestSpark.warehouse(),
        "--set", "targets.orders.format=" + format, "--set", "targets.orders.table=" + p.sourceTable));
    if (TableFormats.get(format).maintenanceLimit(dev.lakepipe.spec.MaintenanceOption.RETAIN_COMMITS).isEmpty()) {
      args.addAll(List.of("--set", "targets.orders.maintenance.retain-commits=1"));
    }
    args.addAll(List.of(options));
    return p.lakepipeAsIs(args, expectedCode);
  }
}
