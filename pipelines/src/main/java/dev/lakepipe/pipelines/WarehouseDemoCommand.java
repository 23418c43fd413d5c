package dev.lakepipe.pipelines;

import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.cli.Runs;
import dev.lakepipe.cli.VerboseOption;
import dev.lakepipe.run.RunMode;
import dev.lakepipe.run.SparkSessions;
import dev.lakepipe.spec.InvalidSpecException;
import dev.lakepipe.spec.JobSpec;
import dev.lakepipe.spec.SpecLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lakepipe demo warehouse}: lands generated marketplace data into the raw tables, runs the reference
 * warehouse's daily full build layer by layer, then hourly increments, and prints the rows of every table.
 */
@Command(name = "warehouse", mixinStandardHelpOptions = true,
    description = {"Build the reference warehouse (conf/jobs/reference: ODS, DWD, DWS, ADS) on generated data: land"
        + " --days days of the marketplace into <warehouse>/raw, run the daily full build of every layer, then"
        + " --hours hourly increments (land an hour, run each layer incrementally), and print each table's rows.",
        "The warehouse is ./warehouse unless --warehouse, the environment profile or LAKEPIPE_WAREHOUSE says"
            + " otherwise; run it on an empty warehouse."})
final class WarehouseDemoCommand implements Callable<Integer> {
  private static final Duration HOUR = Duration.ofHours(1);

  @Mixin
  VerboseOption verbose;

  @Option(names = "--specs", paramLabel = "DIR", defaultValue = "${env:LAKEPIPE_HOME:-.}/conf/jobs/reference",
      description = "The folder of the layers' specs (default: ${DEFAULT-VALUE}).")
  Path specs;

  @Option(names = "--warehouse", paramLabel = "DIR", description = "The warehouse to build.")
  String warehouse;

  @Option(names = "--env", paramLabel = "NAME", description = "Environment profile (default: local, when present).")
  String env;

  @Mixin
  GeneratorOptions generator;

  @Option(names = "--days", paramLabel = "N", defaultValue = "2",
      description = "Days of data in the daily build (default: ${DEFAULT-VALUE}).")
  int days;

  @Option(names = "--hours", paramLabel = "N", defaultValue = "3",
      description = "Hourly increments after the daily build, 0 to 24 (default: ${DEFAULT-VALUE}).")
  int hours;

  @Spec
  CommandSpec command;

  /**
   * @throws InvalidSpecException when a layer's spec is invalid (exit code 2)
   * @throws ParameterException when a size is out of range (exit code 2)
   * @throws dev.lakepipe.run.RunFailedException naming the pipeline node that failed (exit code 1)
   */
  @Override
  public Integer call() throws InvalidSpecException {
    long start = System.nanoTime();
    EcommerceGenerator.Config config = config();
    List<String> sets = warehouse == null ? List.of() : List.of("warehouse=" + warehouse);
    WarehouseBuild build = WarehouseBuild.load(specs,
        new SpecLoader.Options(Optional.ofNullable(env), Optional.empty(), sets));
    verbose.apply();
    PrintWriter out = command.commandLine().getOut();
    SparkSession spark = SparkSessions.getOrCreate(Runs.withConsoleProgress(build.settings()));
    WarehouseSources sources = new WarehouseSources(spark, build.settings(), new EcommerceGenerator(spark, config),
        "delta", "raw");

    Instant daily = config.start().plus(Duration.ofDays(days));
    out.printf(Locale.ROOT, "landing %d days from %s (%,d orders a day, %d shops, seed %d) into %s/raw%n", days,
        config.startDate(), config.ordersPerDay(), config.shops(), config.seed(), build.settings().warehouse());
    out.flush();
    long phase = System.nanoTime();
    sources.loadDimensions();
    sources.land(config.start(), daily);
    out.printf(Locale.ROOT, "landed in %.1f s%n%n", seconds(phase));
    phase = System.nanoTime();
    build.run(RunMode.FULL, daily, out);
    out.printf(Locale.ROOT, "%ndaily build done in %.1f s%n", seconds(phase));
    for (int hour = 1; hour <= hours; hour++) {
      Instant logicalTime = daily.plus(HOUR.multipliedBy(hour));
      phase = System.nanoTime();
      sources.land(logicalTime.minus(HOUR), logicalTime);
      build.run(RunMode.INCREMENTAL, logicalTime, out);
      out.printf(Locale.ROOT, "%nhour %s landed and built in %.1f s%n", logicalTime, seconds(phase));
    }
    out.println();
    for (JobSpec layer : build.layers()) {
      DemoCommand.printTargets(spark, layer, out);
    }
    out.printf(Locale.ROOT, "%nwarehouse demo done in %.1f s%n", seconds(start));
    out.flush();
    return ExitCodes.OK;
  }

  /** The generated data: the daily build's days and one more, from which the hours land. */
  private EcommerceGenerator.Config config() {
    if (days < 1 || hours < 0 || hours > 24) {
      throw new ParameterException(command.commandLine(),
          "days must be positive and hours 0 to 24: days " + days + ", hours " + hours);
    }
    return generator.config(Math.addExact(days, 1), command.commandLine());
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
