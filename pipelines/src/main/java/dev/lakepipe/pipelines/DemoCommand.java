package dev.lakepipe.pipelines;

import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.cli.Runs;
import dev.lakepipe.cli.SpecOptions;
import dev.lakepipe.cli.VerboseOption;
import dev.lakepipe.format.Commit;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableAddresses;
import dev.lakepipe.format.TableFormat;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.run.SparkSessions;
import dev.lakepipe.spec.InvalidSpecException;
import dev.lakepipe.spec.JobSpec;
import dev.lakepipe.spec.TargetSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code lakepipe demo}: generates the marketplace data, runs the orders pipeline on it, shows the targets. */
@Command(name = "demo", mixinStandardHelpOptions = true, subcommands = WarehouseDemoCommand.class,
    description = {"Generate the e-commerce data set into <warehouse>/raw (replacing it), run the orders pipeline"
        + " over it and show what each target table now holds.",
        "The warehouse is ./warehouse unless the spec, its environment profile, LAKEPIPE_WAREHOUSE or"
            + " --set warehouse=DIR says otherwise.",
        "`demo warehouse` builds the reference warehouse instead (see its --help)."})
final class DemoCommand implements Callable<Integer> {
  @Mixin
  SpecOptions specOptions;

  @Mixin
  VerboseOption verbose;

  @Option(names = "--spec", paramLabel = "FILE", defaultValue = "${env:LAKEPIPE_HOME:-.}/conf/jobs/orders.conf",
      description = "The orders pipeline spec (default: ${DEFAULT-VALUE}).")
  Path spec;

  @Mixin
  GeneratorOptions generator;

  @Option(names = "--days", paramLabel = "N", defaultValue = "7",
      description = "Days of orders (default: ${DEFAULT-VALUE}).")
  int days;

  @Spec
  CommandSpec command;

  /**
   * @throws InvalidSpecException when the spec is invalid (exit code 2)
   * @throws ParameterException when a size is not positive (exit code 2)
   * @throws dev.lakepipe.run.RunFailedException naming the pipeline node that failed (exit code 1)
   */
  @Override
  public Integer call() throws InvalidSpecException {
    long start = System.nanoTime();
    EcommerceGenerator.Config config = generator.config(days, command.commandLine());
    JobSpec job = specOptions.load(spec);
    verbose.apply();
    PrintWriter out = command.commandLine().getOut();
    SparkSession spark = SparkSessions.getOrCreate(Runs.withConsoleProgress(job.settings()));

    String raw = job.settings().warehouse() + "/raw";
    out.printf(Locale.ROOT, "generating %,d orders of %d days from %s, %d shops, seed %d into %s%n",
        config.orders(), config.days(), config.startDate(), config.shops(), config.seed(), raw);
    out.flush();
    long generating = System.nanoTime();
    new EcommerceGenerator(spark, config).writeTo(raw);
    out.printf(Locale.ROOT, "generated in %.1f s%n%n", seconds(generating));

    // The run computes the state at the end of the generated data.
    Runs.run(job, config.end(), out);
    out.println();
    printTargets(spark, job, out);
    out.printf(Locale.ROOT, "%ndemo done in %.1f s%n", seconds(start));
    out.flush();
    return ExitCodes.OK;
  }

  /** Prints a line per target of the spec: its format, rows, latest commit and location. */
  static void printTargets(SparkSession spark, JobSpec job, PrintWriter out) {
    String row = "%-20s %-8s %12s  %-22s %s%n";
    out.printf(Locale.ROOT, row, "target", "format", "rows", "latest commit", "table");
    for (TargetSpec target : job.targets().values()) {
      TableFormat format = TableFormats.get(target.format());
      TableAddress address = TableAddresses.resolve(job.settings(), format, target.name(), target.path(),
          target.table(), target.options());
      TableReader reader = format.reader(spark, address);
      out.printf(Locale.ROOT, row, target.name(), format.name(), String.format(Locale.ROOT, "%,d",
              reader.snapshot().count()), reader.latestCommit().map(Commit::id).orElse("-"), address.location());
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
