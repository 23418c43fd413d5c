package dev.lakepipe.pipelines;

import static java.util.stream.Collectors.joining;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.cli.Lakepipe;
import dev.lakepipe.format.Commit;
import dev.lakepipe.format.TableAddresses;
import dev.lakepipe.format.TableFormat;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.plainspark.PlainSparkRead;
import dev.lakepipe.spec.InvalidSpecException;
import dev.lakepipe.spec.JobSpec;
import dev.lakepipe.spec.SpecLoader;
import dev.lakepipe.spec.TargetSpec;
import dev.lakepipe.testing.TestSpark;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code lakepipe demo} once at a tiny scale, then checks every target against the same results computed
 * independently from the generated raw data, in this JVM and in a plain Spark JVM without lakepipe.
 */
class OrdersDemoTest {
  private static final Path SPEC = Path.of(System.getProperty("lakepipe.conf.dir"), "jobs", "orders.conf");
  private static final String[] SIZE = {"--orders-per-day", "200", "--days", "3", "--shops", "20", "--seed", "42"};

  /** The live orders by a formulation other than the pipeline's: events at their order's latest time. */
  private static final String EXPECTED_LIVE_ORDERS = """
      SELECT e.order_id, e.user_id, e.shop_id, e.status, e.amount, e.created_at, e.updated_at, e.order_date
      FROM raw_order_events e
      JOIN (SELECT order_id, max(updated_at) AS last_update FROM raw_order_events GROUP BY order_id) l
        ON e.order_id = l.order_id AND e.updated_at = l.last_update
      WHERE e.op = 'U'
      """;
  private static final String EXPECTED_ORDER_DETAIL = """
      SELECT o.order_id, o.user_id, o.shop_id, s.shop_name, s.category, o.status, o.amount, o.created_at,
             o.updated_at, o.order_date
      FROM expected_live_orders o JOIN raw_shops s ON o.shop_id = s.shop_id
      """;
  private static final String EXPECTED_GMV_BY_SHOP_DAY = """
      SELECT order_date, shop_id, count(*) AS orders,
             sum(CASE WHEN status IN ('paid', 'shipped', 'delivered') THEN amount ELSE 0 END) AS gmv
      FROM expected_live_orders GROUP BY order_date, shop_id
      """;
  private static final String EXPECTED_ORDER_STATUS_DAILY = """
      SELECT order_date, status, count(*) AS orders, sum(amount) AS amount
      FROM expected_live_orders GROUP BY order_date, status
      """;

  private static SparkSession spark;
  /** The test session's warehouse: its Iceberg catalog is already bound to this folder. */
  private static Path warehouse;
  private static String output;
  private static JobSpec spec;

  @BeforeAll
  static void runDemo() throws InvalidSpecException {
    spark = TestSpark.session();
    warehouse = TestSpark.warehouse();
    List<String> args = new ArrayList<>(List.of("demo", "--spec", SPEC.toString()));
    args.addAll(List.of(SIZE));
    args.addAll(List.of("--set", "warehouse=" + warehouse));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode = Lakepipe.execute(new PrintWriter(out), new PrintWriter(err), args.toArray(String[]::new));
    output = out.toString();
    assertEquals(0, exitCode, "demo failed:\n" + output + err);

    spec = new SpecLoader(TableFormats.all(), System::getenv).load(SPEC,
        new SpecLoader.Options(Optional.empty(), Optional.empty(), List.of("warehouse=" + warehouse)));
    spark.read().parquet(warehouse + "/raw/" + EcommerceGenerator.ORDER_EVENTS)
        .createOrReplaceTempView("raw_order_events");
    spark.read().parquet(warehouse + "/raw/" + EcommerceGenerator.SHOPS).createOrReplaceTempView("raw_shops");
    spark.sql(EXPECTED_LIVE_ORDERS).createOrReplaceTempView("expected_live_orders");
  }

  @Test
  void demoShowsEveryTargetWithItsRowsAndLatestCommit() {
    assertTrue(output.startsWith("generating 600 orders of 3 days from 2026-11-01, 20 shops, seed 42 into "
        + warehouse + "/raw\n"), output);
    assertTrue(output.contains("lakepipe run orders  logical-time 2026-11-04T00:00:00Z"), output);
    for (TargetSpec target : spec.targets().values()) {
      TableReader reader = reader(target.name());
      String commit = reader.latestCommit().map(Commit::id).orElseThrow();
      String rows = String.format(Locale.ROOT, "%,d", reader.snapshot().count());
      Pattern line = Pattern.compile("(?m)^" + Pattern.quote(target.name()) + " +" + Pattern.quote(target.format())
          + " +" + Pattern.quote(rows) + " +" + Pattern.quote(commit) + " +\\S+$");
      assertTrue(line.matcher(output).find(), target.name() + " " + rows + " " + commit + " in\n" + output);
    }
    assertTrue(Pattern.compile("(?m)^demo done in \\d+\\.\\d s$").matcher(output).find(), output);
  }

  @Test
  void orderDetailHoldsTheLatestVersionOfEveryLiveOrder() {
    assertSameContent(spark.sql(EXPECTED_ORDER_DETAIL), table("order_detail"));
  }

  @Test
  void orderDetailHasOneRowPerLiveOrder() {
    Row orders = spark.sql("""
        SELECT count(*), count_if(last_op = 'U')
        FROM (SELECT order_id, max_by(op, updated_at) AS last_op FROM raw_order_events GROUP BY order_id)
        """).head();
    long live = orders.getLong(1);
    assertTrue(live < orders.getLong(0), "some orders were deleted: " + orders);
    Row stored = table("order_detail").selectExpr("count(*)", "count(DISTINCT order_id)").head();
    assertEquals(live, stored.getLong(0));
    assertEquals(live, stored.getLong(1));
  }

  @Test
  void gmvByShopDayAddsUpTheLiveOrders() {
    assertSameContent(spark.sql(EXPECTED_GMV_BY_SHOP_DAY), table("gmv_by_shop_day"));
  }

  @Test
  void orderStatusDailyCountsTheLiveOrders() {
    assertSameContent(spark.sql(EXPECTED_ORDER_STATUS_DAILY), table("order_status_daily"));
  }

  @Test
  void plainSparkWithoutLakepipeReadsTheSameTables() throws IOException, InterruptedException, URISyntaxException {
    Path logs = Files.createTempDirectory(Path.of(System.getProperty("lakepipe.test.tmp")), "plain-spark-");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Arrays.asList(System.getProperty("lakepipe.test.jvmFlags").trim().split("\\s+")));
    command.addAll(List.of("-Xmx1g", "-cp", classPathWithoutLakepipe(), PlainSparkRead.class.getName(),
        warehouse.toString()));
    // In the log folder, so that whatever Spark writes to its working directory stays there.
    Process child = new ProcessBuilder(command)
        .directory(logs.toFile())
        .redirectOutput(logs.resolve("stdout.txt").toFile())
        .redirectError(logs.resolve("stderr.txt").toFile())
        .start();
    if (!child.waitFor(3, TimeUnit.MINUTES)) {
      child.destroyForcibly();
    }
    assertEquals(0, child.exitValue(), "plain Spark failed; see " + logs);

    Map<String, String> expected = new TreeMap<>(Map.of(
        "order_detail", PlainSparkRead.fingerprint(spark.sql(EXPECTED_ORDER_DETAIL)),
        "gmv_by_shop_day", PlainSparkRead.fingerprint(spark.sql(EXPECTED_GMV_BY_SHOP_DAY)),
        "order_status_daily", PlainSparkRead.fingerprint(spark.sql(EXPECTED_ORDER_STATUS_DAILY)),
        PlainSparkRead.FRAMEWORK_VISIBLE, "false"));
    Map<String, String> printed = new TreeMap<>();
    // Libraries print to stdout as well; only the lines of the tables count.
    for (String line : Files.readAllLines(logs.resolve("stdout.txt"))) {
      String[] nameAndValue = line.split(" ", 2);
      if (expected.containsKey(nameAndValue[0])) {
        printed.put(nameAndValue[0], nameAndValue[1]);
      }
    }
    assertEquals(expected, printed);
  }

  /** This JVM's class path without lakepipe's modules, but with the test classes holding the plain reader. */
  private static String classPathWithoutLakepipe() throws URISyntaxException {
    // Surefire launches tests through a manifest-only jar and passes the real class path in this property.
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Path plainReader = Path.of(PlainSparkRead.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    return Arrays.stream(classPath.split(File.pathSeparator))
        .filter(entry -> {
          Path path = Path.of(entry);
          boolean moduleJar = path.getFileName().toString().matches("lakepipe-.*\\.jar");
          boolean moduleClasses = Files.isDirectory(path.resolve("dev/lakepipe")) && !path.equals(plainReader);
          return !moduleJar && !moduleClasses;
        })
        .collect(joining(File.pathSeparator));
  }

  private static TableReader reader(String targetName) {
    TargetSpec target = spec.targets().get(targetName);
    TableFormat format = TableFormats.get(target.format());
    return format.reader(spark, TableAddresses.resolve(spec.settings(), format, target.name(), target.path(),
        target.table(), target.options()));
  }

  private static Dataset<Row> table(String targetName) {
    return reader(targetName).snapshot();
  }

  /** The same columns, in the same order with the same types, and the same rows, each as often. */
  private static void assertSameContent(Dataset<Row> expected, Dataset<Row> actual) {
    assertEquals(columns(expected), columns(actual));
    assertEquals(List.of(), actual.exceptAll(expected).limit(10).collectAsList(), "rows not expected");
    assertEquals(List.of(), expected.exceptAll(actual).limit(10).collectAsList(), "rows missing");
    assertEquals(expected.count(), actual.count());
  }

  private static String columns(Dataset<Row> rows) {
    return Arrays.stream(rows.schema().fields()).map(f -> f.name() + " " + f.dataType().sql()).collect(joining(", "));
  }
}
