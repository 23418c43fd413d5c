package dev.lakepipe.cli;

import dev.lakepipe.run.RunMode;
import dev.lakepipe.spec.InvalidSpecException;
import dev.lakepipe.spec.JobSpec;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Runs a pipeline. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Run a pipeline: read its sources, compute its steps, write its targets.",
        "Exit codes: 0 success, 1 failure, 2 invalid spec or arguments, 3 data-quality failure, 4 conflict."})
final class RunCommand implements Callable<Integer> {
  @Mixin
  SpecOptions specOptions;

  @Mixin
  VerboseOption verbose;

  @Parameters(paramLabel = "SPEC", description = "Job spec file.")
  Path spec;

  @Option(names = "--logical-time", paramLabel = "ISO-8601",
      description = "The time this run computes, e.g. 2026-11-22T03:00Z (default: the current hour, UTC).")
  String logicalTime;

  @Option(names = "--mode", paramLabel = "MODE", defaultValue = "full",
      description = {"full (default): recompute from the source snapshots; resets the incremental checkpoints.",
          "incremental: apply the changes of the sources read with read = incremental since each target's"
              + " checkpoint (row-wise targets; `plan` shows which)."})
  String mode;

  @Spec
  CommandSpec command;

  @Override
  public Integer call() throws InvalidSpecException {
    RunMode runMode = RunMode.fromSpecName(mode).orElseThrow(() -> new ParameterException(command.commandLine(),
        "--mode " + mode + " is not a mode (full, incremental)"));
    Instant time = logicalTime == null ? dev.lakepipe.run.RunOptions.currentHour() : parseTime(logicalTime);
    JobSpec job = specOptions.load(spec);
    verbose.apply();
    Runs.run(job, time, runMode, command.commandLine().getOut());
    return ExitCodes.OK;
  }

  private Instant parseTime(String text) {
    return LogicalTimes.parse(text).orElseThrow(() -> new ParameterException(command.commandLine(),
        "--logical-time '" + text + "' is not an ISO-8601 time such as 2026-11-22T03:00Z"));
  }
}
