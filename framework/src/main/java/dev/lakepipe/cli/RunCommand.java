package dev.lakepipe.cli;

import dev.lakepipe.run.RunMode;
import dev.lakepipe.run.RunOptions;
import dev.lakepipe.spec.InvalidSpecException;
import dev.lakepipe.spec.JobSpec;
import dev.lakepipe.spec.Secrets;
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

  @Parameters(paramLabel = "SPEC", description = "Job spec file: a local path, or a URI on the job's file system.")
  String spec;

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

  @Option(names = "--log-json", paramLabel = "FILE", defaultValue = "${env:LAKEPIPE_LOG_JSON}",
      description = {"Append lakepipe's structured log to FILE (- for stderr): one JSON object per line and event"
          + " (run_started, node, run_finished) with pipeline, run_id, logical_time, rows, seconds, outcome.",
          "Default: $LAKEPIPE_LOG_JSON; none when unset."})
  String logJson;

  @Spec
  CommandSpec command;

  @Override
  public Integer call() throws InvalidSpecException {
    Instant time = logicalTime == null ? RunOptions.currentHour()
        : LogicalTimes.parse(command.commandLine(), logicalTime);
    JobSpec job = specOptions.load(spec);
    String modeName = mode != null ? mode : job.mode().orElse(RunMode.FULL.specName());
    RunMode runMode = RunMode.fromSpecName(modeName).orElseThrow(() -> new ParameterException(command.commandLine(),
        "--mode " + modeName + " is not a mode (full, incremental, streaming)"));
    verbose.apply();
    RunOptions options = RunOptions.of(time, runMode);
    if (logJson == null || logJson.isEmpty()) {
      Runs.run(job, options, command.commandLine().getOut(), RunEvents.NONE, verbose.verbose);
    } else {
      try (JsonRunEvents events = JsonRunEvents.open(logJson, command.commandLine().getErr(), Secrets.values(job),
          job.name(), options)) {
        Runs.run(job, options, command.commandLine().getOut(), events, verbose.verbose);
      }
    }
    return ExitCodes.OK;
  }
}
