package dev.lakepipe.cli;

import dev.lakepipe.plan.Plan;
import dev.lakepipe.run.RunOptions;
import dev.lakepipe.run.SparkSessions;
import dev.lakepipe.run.maintenance.MaintenanceReport;
import dev.lakepipe.run.maintenance.MaintenanceRun;
import dev.lakepipe.spec.InvalidSpecException;
import dev.lakepipe.spec.JobSpec;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Compacts a pipeline's target tables and cleans their history, keeping what incremental checkpoints need. */
@Command(name = "maintain", mixinStandardHelpOptions = true,
    description = {"Compact the pipeline's target tables and clean their history as their maintenance blocks say,"
        + " under the same locks as a run. History that an incremental checkpoint of any pipeline of the warehouse"
        + " still needs is kept, and the output says which and why.",
        "Exit codes: 0 success, 1 failure, 2 invalid spec or arguments, 4 a run holds the lock."})
final class MaintainCommand implements Callable<Integer> {
  @Mixin
  SpecOptions specOptions;

  @Mixin
  VerboseOption verbose;

  @Parameters(paramLabel = "SPEC", description = "Job spec file: a local path, or a URI on the job's file system.")
  String spec;

  @Option(names = "--target", paramLabel = "NAME", description = "A target to maintain (repeatable; default all).")
  List<String> targets = new ArrayList<>();

  @Option(names = "--dry-run", description = "Print what would be done and kept; change nothing.")
  boolean dryRun;

  @Option(names = "--force", description = "Clean history as the spec says even where a checkpoint needs it: the"
      + " next incremental run of that pipeline fails and needs --mode full.")
  boolean force;

  @Spec
  CommandSpec command;

  @Override
  public Integer call() throws InvalidSpecException {
    JobSpec job = specOptions.load(spec);
    List<String> unknown = targets.stream().filter(t -> !job.targets().containsKey(t)).toList();
    if (!unknown.isEmpty()) {
      throw new ParameterException(command.commandLine(), "--target " + String.join(", ", unknown)
          + ": not a target of " + job.name() + " (targets: " + String.join(", ", job.targets().keySet()) + ")");
    }
    verbose.apply();
    String holder = "maintain-" + RunOptions.of(Instant.now()).runId();
    List<MaintenanceReport> reports = new MaintenanceRun(SparkSessions.getOrCreate(Runs.withConsoleProgress(
        job.settings()))).run(Plan.of(job), targets, dryRun, force, holder);
    PrintWriter out = command.commandLine().getOut();
    reports.forEach(report -> report.lines().forEach(out::println));
    out.flush();
    return ExitCodes.OK;
  }
}
