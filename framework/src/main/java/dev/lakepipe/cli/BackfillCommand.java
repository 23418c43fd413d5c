package dev.lakepipe.cli;

import dev.lakepipe.run.RunHistory;
import dev.lakepipe.run.RunMode;
import dev.lakepipe.run.SparkSessions;
import dev.lakepipe.spec.InvalidSpecException;
import dev.lakepipe.spec.JobSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Runs a pipeline for every logical time of a range, in order, in one session. Resumable: a logical time that a
 * run of the pipeline already completed (the run history says so) is skipped, so after a failure the same command
 * goes on where it stopped.
 */
@Command(name = "backfill", mixinStandardHelpOptions = true,
    description = {"Run a pipeline for each logical time in [--from, --to), in order, skipping those already done.",
        "It stops at the first failure with that run's exit code; the same command then resumes there.",
        "Exit codes: 0 success, 1 failure, 2 invalid spec or arguments, 3 data-quality failure, 4 conflict."})
final class BackfillCommand implements Callable<Integer> {
  /** More runs than this in one command are most likely a typo in --from, --to or --step. */
  private static final int MAX_RUNS = 10_000;

  @Mixin
  SpecOptions specOptions;

  @Mixin
  VerboseOption verbose;

  @Parameters(paramLabel = "SPEC", description = "Job spec file.")
  Path spec;

  @Option(names = "--from", paramLabel = "ISO-8601", required = true,
      description = "The first logical time, e.g. 2026-11-22T00:00Z.")
  String from;

  @Option(names = "--to", paramLabel = "ISO-8601", required = true,
      description = "The end of the range (not run itself), e.g. 2026-11-23T00:00Z.")
  String to;

  @Option(names = "--step", paramLabel = "STEP", defaultValue = "1h",
      description = "The time between runs: 30m, 1h, 1d or ISO-8601 such as PT1H (default: ${DEFAULT-VALUE}).")
  String step;

  @Option(names = "--mode", paramLabel = "MODE", defaultValue = "incremental",
      description = "incremental (default) or full, for every run.")
  String mode;

  @Spec
  CommandSpec command;

  @Override
  public Integer call() throws InvalidSpecException {
    RunMode runMode = RunMode.fromSpecName(mode)
        .orElseThrow(() -> invalid("--mode " + mode + " is not a mode (full, incremental)"));
    List<Instant> times = logicalTimes();
    JobSpec job = specOptions.load(spec);
    verbose.apply();
    PrintWriter out = command.commandLine().getOut();
    Set<Instant> done = new RunHistory(SparkSessions.getOrCreate(Runs.withConsoleProgress(job.settings())),
        job.settings()).succeeded(job.name(), times.get(0), times.get(times.size() - 1).plusSeconds(1));
    int ran = 0;
    for (Instant time : times) {
      if (done.contains(time)) {
        out.println("skip " + time + ": done by an earlier run");
        continue;
      }
      try {
        Runs.run(job, time, runMode, out);
        ran++;
      } catch (RuntimeException e) {
        command.commandLine().getErr().println("lakepipe: backfill stopped at " + time + " after " + ran
            + " run(s); the same command resumes there");
        throw e;
      }
    }
    out.println("backfill of " + job.name() + ": " + times.size() + " logical times, " + ran + " run, "
        + (times.size() - ran) + " already done");
    return ExitCodes.OK;
  }

  private List<Instant> logicalTimes() {
    Instant first = LogicalTimes.parse(from).orElseThrow(() -> invalid("--from '" + from
        + "' is not an ISO-8601 time such as 2026-11-22T00:00Z"));
    Instant end = LogicalTimes.parse(to).orElseThrow(() -> invalid("--to '" + to
        + "' is not an ISO-8601 time such as 2026-11-23T00:00Z"));
    Duration every = LogicalTimes.parseStep(step).orElseThrow(() -> invalid("--step '" + step
        + "' is not a positive step such as 30m, 1h, 1d or PT1H"));
    if (!first.isBefore(end)) {
      throw invalid("--from " + first + " is not before --to " + end);
    }
    List<Instant> times = new ArrayList<>();
    for (Instant time = first; time.isBefore(end); time = time.plus(every)) {
      if (times.size() == MAX_RUNS) {
        throw invalid("the range holds more than " + MAX_RUNS + " runs of " + every + "; split it");
      }
      times.add(time);
    }
    return times;
  }

  private ParameterException invalid(String message) {
    return new ParameterException(command.commandLine(), message);
  }
}
