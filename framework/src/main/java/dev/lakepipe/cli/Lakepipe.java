package dev.lakepipe.cli;

import dev.lakepipe.run.LockHeldException;
import dev.lakepipe.run.RunFailedException;
import dev.lakepipe.spec.InvalidSpecException;
import dev.lakepipe.spec.SpecProblem;
import java.io.PrintWriter;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lakepipe} command line. */
@Command(name = "lakepipe", mixinStandardHelpOptions = true, versionProvider = Lakepipe.Version.class,
    subcommands = {ValidateCommand.class, PlanCommand.class, RunCommand.class, HistoryCommand.class},
    description = "Declarative lakehouse pipelines on Apache Spark over Hudi, Delta Lake and Iceberg.")
public final class Lakepipe implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec command;

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    // Libraries inside the table formats print warnings to System.out; stdout is lakepipe's own, for scripts.
    System.setOut(System.err);
    System.exit(execute(out, new PrintWriter(System.err, true), args));
  }

  /** Runs a command line with the given output streams and returns its exit code (see {@link ExitCodes}). */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine commandLine = new CommandLine(new Lakepipe());
    for (CommandExtension extension : ServiceLoader.load(CommandExtension.class, Lakepipe.class.getClassLoader())) {
      commandLine.addSubcommand(extension.command());
    }
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setExecutionExceptionHandler((e, line, parsed) -> handle(e, line, err));
    int code = commandLine.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  private static int handle(Exception e, CommandLine line, PrintWriter err) {
    if (e instanceof InvalidSpecException invalid) {
      invalid.problems().stream().map(SpecProblem::toString).forEach(err::println);
      err.println("lakepipe: the spec has " + invalid.problems().size() + " problem"
          + (invalid.problems().size() == 1 ? "" : "s") + "; nothing ran");
      return ExitCodes.INVALID;
    }
    if (e instanceof LockHeldException held) {
      err.println("lakepipe: " + held.getMessage() + "; nothing ran");
      return ExitCodes.CONFLICT;
    }
    boolean verbose = line.getParseResult().hasMatchedOption("--verbose");
    if (verbose) {
      e.printStackTrace(err);
    }
    String message = e instanceof RunFailedException ? e.getMessage() : e.toString();
    err.println("lakepipe: " + message + (verbose ? "" : "  (--verbose shows the stack trace)"));
    return ExitCodes.FAILURE;
  }

  @Override
  public void run() {
    command.commandLine().usage(command.commandLine().getOut());
  }

  /** The version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Lakepipe.class.getPackage().getImplementationVersion();
      return new String[] {"lakepipe " + (version == null ? "(development build)" : version)};
    }
  }
}
