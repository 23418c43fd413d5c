package dev.lakepipe.quality.cli;

import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.cli.Runs;
import dev.lakepipe.cli.SpecOptions;
import dev.lakepipe.cli.TableArgument;
import dev.lakepipe.cli.VerboseOption;
import dev.lakepipe.quality.ReportPage;
import dev.lakepipe.quality.RunReport;
import dev.lakepipe.quality.Suggestions;
import dev.lakepipe.run.SparkSessions;
import dev.lakepipe.spec.InvalidSpecException;
import dev.lakepipe.spec.JobSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lakepipe quality}: the quality reports of a pipeline, and check suggestions for a table. */
@Command(name = "quality", mixinStandardHelpOptions = true,
    subcommands = {QualityCommand.Report.class, QualityCommand.Suggest.class},
    description = "Data-quality reports and check suggestions.")
public final class QualityCommand implements Runnable {
  @Spec
  CommandSpec command;

  @Override
  public void run() {
    command.commandLine().usage(command.commandLine().getOut());
  }

  /** Prints the latest runs' reports as JSON and writes them as one HTML page. */
  @Command(name = "report", mixinStandardHelpOptions = true,
      description = "Print the quality reports of the pipeline's latest runs as JSON on stdout, and write them as a"
          + " self-contained HTML page with a chart per anomaly-checked metric.")
  static final class Report implements Callable<Integer> {
    @Mixin
    SpecOptions specOptions;

    @Mixin
    VerboseOption verbose;

    @Parameters(paramLabel = "SPEC", description = "Job spec file.")
    Path spec;

    @Option(names = "--last", paramLabel = "N", defaultValue = "1", description = "How many runs (default: 1).")
    int last;

    @Option(names = "--html", paramLabel = "FILE",
        description = "Where the HTML page goes (default: <pipeline>-quality.html in the working directory).")
    Path html;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() throws InvalidSpecException, IOException {
      JobSpec job = specOptions.load(spec);
      verbose.apply();
      SparkSession spark = SparkSessions.getOrCreate(Runs.withConsoleProgress(job.settings()));
      List<RunReport> reports = RunReport.latest(spark, job.settings().warehouse(), job.name(), last);
      Path page = html != null ? html : Path.of(job.name() + "-quality.html");
      Files.writeString(page, ReportPage.render(job.name(), reports));
      command.commandLine().getOut().println(RunReport.toJson(reports));
      command.commandLine().getErr().println("wrote " + page.toAbsolutePath());
      return ExitCodes.OK;
    }
  }

  /** Runs Deequ's constraint suggestion on a table and prints a checks block. */
  @Command(name = "suggest", mixinStandardHelpOptions = true,
      description = "Profile a table with Deequ's constraint suggestion and print a ready-to-paste spec checks block.")
  static final class Suggest implements Callable<Integer> {
    @Mixin
    VerboseOption verbose;

    @Mixin
    TableArgument tableArgument;

    @Parameters(paramLabel = "TABLE", description = TableArgument.DESCRIPTION)
    String table;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() {
      TableArgument.Table resolved = tableArgument.resolve(command.commandLine(), table, "lakepipe quality suggest");
      verbose.apply();
      SparkSession spark = SparkSessions.getOrCreate(Runs.withConsoleProgress(resolved.settings()));
      command.commandLine().getOut().print(Suggestions.snippet(resolved.format().reader(spark, resolved.address())
          .snapshot()));
      command.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
  }
}
