package dev.lakepipe.pipelines.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.cli.MemoryPeaks;
import dev.lakepipe.cli.Runs;
import dev.lakepipe.cli.VerboseOption;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.pipelines.EcommerceGenerator;
import dev.lakepipe.run.NodeResult;
import dev.lakepipe.run.RunResult;
import dev.lakepipe.run.SparkSessions;
import dev.lakepipe.spec.InvalidSpecException;
import dev.lakepipe.spec.JobSpec;
import dev.lakepipe.spec.SpecLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lakepipe bench quality}: the cost of the write-audit-publish gate on an hourly run. The hour's order events
 * (latest version per order, with its shop) are upserted into a table of each format that holds every earlier order,
 * three ways, in turns: without checks, with the full check set of the spec (one Deequ pass), and without checks
 * followed by the same checks as one Spark query each. Prints one JSON line per format with the median seconds of
 * each, the overhead (with checks / without), the median time of the checked runs' audit node (the gate's own share)
 * and the peak heap.
 *
 * <p>The specs are written to the scratch warehouse, so they are loaded with an environment profile named on the
 * command line (by default {@code conf/env/local.conf}, which a spec under {@code conf/} gets on its own): without
 * one, Spark's 200 shuffle partitions split an hour of a few thousand rows into 200 tasks at every scan of a cached
 * step, which a user of the local profile never pays.
 */
@Command(name = "quality", mixinStandardHelpOptions = true,
    description = "Time an hourly run without checks, with its check set (one Deequ pass), and with the same checks"
        + " as separate Spark queries; prints one JSON line.")
public final class QualityBench implements Callable<Integer> {
  /** The checks of the checked run: row checks, key uniqueness, row count, a referential and an anomaly check. */
  static final String CHECKS = """
      checks {
        order_id_complete { kind = completeness, column = order_id }
        order_id_unique { kind = uniqueness, columns = [order_id], scope = rows }
        amount_non_negative { kind = non-negative, column = amount }
        status_known { kind = allowed-values, column = status,
          values = [created, paid, shipped, delivered, refunded, cancelled] }
        updated_after_created { kind = predicate, sql = "updated_at >= created_at" }
        some_orders { kind = row-count, min = 1 }
        shop_known { kind = referential, column = shop_id, reference = shops, reference-column = shop_id }
        hourly_orders { kind = rate-of-change, metric = size, max-decrease = 0.9, max-increase = 10 }
      }
      """;
  /** The same checks as separate queries: each counts the rows (or keys) that break one check. */
  static final List<String> SEPARATE_QUERIES = List.of(
      "SELECT count(*) FROM hourly WHERE order_id IS NULL",
      "SELECT count(*) FROM (SELECT order_id FROM hourly GROUP BY order_id HAVING count(*) > 1)",
      "SELECT count(*) FROM hourly WHERE amount < 0",
      "SELECT count(*) FROM hourly WHERE status NOT IN ('created', 'paid', 'shipped', 'delivered', 'refunded',"
          + " 'cancelled')",
      "SELECT count(*) FROM hourly WHERE NOT coalesce(updated_at >= created_at, false)",
      "SELECT count(*) FROM hourly",
      "SELECT count(*) FROM hourly h LEFT ANTI JOIN shops s ON h.shop_id = s.shop_id",
      "SELECT count(*) FROM hourly");
  private static final String SPEC = """
      name = %s
      warehouse = "%s"
      sources {
        events { format = parquet, path = "%s" }
        shops { format = parquet, path = raw/shops }
      }
      steps {
        hourly {
          sql = \"""
            SELECT o.order_id, o.user_id, o.shop_id, s.shop_name, o.status, o.amount, o.created_at, o.updated_at,
                   o.order_date
            FROM (SELECT *, row_number() OVER (PARTITION BY order_id ORDER BY updated_at DESC) AS recency
                  FROM events) o
            LEFT JOIN shops s ON s.shop_id = o.shop_id
            WHERE o.recency = 1 AND o.op <> 'D'
          \"""
        }
      }
      targets {
        order_detail {
          from = hourly, format = %s, table = dw.order_detail_%s, mode = upsert, keys = [order_id],
          order-by = updated_at
          %s
        }
      }
      """;

  @Mixin
  VerboseOption verbose;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "all",
      description = "hudi, delta, iceberg or all (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--orders-per-day", paramLabel = "N", defaultValue = "200000",
      description = "Orders created per day (default: ${DEFAULT-VALUE}).")
  long ordersPerDay;

  @Option(names = "--days", paramLabel = "N", defaultValue = "3", description = "Days of history (default: 3).")
  int days;

  @Option(names = "--rounds", paramLabel = "N", defaultValue = "5",
      description = "Hours measured after one that warms up; each is run the three ways in turn (default:"
          + " ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--warehouse", paramLabel = "DIR", description = "Scratch warehouse (default: a new temporary folder,"
      + " deleted at the end).")
  Path warehouse;

  @Option(names = "--env-file", paramLabel = "FILE",
      defaultValue = "${env:LAKEPIPE_HOME:-.}/conf/env/local.conf",
      description = "Environment profile of the measured runs (default: ${DEFAULT-VALUE}).")
  Path envFile;

  @Spec
  CommandSpec command;

  /** @throws ParameterException for an unknown format or a size out of range */
  @Override
  public Integer call() throws IOException, InvalidSpecException {
    List<String> formats = format.equals("all") ? List.of("hudi", "delta", "iceberg") : List.of(format);
    if (!TableFormats.all().keySet().containsAll(formats) || ordersPerDay < 1 || days < 1 || rounds < 1) {
      throw new ParameterException(command.commandLine(), "--format must be hudi, delta, iceberg or all;"
          + " --orders-per-day, --days and --rounds positive");
    }
    verbose.apply();
    try (WorkFolder root = WorkFolder.namedOrTemporary(warehouse, "lakepipe-bench-quality-")) {
      EcommerceGenerator.Config config = new EcommerceGenerator.Config(42, LocalDate.parse("2026-11-01"), days,
          ordersPerDay, 100);
      SparkSession spark = SparkSessions.getOrCreate(Runs.withConsoleProgress(
          spec(root.path(), formats.get(0), "bench_load", "raw/order_events", "").settings()));
      // The history and every measured hour are generated once, before any is timed; each format reads the same.
      EcommerceGenerator generator = new EcommerceGenerator(spark, config);
      generator.shops().write().mode(SaveMode.Overwrite).parquet(root.path() + "/raw/shops");
      generator.orderEvents(config.start(), config.end()).write().mode(SaveMode.Overwrite)
          .parquet(root.path() + "/raw/order_events");
      for (int round = 0; round <= rounds; round++) {
        Instant hour = hour(config, round);
        generator.orderEvents(hour, hour.plus(Duration.ofHours(1))).write().mode(SaveMode.Overwrite)
            .parquet(root.path() + "/" + hourFolder(round));
      }
      for (String tableFormat : formats) {
        PrintWriter out = command.commandLine().getOut();
        out.println(new ObjectMapper().writeValueAsString(measure(spark, root.path(), config, tableFormat)));
        out.flush();
      }
    }
    return ExitCodes.OK;
  }

  /** The measured hours follow the loaded history: updates of old orders and new ones. */
  private static Instant hour(EcommerceGenerator.Config config, int round) {
    return config.end().plus(Duration.ofHours(round));
  }

  private static String hourFolder(int round) {
    return "raw/hour_" + round;
  }

  private Map<String, Object> measure(SparkSession spark, Path root, EcommerceGenerator.Config config,
      String tableFormat) throws IOException, InvalidSpecException {
    PrintWriter quiet = new PrintWriter(Writer.nullWriter());
    Runs.run(spec(root, tableFormat, "bench_load", "raw/order_events", ""), config.end(), quiet);

    List<Double> without = new ArrayList<>();
    List<Double> with = new ArrayList<>();
    List<Double> separate = new ArrayList<>();
    List<Double> audits = new ArrayList<>();
    MemoryPeaks.resetPeaks();
    // Hour 0 warms up (classes, generated code, each table's first merge) and is not measured.
    for (int round = 0; round <= rounds; round++) {
      Instant hour = hour(config, round);
      String folder = hourFolder(round);
      JobSpec plain = spec(root, tableFormat, "bench_plain", folder, "");
      JobSpec checked = spec(root, tableFormat, "bench_checked", folder, CHECKS);
      double plainSeconds = Measures.seconds(() -> Runs.run(plain, hour, quiet));
      Measures.Timed<RunResult> checkedRun = Measures.timed(() -> Runs.run(checked, hour, quiet));
      double separateSeconds = Measures.seconds(() -> {
        Runs.run(plain, hour, quiet);
        spark.read().parquet(root + "/" + folder).createOrReplaceTempView("events");
        spark.read().parquet(root + "/raw/shops").createOrReplaceTempView("shops");
        Dataset<Row> hourly = spark.sql(plain.steps().get("hourly").sql().orElseThrow()).cache();
        hourly.createOrReplaceTempView("hourly");
        SEPARATE_QUERIES.forEach(query -> spark.sql(query).collectAsList());
        hourly.unpersist();
        return null;
      });
      if (round > 0) {
        without.add(plainSeconds);
        with.add(checkedRun.seconds());
        audits.add(checkedRun.result().node(NodeResult.Kind.AUDIT, "order_detail").seconds());
        separate.add(separateSeconds);
      }
    }
    double withoutS = Measures.median(without);
    double withS = Measures.median(with);
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("format", tableFormat);
    line.put("without_checks_s", Measures.rounded(withoutS, 2));
    line.put("with_checks_s", Measures.rounded(withS, 2));
    line.put("separate_queries_s", Measures.rounded(Measures.median(separate), 2));
    line.put("overhead", Measures.rounded(withS / withoutS, 3));
    line.put("audit_s", Measures.rounded(Measures.median(audits), 2));
    line.put("without_checks_s_each", each(without));
    line.put("with_checks_s_each", each(with));
    line.put("peak_heap_mb", MemoryPeaks.peakHeapMegabytes());
    line.put("orders_per_day", ordersPerDay);
    line.put("days", days);
    line.put("rounds", rounds);
    return line;
  }

  private static List<BigDecimal> each(List<Double> seconds) {
    return seconds.stream().map(s -> Measures.rounded(s, 2)).toList();
  }

  /** A spec of its own per format (its name keys the checks' metric history), writing that format's table. */
  private JobSpec spec(Path root, String tableFormat, String name, String events, String checks) throws IOException,
      InvalidSpecException {
    String specName = name + "_" + tableFormat;
    Path file = root.resolve(specName + ".conf");
    Files.writeString(file, SPEC.formatted(specName, root, events, tableFormat, tableFormat, checks));
    return new SpecLoader(TableFormats.all(), System::getenv).load(file,
        new SpecLoader.Options(Optional.empty(), Optional.of(envFile), List.of()));
  }
}
