package dev.lakepipe.testing;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakepipe.cli.CliSession;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A lakepipe JVM of a test's own, which the test may kill at any moment: a {@link CliSession} that runs command
 * lines one after another as the {@code lakepipe} launcher would, without a JVM and Spark start for each, so that
 * every command after the first runs warm, as a run of a long-lived scheduler's worker would.
 */
public final class ChildJvm implements AutoCloseable {
  /** The exit code of a process ended by SIGKILL. */
  public static final int SIGKILL_EXIT = 128 + 9;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long REPLY_MINUTES = 10;

  private final Process process;
  private final PrintWriter commands;
  private final BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
  private final Path logs;
  private volatile Exception readFailure;

  /** What one command line printed, and its exit code. */
  public record Reply(int code, String out, String err) {}

  private ChildJvm(Path logs, Map<String, String> environment) throws IOException {
    this.logs = logs;
    ProcessBuilder builder = new ProcessBuilder(javaCommand(CliSession.class.getName())).directory(logs.toFile())
        .redirectError(logs.resolve("stderr.txt").toFile());
    builder.environment().putAll(environment);
    process = builder.start();
    commands = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    Thread reader = new Thread(this::readReplies, "child-jvm-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts a child JVM in a fresh folder under {@code parent}, where Spark's working files and the child's
   * standard error go.
   *
   * @param environment variables added to the child's environment
   */
  public static ChildJvm start(Path parent, Map<String, String> environment) throws IOException {
    return new ChildJvm(Files.createTempDirectory(parent, "child-"), environment);
  }

  /**
   * The command that runs {@code mainClass} on the tests' class path with the flags the tests' own JVMs have:
   * a small heap, the quick compiler only and one GC thread, which start and run tiny jobs sooner.
   */
  public static List<String> javaCommand(String mainClass) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Arrays.asList(System.getProperty("lakepipe.test.jvmFlags").trim().split("\\s+")));
    // Surefire launches tests through a manifest-only jar and passes the real class path in this property.
    // C1 alone reserves a 48 MB code cache; full, the JVM stops compiling (see lakepipe.test.jvm in the parent pom).
    command.addAll(List.of("-Xmx1g", "-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=256m", "-XX:+UseSerialGC",
        "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")), mainClass));
    return command;
  }

  private void readReplies() {
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter copy = new PrintWriter(Files.newBufferedWriter(logs.resolve("stdout.txt")), true)) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        copy.println(line);
        // A library may have printed to the real stdout without ending its line.
        int at = line.indexOf(CliSession.REPLY);
        if (at >= 0) {
          JsonNode reply = JSON.readTree(line.substring(at + CliSession.REPLY.length()));
          replies.add(new Reply(reply.get("code").asInt(), reply.get("out").asText(), reply.get("err").asText()));
        }
      }
    } catch (IOException | RuntimeException e) {
      readFailure = e;
    }
  }

  /** Sends a command line, without waiting for it to end. */
  public void send(List<String> args) {
    commands.println(String.join("\t", args));
  }

  /**
   * Waits for the reply to the oldest command sent and not yet answered.
   *
   * @throws AssertionError when none comes within ten minutes (a loaded machine)
   */
  public Reply reply() throws InterruptedException {
    Reply reply = replies.poll(REPLY_MINUTES, TimeUnit.MINUTES);
    if (reply == null) {
      fail("no reply within " + REPLY_MINUTES + " minutes; see " + logs + (readFailure == null ? ""
          : "; reading its output failed: " + readFailure) + "; its threads:\n" + threads());
    }
    return reply;
  }

  private String threads() {
    try {
      Process jstack = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
          String.valueOf(process.pid())).redirectErrorStream(true).start();
      return new String(jstack.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(jstack failed: " + e + ")";
    }
  }

  /** Runs a command line and waits for its reply. */
  public Reply execute(List<String> args) throws InterruptedException {
    send(args);
    return reply();
  }

  /** Whether the command sent last has ended (replied), without waiting. */
  public boolean replied() {
    return !replies.isEmpty();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The process id, for signals other than SIGKILL. */
  public long pid() {
    return process.pid();
  }

  /** Where the child's standard error and working files are. */
  public Path logs() {
    return logs;
  }

  /** Kills the child with SIGKILL and returns its exit code once it is gone. */
  public int kill() throws InterruptedException {
    process.destroyForcibly();
    return process.waitFor();
  }

  /** Ends the session (the child exits when its standard input closes), or kills it after a minute. */
  @Override
  public void close() throws InterruptedException {
    commands.close();
    if (!process.waitFor(1, TimeUnit.MINUTES)) {
      process.destroyForcibly();
    }
  }
}
