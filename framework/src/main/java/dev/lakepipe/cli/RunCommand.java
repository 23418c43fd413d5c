package dev.lakepipe.cli;

import dev.lakepipe.run.RunMode;
import dev.lakepipe.spec.InvalidSpecException;
import dev.lakepipe.spec.JobSpec;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
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

  @Option(names = "--mode", paramLabel = "MODE",
      description = {"full (default, unless the spec says mode = ...): recompute from the source snapshots; resets the"
          + " incremental checkpoints.",
          "incremental: apply the changes of the sources read with read = incremental since each target's"
              + " checkpoint (row-wise targets; `plan` shows which).",
          "streaming: micro-batches of the streamed sources (read = stream, Kafka) with the spec's trigger."})
  String mode;

  @Spec
  CommandSpec command;

  @Override
  public Integer call() throws InvalidSpecException {
    Instant time = logicalTime == null ? dev.lakepipe.run.RunOptions.currentHour() : parseTime(logicalTime);
    JobSpec job = specOptions.load(spec);
    String modeName = mode != null ? mode : job.mode().orElse(RunMode.FULL.specName());
    RunMode runMode = RunMode.fromSpecName(modeName).orElseThrow(() -> new ParameterException(command.commandLine(),
        "--mode " + modeName + " is not a mode (full, incremental, streaming)"));
    verbose.apply();
    Runs.run(job, time, runMode, command.commandLine().getOut());
    return ExitCodes.OK;
  }

  private Instant parseTime(String text) {
    try {
      return OffsetDateTime.parse(text.replaceFirst("Z$", "+00:00").replaceFirst("T(\\d\\d)(?=[+-])", "T$1:00"))
          .toInstant();
    } catch (DateTimeParseException e) {
      throw new ParameterException(command.commandLine(), "--logical-time '" + text
          + "' is not an ISO-8601 time such as 2026-11-22T03:00Z");
    }
  }
}
