package dev.lakepipe.cli;

import dev.lakepipe.run.RunHistory;
import dev.lakepipe.run.RunRecord;
import dev.lakepipe.run.SparkSessions;
import dev.lakepipe.spec.InvalidSpecException;
import dev.lakepipe.spec.JobSpec;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Prints a pipeline's recent runs from the warehouse's run history. */
@Command(name = "history", mixinStandardHelpOptions = true,
    description = "Print the latest runs of a pipeline, newest first: run id, logical time, mode, outcome, rows,"
        + " duration, the commits it read and made.")
final class HistoryCommand implements Callable<Integer> {
  @Mixin
  SpecOptions specOptions;

  @Mixin
  VerboseOption verbose;

  @Parameters(paramLabel = "SPEC", description = "Job spec file: a local path, or a URI on the job's file system.")
  String spec;

  @Option(names = "--last", paramLabel = "N", defaultValue = "20", description = "How many runs (default: 20).")
  int last;

  @Spec
  CommandSpec command;

  @Override
  public Integer call() throws InvalidSpecException {
    JobSpec job = specOptions.load(spec);
    verbose.apply();
    List<RunRecord> runs = new RunHistory(SparkSessions.getOrCreate(Runs.withConsoleProgress(job.settings())),
        job.settings()).latest(job.name(), last);
    PrintWriter out = command.commandLine().getOut();
    if (runs.isEmpty()) {
      out.println("no runs of " + job.name() + " recorded in " + job.settings().warehouse());
    }
    for (RunRecord run : runs) {
      out.printf(Locale.ROOT, "%s  %-22s logical-time %s  %-4s %-7s %,12d read %,12d written %8.1f s%n",
          run.startedAt(), run.runId(), run.logicalTime(), run.mode(), run.outcome(), run.rowsRead(),
          run.rowsWritten(), run.seconds());
      out.printf("    read %s%n    wrote %s%n", run.reads(), run.commits());
      run.message().ifPresent(message -> out.println("    " + message));
    }
    out.flush();
    return ExitCodes.OK;
  }
}
