package dev.lakepipe.cli;

import dev.lakepipe.format.Commit;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.run.RunOptions;
import dev.lakepipe.run.SparkSessions;
import dev.lakepipe.run.maintenance.TableRollback;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Restores a table to an earlier commit, so that the hours after it can be recomputed. */
@Command(name = "rollback", mixinStandardHelpOptions = true,
    description = {"Restore a table to an earlier commit of its history (Delta RESTORE, Iceberg rollback to a"
        + " snapshot, Hudi restore). The commit's checkpoints become the latest: the next incremental run of the pipeline that"
        + " writes the table recomputes everything after it.",
        "Exit codes: 0 success, 1 failure, 2 invalid arguments, 4 a run holds the table's lock."})
final class RollbackCommand implements Callable<Integer> {
  @Mixin
  TableArgument tableArgument;

  @Mixin
  VerboseOption verbose;

  @Parameters(paramLabel = "TABLE", description = TableArgument.DESCRIPTION)
  String table;

  @ArgGroup(multiplicity = "1")
  Point point;

  /** Where to roll back to: a commit, or the last commit of a logical time. */
  static final class Point {
    @Option(names = "--to", paramLabel = "COMMIT", required = true,
        description = "The commit id (Delta version, Iceberg snapshot id), as `lakepipe table history` prints it.")
    String commit;

    @Option(names = "--logical-time", paramLabel = "ISO-8601", required = true,
        description = "The logical time whose last commit to restore, e.g. 2026-11-22T01:00Z.")
    String logicalTime;
  }

  @Spec
  CommandSpec command;

  @Override
  public Integer call() {
    TableArgument.Table resolved = tableArgument.resolve(command.commandLine(), table, "lakepipe rollback");
    Instant time = point.logicalTime == null ? null : LogicalTimes.parse(command.commandLine(), point.logicalTime);
    verbose.apply();
    TableRollback rollback = new TableRollback(SparkSessions.getOrCreate(Runs.withConsoleProgress(
        resolved.settings())), resolved.format(), resolved.address(), resolved.settings().warehouse());
    Commit target;
    try {
      target = time == null ? rollback.commit(point.commit) : rollback.commitOf(time);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command.commandLine(), e.getMessage());
    }
    Commit latest = rollback.restore(target, "rollback-" + RunOptions.of(Instant.now()).runId());
    PrintWriter out = command.commandLine().getOut();
    out.println("rolled back " + table + " to commit " + target.id() + "; its latest commit is now " + latest.id());
    out.println("  " + TableCommand.describe(latest));
    out.println("  the next incremental run resumes from the checkpoints of commit " + target.id()
        + (target.properties().keySet().stream().anyMatch(k -> k.startsWith(CommitContext.CHECKPOINT)) ? ""
            : " (it records none: run --mode full)"));
    out.flush();
    return ExitCodes.OK;
  }
}
