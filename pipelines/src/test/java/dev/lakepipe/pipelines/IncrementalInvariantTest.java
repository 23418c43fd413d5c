package dev.lakepipe.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.cli.Lakepipe;
import dev.lakepipe.format.Commit;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableAddresses;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.testing.TestSpark;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The invariant of incremental runs, on generated marketplace history and real tables of each format: a daily full
 * run, then three incremental runs of four hours' changes each while orders change status (updates to old order_date
 * partitions, late events, deletes), and, in the second and third, shops are renamed, recategorised, added and
 * removed, end with the same tables, row for row,
 * as a fresh full run over the same source snapshots: for a row-wise target, an aggregate (GMV by shop and day)
 * and a join of two changing sources. A rerun of an hour commits nothing. One subclass per format, so that test
 * JVMs running side by side share the formats.
 */
abstract class IncrementalInvariantTest {
  private static final String SPEC =
      Path.of(System.getProperty("lakepipe.conf.dir"), "jobs", "marketplace_hourly.conf").toString();
  private static final List<String> TARGETS = List.of("paid_orders", "gmv_by_shop_day", "order_detail");
  private static final EcommerceGenerator.Config CONFIG =
      new EcommerceGenerator.Config(7, LocalDate.parse("2026-11-01"), 4, 120, 8);
  /** Three runs of four hours' changes each: twelve hours of changes in a quarter of the runs (the suite's budget). */
  private static final int RUNS = 3;
  private static final Duration STEP = Duration.ofHours(4);

  /** The sources of one format and the runs over them. */
  private static final class Sources {
    final String format;
    final MarketplaceTables tables;

    Sources(String format) {
      this.format = format;
      this.tables = new MarketplaceTables(TestSpark.session(), TestSpark.settings(), format, "src_" + format);
    }

    /** Runs the spec into the target tables of a prefix; returns what it printed. */
    String run(String mode, Instant logicalTime, String targets) {
      return run(mode, logicalTime, targets, Map.of());
    }

    /** Runs the spec into the target tables of a prefix, each target with these settings; returns what it printed. */
    String run(String mode, Instant logicalTime, String targets, Map<String, String> targetSettings) {
      List<String> args = new ArrayList<>(List.of("run", SPEC, "--mode", mode, "--logical-time",
          logicalTime.toString(), "--set", "warehouse=" + TestSpark.warehouse(),
          "--set", "name=" + targets,
          "--set", "sources.orders.format=" + format, "--set", "sources.orders.table=src_" + format + ".orders",
          "--set", "sources.shops.format=" + format, "--set", "sources.shops.table=src_" + format + ".shops"));
      for (String target : TARGETS) {
        args.addAll(List.of("--set", "targets." + target + ".format=" + format,
            "--set", "targets." + target + ".table=" + targets + "." + target));
        targetSettings.forEach((key, value) -> args.addAll(List.of("--set", "targets." + target + "." + key + "="
            + value)));
      }
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = Lakepipe.execute(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
      assertEquals(ExitCodes.OK, code, out + "\n" + err);
      return out + "\n" + err;
    }

    TableReader target(String targets, String target) {
      return TableFormats.get(format).reader(TestSpark.session(), address(format, targets + "." + target));
    }

    /** The rows of a target, columns in name order, sorted. */
    List<String> rows(String targets, String target) {
      Dataset<Row> rows = target(targets, target).snapshot();
      String[] columns = Arrays.stream(rows.columns()).sorted().toArray(String[]::new);
      return rows.selectExpr(columns).collectAsList().stream().map(Row::toString).sorted().toList();
    }
  }

  private static TableAddress address(String format, String table) {
    return TableAddresses.resolve(TestSpark.settings(), TableFormats.get(format), table, Optional.empty(),
        Optional.of(table), Map.of());
  }

  /** The format of the sources and targets. */
  abstract String format();

  /** Settings of every target that the incremental runs maintain (the fresh full run's targets have none). */
  Map<String, String> liveTargetSettings() {
    return Map.of();
  }

  /** Checks what {@link #liveTargetSettings} asks of a target that the incremental runs maintained. */
  void checkLiveTarget(TableAddress target) {
  }

  @Test
  void hourlyIncrementsEndWhereAFreshFullRunDoes() {
    String format = format();
    EcommerceGenerator generator = new EcommerceGenerator(TestSpark.session(), CONFIG);
    Sources sources = new Sources(format);
    Instant daily = CONFIG.start().plus(Duration.ofDays(3));
    sources.tables.applyOrderEvents(generator.orderEvents(CONFIG.start(), daily));
    sources.tables.upsertShops(generator.shops());
    String live = "live_" + format;
    sources.run("full", daily, live, liveTargetSettings());

    for (int run = 1; run <= RUNS; run++) {
      Instant logicalTime = daily.plus(STEP.multipliedBy(run));
      sources.tables.applyOrderEvents(generator.orderEvents(logicalTime.minus(STEP), logicalTime));
      switch (run) {
        case 2 -> sources.tables.upsertShops(sql("SELECT shop_id, shop_name, category, region FROM VALUES"
            + " (1L, 'renamed-1', 'books', 'eu'), (2L, 'shop-00002', 'garden', 'us'),"
            + " (3L, 'shop-00003', 'garden', 'eu'), (9L, 'shop-00009', 'toys', 'asia')"
            + " AS t(shop_id, shop_name, category, region)"));
        case 3 -> sources.tables.deleteShops(sql("SELECT 4L AS shop_id"));
        default -> { }
      }
      String output = sources.run("incremental", logicalTime, live, liveTargetSettings());
      assertTrue(output.contains("naming"), "affected keys were computed: " + output);
      // paid_orders and order_detail are unique by their keys (order_id is the orders' key; shops join by theirs).
      assertEquals(2, output.split("no latest-wins pass", -1).length - 1, output);
      // Only orders changed in the first run: order_detail takes their rows from their changes, not the table.
      assertEquals(run == 1, output.contains("only the latest images of its changed keys [order_id]"), output);
      if (run == RUNS) {
        Map<String, Commit> before = latestCommits(sources, live);
        String rerun = sources.run("incremental", logicalTime, live, liveTargetSettings());
        assertEquals(3, rerun.split("already done for this logical time", -1).length - 1, rerun);
        assertEquals(before, latestCommits(sources, live));
      }
    }

    String fresh = "fresh_" + format;
    sources.run("full", daily.plus(STEP.multipliedBy(RUNS)), fresh);
    for (String target : TARGETS) {
      List<String> expected = sources.rows(fresh, target);
      assertTrue(expected.size() > 20, target + " has rows to compare: " + expected.size());
      assertEquals(expected, sources.rows(live, target), target + " after " + RUNS + " increments");
      checkLiveTarget(address(format, live + "." + target));
    }
  }

  private static Dataset<Row> sql(String query) {
    return TestSpark.session().sql(query);
  }

  private static Map<String, Commit> latestCommits(Sources sources, String targets) {
    Map<String, Commit> commits = new java.util.TreeMap<>();
    TARGETS.forEach(t -> commits.put(t, sources.target(targets, t).latestCommit().orElseThrow()));
    return commits;
  }
}
