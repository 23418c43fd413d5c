package dev.lakepipe.cli;

import dev.lakepipe.format.Commit;
import dev.lakepipe.run.Publications;
import dev.lakepipe.run.SparkSessions;
import dev.lakepipe.spec.InvalidSpecException;
import dev.lakepipe.spec.JobSpec;
import dev.lakepipe.spec.TargetSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Answers a sensor: is a logical time of a pipeline published? */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Whether a logical time of a pipeline is published: a successful run of it is recorded and its"
        + " targets still hold the commits it made. Prints one line per target.",
        "Exit codes: 0 published (every target asked), 5 not published yet, 1 failure, 2 invalid spec or arguments."})
final class StatusCommand implements Callable<Integer> {
  @Mixin
  SpecOptions specOptions;

  @Mixin
  VerboseOption verbose;

  @Parameters(paramLabel = "SPEC", description = "Job spec file: a local path, or a URI on the job's file system.")
  String spec;

  @Option(names = "--logical-time", paramLabel = "ISO-8601", required = true,
      description = "The logical time asked about, e.g. 2026-11-22T03:00Z.")
  String logicalTime;

  @Option(names = "--target", paramLabel = "NAME", description = "Ask about this target only (repeatable).")
  List<String> targets = List.of();

  @Spec
  CommandSpec command;

  @Override
  public Integer call() throws InvalidSpecException {
    Instant time = LogicalTimes.parse(command.commandLine(), logicalTime);
    JobSpec job = specOptions.load(spec);
    List<TargetSpec> asked = targets.isEmpty() ? List.copyOf(job.targets().values())
        : targets.stream().map(name -> target(job, name)).toList();
    verbose.apply();
    List<Publications.Status> statuses =
        new Publications(SparkSessions.getOrCreate(Runs.withConsoleProgress(job.settings())), job).of(time, asked);
    PrintWriter out = command.commandLine().getOut();
    for (Publications.Status status : statuses) {
      out.printf("%-13s %s %s  logical-time %s  %s%s%n", status.published() ? "published" : "not-published",
          job.name(), status.target(), time,
          status.commit().map(Commit::id).map(id -> "commit " + id + "  ").orElse(""), status.detail());
    }
    out.flush();
    return statuses.stream().allMatch(Publications.Status::published) ? ExitCodes.OK : ExitCodes.NOT_PUBLISHED;
  }

  private TargetSpec target(JobSpec job, String name) {
    TargetSpec target = job.targets().get(name);
    if (target == null) {
      throw new ParameterException(command.commandLine(),
          "--target " + name + " is not a target of " + job.name() + " (" + job.targets().keySet() + ")");
    }
    return target;
  }
}
