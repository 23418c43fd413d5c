package dev.lakepipe.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The application jar on a real Spark standalone cluster: a master and a worker, each its own JVM on 127.0.0.1,
 * started from the Spark jars Maven resolved (target/spark-classpath.txt, linked into a minimal Spark home under
 * target/). {@code lakepipe demo} is submitted to it through {@code org.apache.spark.deploy.SparkSubmit} in client
 * mode with conf/env/standalone.conf, so every task runs in an executor JVM the worker launched with only Spark's
 * jars and target/lakepipe.jar on its classpath. The test then reads the Hudi, Delta and Iceberg tables back here and
 * checks that the executors did the work.
 */
class StandaloneClusterIT {
  private static final String HOST = "127.0.0.1";
  private static final Duration SUBMIT_TIMEOUT = Duration.ofMinutes(4);
  private static final int ORDERS = 200;

  private static final Path DIST = Path.of(System.getProperty("lakepipe.dist.dir", "target")).toAbsolutePath();
  private static final Path HOME = Path.of(System.getProperty("lakepipe.home", "..")).toAbsolutePath().normalize();
  private static final Path ROOT = DIST.resolve("standalone-it");
  private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

  private static final List<Process> processes = new ArrayList<>();
  private static String sparkClasspath;
  private static List<String> jvmFlags;
  private static int masterPort;
  private static int masterUiPort;
  private static Path workDir;
  private static Path warehouse;

  @BeforeAll
  static void startCluster() throws Exception {
    sparkClasspath = Files.readString(DIST.resolve("spark-classpath.txt")).trim();
    jvmFlags = Arrays.asList(Files.readString(DIST.resolve("jvm-flags.txt")).trim().split("\\s+"));
    assertTrue(Files.isRegularFile(DIST.resolve("lakepipe.jar")), "run after package: no " + DIST.resolve("lakepipe.jar"));
    deleteTree(ROOT);
    Files.createDirectories(ROOT);
    workDir = Files.createDirectories(ROOT.resolve("work"));
    warehouse = ROOT.resolve("warehouse");

    // The worker builds each executor's command from $SPARK_HOME/jars: give it a Spark home of links to Maven's jars.
    Path sparkHome = Files.createDirectories(ROOT.resolve("spark-home"));
    Path jars = Files.createDirectories(sparkHome.resolve("jars"));
    for (String jar : sparkClasspath.split(java.io.File.pathSeparator)) {
      Path source = Path.of(jar);
      Path link = jars.resolve(source.getFileName());
      if (!Files.exists(link)) {
        Files.createSymbolicLink(link, source);
      }
    }

    masterPort = freePort();
    masterUiPort = freePort();
    processes.add(start("master", List.of("org.apache.spark.deploy.master.Master", "--host", HOST,
        "--port", String.valueOf(masterPort), "--webui-port", String.valueOf(masterUiPort)), sparkHome));
    awaitMaster(json -> json.contains("\"status\" : \"ALIVE\""), "the master is alive");
    processes.add(start("worker", List.of("org.apache.spark.deploy.worker.Worker", "--host", HOST,
        "--port", String.valueOf(freePort()), "--webui-port", String.valueOf(freePort()),
        "--cores", "1", "--memory", "1g", "--work-dir", workDir.toString(), masterUrl()), sparkHome));
    awaitMaster(json -> json.contains("\"aliveworkers\" : 1"), "a worker registered");
  }

  @AfterAll
  static void stopCluster() {
    for (Process process : processes) {
      destroyTree(process);
    }
    if (SparkSession.getDefaultSession().isDefined()) {
      SparkSession.getDefaultSession().get().stop();
    }
  }

  @Test
  void demoSubmittedToTheClusterWritesEveryFormat() throws Exception {
    Path log = ROOT.resolve("submit.log");
    List<String> command = new ArrayList<>();
    command.add(JAVA);
    command.add("-Xmx1g");
    command.addAll(jvmFlags); // the driver runs in this JVM (client mode)
    command.addAll(List.of("-cp", sparkClasspath, "org.apache.spark.deploy.SparkSubmit",
        "--master", masterUrl(), "--deploy-mode", "client",
        "--class", "dev.lakepipe.cli.Lakepipe",
        "--executor-memory", "1g", "--total-executor-cores", "1",
        "--conf", "spark.driver.host=" + HOST, "--conf", "spark.driver.bindAddress=" + HOST,
        "--conf", "spark.executor.extraJavaOptions=" + String.join(" ", jvmFlags),
        "--conf", "spark.ui.enabled=false",
        DIST.resolve("lakepipe.jar").toString(),
        "demo", "--days", "1", "--orders-per-day", String.valueOf(ORDERS),
        "--spec", HOME.resolve("conf/jobs/orders.conf").toString(),
        "--env-file", HOME.resolve("conf/env/standalone.conf").toString(),
        "--set", "warehouse=" + warehouse));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("SPARK_LOCAL_IP", HOST);
    builder.environment().put("LAKEPIPE_HOME", HOME.toString());
    long start = System.nanoTime();
    Process submit = builder.start();
    processes.add(submit);
    if (!submit.waitFor(SUBMIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      destroyTree(submit);
      fail("the submit did not finish in " + SUBMIT_TIMEOUT + "\n" + tail(log));
    }
    System.out.printf("submit exited %d after %.1f s%n", submit.exitValue(), (System.nanoTime() - start) / 1e9);
    assertEquals(0, submit.exitValue(), () -> "spark-submit failed\n" + tail(log));

    // The application finished on the master, and its executor ran tasks in a process the worker launched, with
    // lakepipe.jar fetched from the driver: nothing but Spark's jars and the application jar on its classpath.
    String master = masterJson();
    assertTrue(master.contains("\"name\" : \"lakepipe orders\"") && master.contains("\"state\" : \"FINISHED\""),
        "no finished lakepipe application on the master: " + master);
    List<Path> executorLogs;
    try (Stream<Path> files = Files.walk(workDir)) {
      executorLogs = files.filter(p -> p.getFileName().toString().equals("stderr")).collect(Collectors.toList());
    }
    assertTrue(!executorLogs.isEmpty(), "no executor was launched under " + workDir);
    StringBuilder logs = new StringBuilder();
    for (Path executorLogFile : executorLogs) {
      logs.append(Files.readString(executorLogFile));
    }
    String executorLog = logs.toString();
    assertTrue(executorLog.contains("CoarseGrainedExecutorBackend"), "not an executor's log: " + executorLogs);
    assertTrue(executorLog.matches("(?s).*Fetching spark://\\S+/jars/lakepipe\\.jar.*"),
        "the executor did not fetch lakepipe.jar from the driver");
    long tasks = executorLog.lines().filter(line -> line.contains("Finished task")).count();
    assertTrue(tasks > 0, "the executor ran no task");
    assertTrue(!executorLog.contains("ClassNotFoundException") && !executorLog.contains("NoClassDefFoundError"),
        "class loading failed in an executor: " + executorLogs);
    System.out.printf("the executor finished %d tasks%n", tasks);

    // The tables, read back here by the formats' own readers, hold the run's orders and agree with each other.
    SparkSession spark = SparkSession.builder().master("local[1]").appName("StandaloneClusterIT")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension,"
            + "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions,"
            + "org.apache.spark.sql.hudi.HoodieSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .config("spark.kryo.registrator", "org.apache.spark.HoodieSparkKryoRegistrar")
        .getOrCreate();
    Dataset<Row> orders = spark.read().format("hudi").load(warehouse.resolve("dw/order_detail").toString());
    Dataset<Row> gmv = spark.read().format("delta").load(warehouse.resolve("dw/gmv_by_shop_day").toString());
    Dataset<Row> statuses = spark.read().format("iceberg").load(warehouse.resolve("dw/order_status_daily").toString());

    long orderRows = orders.count();
    assertTrue(orderRows > 0 && orderRows <= ORDERS, "hudi order_detail rows: " + orderRows);
    assertEquals(orderRows, orders.select("order_id").distinct().count(), "order_detail keys are unique");
    assertTrue(gmv.count() > 0, "delta gmv_by_shop_day is empty");
    assertTrue(statuses.count() > 0, "iceberg order_status_daily is empty");
    assertEquals(orderRows, sumLong(gmv, "orders"), "gmv_by_shop_day counts every order once");
    assertEquals(orderRows, sumLong(statuses, "orders"), "order_status_daily counts every order once");
    assertEquals(0, orders.selectExpr("sum(amount)").first().getDecimal(0)
            .compareTo(statuses.selectExpr("sum(amount)").first().getDecimal(0)),
        "order_status_daily's amounts add up to order_detail's");
    System.out.printf("hudi order_detail %d rows, delta gmv_by_shop_day %d rows, iceberg order_status_daily %d rows%n",
        orderRows, gmv.count(), statuses.count());
  }

  private static long sumLong(Dataset<Row> table, String column) {
    return ((Number) table.selectExpr("sum(" + column + ")").first().get(0)).longValue();
  }

  private static String masterUrl() {
    return "spark://" + HOST + ":" + masterPort;
  }

  private static Process start(String name, List<String> mainAndArgs, Path sparkHome) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(JAVA);
    command.add("-Xmx512m");
    command.addAll(jvmFlags);
    command.add("-cp");
    command.add(sparkClasspath);
    command.addAll(mainAndArgs);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ROOT.resolve(name + ".log").toFile());
    Map<String, String> env = builder.environment();
    env.put("SPARK_HOME", sparkHome.toString());
    // Without it the launcher looks for a Spark source build (launcher/target/scala-2.12) to guess the Scala version.
    env.put("SPARK_SCALA_VERSION", "2.12");
    env.put("SPARK_LOCAL_IP", HOST);
    env.put("JAVA_HOME", System.getProperty("java.home"));
    return builder.start();
  }

  private interface Check {
    boolean test(String json);
  }

  private static void awaitMaster(Check check, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      for (Process process : processes) {
        if (!process.isAlive()) {
          fail("a cluster process exited (" + process.exitValue() + ") before " + what + "\n" + logs());
        }
      }
      try {
        last = masterJson();
        if (check.test(last)) {
          return;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(500);
    }
    fail("timed out waiting until " + what + ": " + last + "\n" + logs());
  }

  private static String masterJson() throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + masterUiPort + "/json/"))
        .timeout(Duration.ofSeconds(5)).build();
    return client.send(request, HttpResponse.BodyHandlers.ofString()).body();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    }
  }

  /** Stops a process and everything it started (the worker's executors), forcibly after 15 seconds. */
  private static void destroyTree(Process process) {
    List<ProcessHandle> all = new ArrayList<>(process.descendants().collect(Collectors.toList()));
    all.add(process.toHandle());
    all.forEach(ProcessHandle::destroy);
    for (ProcessHandle handle : all) {
      try {
        handle.onExit().get(15, TimeUnit.SECONDS);
      } catch (Exception e) {
        handle.destroyForcibly();
      }
    }
  }

  private static String logs() {
    return Stream.of("master.log", "worker.log").map(name -> name + ":\n" + tail(ROOT.resolve(name)))
        .collect(Collectors.joining("\n"));
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no " + log + ": " + e + ")";
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(path -> {
        try {
          Files.delete(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
