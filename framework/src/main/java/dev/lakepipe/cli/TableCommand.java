package dev.lakepipe.cli;

import dev.lakepipe.format.Commit;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.MaintenanceCommits;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.run.SparkSessions;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Commands about one table rather than a pipeline. */
@Command(name = "table", mixinStandardHelpOptions = true, subcommands = TableCommand.History.class,
    description = "Look at a table: its commits and what lakepipe recorded in them.")
final class TableCommand implements Runnable {
  @Spec
  CommandSpec command;

  @Override
  public void run() {
    command.commandLine().usage(command.commandLine().getOut());
  }

  /** Prints a table's commits with their lakepipe properties. */
  @Command(name = "history", mixinStandardHelpOptions = true,
      description = "Print the table's commits still in its history, oldest first, with what lakepipe recorded in"
          + " each: pipeline, run id, logical time, the checkpoint of each source.")
  static final class History implements Callable<Integer> {
    @Mixin
    TableArgument tableArgument;

    @Mixin
    VerboseOption verbose;

    @Parameters(paramLabel = "TABLE", description = TableArgument.DESCRIPTION)
    String table;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() {
      TableArgument.Table resolved = tableArgument.resolve(command.commandLine(), table, "lakepipe table history");
      verbose.apply();
      TableReader reader = resolved.format().reader(SparkSessions.getOrCreate(Runs.withConsoleProgress(
          resolved.settings())), resolved.address());
      PrintWriter out = command.commandLine().getOut();
      List<Commit> commits = reader.commits();
      if (commits.isEmpty()) {
        out.println("no commits of " + table + " (" + resolved.address().location() + ")");
      }
      commits.forEach(commit -> out.println(describe(commit)));
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** One line: id, time, and the lakepipe properties, or that lakepipe did not make the commit. */
  static String describe(Commit commit) {
    Map<String, String> properties = commit.properties();
    StringBuilder line = new StringBuilder(commit.id()).append("  ").append(commit.timestamp());
    if (!properties.containsKey(CommitContext.LOGICAL_TIME)) {
      return line.append("  (not written by lakepipe)").toString();
    }
    line.append("  pipeline ").append(properties.get(CommitContext.PREFIX + "pipeline"))
        .append("  run ").append(properties.get(CommitContext.PREFIX + "run-id"))
        .append("  logical-time ").append(properties.get(CommitContext.LOGICAL_TIME));
    Map<String, String> checkpoints = new TreeMap<>();
    properties.forEach((key, value) -> {
      if (key.startsWith(CommitContext.CHECKPOINT)) {
        checkpoints.put(key.substring(CommitContext.CHECKPOINT.length()), value);
      }
    });
    if (!checkpoints.isEmpty()) {
      line.append("  checkpoints ").append(checkpoints);
    }
    if (MaintenanceCommits.isMaintenance(commit)) {
      line.append("  (maintenance)");
    }
    if (CommitContext.isFirstOfTwo(properties)) {
      line.append("  (first of two commits of one write)");
    }
    return line.toString();
  }
}
