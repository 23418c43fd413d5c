package dev.lakepipe.cli;

import java.util.Arrays;
import picocli.CommandLine.Option;

/**
 * {@code --verbose}: Spark's own log output back on, and for a run what Spark did for each node
 * ({@link dev.lakepipe.run.SparkWork}). Without it lakepipe keeps Spark, Hudi, Delta and Iceberg logs to errors
 * only, by pointing Log4j 2 at a quiet configuration before Spark starts.
 */
public final class VerboseOption {
  static final String QUIET_CONFIG = "lakepipe-quiet-log4j2.properties";

  @Option(names = {"-v", "--verbose"},
      description = "Show Spark's and the table formats' log output, and for each node of a run its Spark jobs,"
          + " tasks, and the rows and bytes they read.")
  boolean verbose;

  /** Configures logging; call before anything starts Spark. */
  public void apply() {
    if (!verbose) {
      quiet();
    }
  }

  /**
   * Quiet logging for a command line that does not ask for {@code --verbose}, set before any command runs: loading a
   * spec already loads Spark's SQL parser, whose first use would otherwise configure Log4j with Spark's defaults.
   */
  static void applyTo(String... args) {
    if (Arrays.stream(args).noneMatch(arg -> arg.equals("-v") || arg.equals("--verbose"))) {
      quiet();
    }
  }

  private static void quiet() {
    if (System.getProperty("log4j2.configurationFile") == null) {
      System.setProperty("log4j2.configurationFile", QUIET_CONFIG);
    }
  }
}
