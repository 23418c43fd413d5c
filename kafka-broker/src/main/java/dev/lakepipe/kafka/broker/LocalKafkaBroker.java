package dev.lakepipe.kafka.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Apache Kafka broker in KRaft mode (broker and controller in one process) on 127.0.0.1, run in a
 * child JVM on the class path that this module writes to {@code target/broker.classpath}. Plain JDK code, so a test
 * JVM with Spark's own Kafka client on its class path can start one without the broker's jars.
 */
public final class LocalKafkaBroker implements AutoCloseable {
  /** The system property that tests read the broker's class path file from. */
  public static final String CLASSPATH_PROPERTY = "lakepipe.kafka.broker.classpath";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  private static final String STARTED = "Kafka Server started";

  private final Path directory;
  private final int port;
  private final Process process;

  private LocalKafkaBroker(Path directory, int port, Process process) {
    this.directory = directory;
    this.port = port;
    this.process = process;
  }

  /**
   * Starts a broker on free ports, its data and log ({@code broker.log}) under {@code directory}, and waits until it
   * serves.
   *
   * @throws IOException when the directory cannot be written or the JVM cannot be started
   * @throws IllegalStateException when formatting the storage fails, or the broker exits or is not serving after two
   *     minutes (the message holds the end of its log)
   */
  public static LocalKafkaBroker start(Path classpathFile, Path directory) throws IOException {
    return start(classpathFile, directory, freePort());
  }

  /** Starts a broker whose clients connect to {@code port}; see {@link #start(Path, Path)}. */
  public static LocalKafkaBroker start(Path classpathFile, Path directory, int port) throws IOException {
    String classpath = Files.readString(classpathFile).trim();
    Files.createDirectories(directory);
    Path properties = directory.resolve("server.properties");
    Path log4j = directory.resolve("log4j.properties");
    Path log = directory.resolve("broker.log");
    Files.writeString(properties, serverProperties(directory.resolve("data"), port, freePort()));
    Files.writeString(log4j, """
        log4j.rootLogger=INFO, stdout
        log4j.appender.stdout=org.apache.log4j.ConsoleAppender
        log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
        log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
        """);
    String logConfig = "-Dlog4j.configuration=" + log4j.toUri();
    Process format = java(classpath, logConfig, "kafka.tools.StorageTool", "format", "-t", clusterId(), "-c",
        properties.toString()).redirectOutput(log.toFile()).start();
    try {
      if (!format.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || format.exitValue() != 0) {
        format.destroyForcibly();
        throw new IllegalStateException("formatting the Kafka storage failed:\n" + tail(log));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while formatting the Kafka storage", e);
    }
    Process broker = java(classpath, logConfig, "kafka.Kafka", properties.toString())
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    LocalKafkaBroker started = new LocalKafkaBroker(directory, port, broker);
    started.awaitServing(log);
    return started;
  }

  /** {@code 127.0.0.1:port}, for {@code kafka.bootstrap.servers}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public Path directory() {
    return directory;
  }

  /** Stops the broker (SIGTERM, then SIGKILL after 30 s). */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** {@code LocalKafkaBroker CLASSPATH_FILE DIRECTORY [PORT]}: runs a broker until this JVM is stopped. */
  public static void main(String[] args) throws IOException, InterruptedException {
    if (args.length < 2 || args.length > 3) {
      System.err.println("usage: LocalKafkaBroker CLASSPATH_FILE DIRECTORY [PORT]");
      System.exit(2);
    }
    LocalKafkaBroker broker = args.length == 3 ? start(Path.of(args[0]), Path.of(args[1]), Integer.parseInt(args[2]))
        : start(Path.of(args[0]), Path.of(args[1]));
    Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
    System.out.println("kafka broker serving at " + broker.bootstrapServers() + " (log: "
        + broker.directory().resolve("broker.log") + ")");
    System.out.flush();
    broker.process.waitFor();
  }

  private void awaitServing(Path log) throws IOException {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (!Files.readString(log, StandardCharsets.ISO_8859_1).contains(STARTED)) {
      if (!process.isAlive() || Instant.now().isAfter(deadline)) {
        close();
        throw new IllegalStateException("the Kafka broker did not start:\n" + tail(log));
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        close();
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the Kafka broker started", e);
      }
    }
  }

  private static ProcessBuilder java(String classpath, String logConfig, String mainClass, String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", logConfig, "-cp", classpath, mainClass));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true);
  }

  private static String serverProperties(Path data, int port, int controllerPort) {
    return String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "controller.listener.names=CONTROLLER",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs=" + data,
        // One node: every internal topic has one replica.
        "offsets.topic.replication.factor=1",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "num.partitions=2",
        "group.initial.rebalance.delay.ms=0",
        "");
  }

  /**
   * A Kafka cluster id: 16 random bytes, base64url without padding, as {@code StorageTool random-uuid} prints; never
   * one that starts with '-', which the tool's argument parser takes for an option (as Kafka's own ids avoid).
   */
  private static String clusterId() {
    String id;
    do {
      UUID uuid = UUID.randomUUID();
      ByteBuffer bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
          .putLong(uuid.getLeastSignificantBits());
      id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    } while (id.startsWith("-"));
    return id;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
