package dev.lakepipe.cli;

import dev.lakepipe.audit.QualityGateException;
import dev.lakepipe.format.ChangesNotReadableException;
import dev.lakepipe.format.CommitConflictException;
import dev.lakepipe.format.SchemaEvolutionException;
import dev.lakepipe.run.ColumnsNotFoundException;
import dev.lakepipe.run.IncrementalNotSupportedException;
import dev.lakepipe.run.LockHeldException;
import dev.lakepipe.run.RunFailedException;
import dev.lakepipe.run.StreamingNotSupportedException;
import dev.lakepipe.spec.InvalidSpecException;
import dev.lakepipe.spec.SpecProblem;
import dev.lakepipe.spec.JobSpec;
import dev.lakepipe.spec.Secrets;
import java.io.PrintWriter;
import java.util.List;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lakepipe} command line. */
@Command(name = "lakepipe", mixinStandardHelpOptions = true, versionProvider = Lakepipe.Version.class,
    subcommands = {ValidateCommand.class, PlanCommand.class, RunCommand.class, BackfillCommand.class,
        HistoryCommand.class, StatusCommand.class, QueryCommand.class, MaintainCommand.class, TableCommand.class,
        RollbackCommand.class, SchemaCommand.class},
    description = "Declarative lakehouse pipelines on Apache Spark over Hudi, Delta Lake and Iceberg.")
public final class Lakepipe implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec command;

  private final List<MaskingWriter> outputs;

  private Lakepipe(List<MaskingWriter> outputs) {
    this.outputs = outputs;
  }

  /** Masks the spec's secrets in everything this command line prints from now on. */
  static void maskSecrets(CommandLine.Model.CommandSpec command, JobSpec spec) {
    if (command.root().userObject() instanceof Lakepipe lakepipe) {
      lakepipe.outputs.forEach(output -> output.addSecrets(Secrets.values(spec)));
    }
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    // Libraries inside the table formats print warnings to System.out; stdout is lakepipe's own, for scripts.
    System.setOut(System.err);
    System.exit(execute(out, new PrintWriter(System.err, true), args));
  }

  /** Runs a command line with the given output streams and returns its exit code (see {@link ExitCodes}). */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    VerboseOption.applyTo(args);
    MaskingWriter maskedOut = new MaskingWriter(out);
    MaskingWriter maskedErr = new MaskingWriter(err);
    Lakepipe root = new Lakepipe(List.of(maskedOut, maskedErr));
    PrintWriter maskingOut = new PrintWriter(maskedOut, true);
    PrintWriter maskingErr = new PrintWriter(maskedErr, true);
    CommandLine commandLine = new CommandLine(root);
    for (CommandExtension extension : ServiceLoader.load(CommandExtension.class, Lakepipe.class.getClassLoader())) {
      commandLine.addSubcommand(extension.command());
    }
    commandLine.setOut(maskingOut);
    commandLine.setErr(maskingErr);
    commandLine.setExecutionExceptionHandler((e, line, parsed) -> handle(e, line, maskingErr));
    commandLine.setExecutionStrategy(Lakepipe::refuseUnmatched);
    int code = commandLine.execute(args);
    maskingOut.flush();
    maskingErr.flush();
    return code;
  }

  /**
   * Picocli lets {@code --help} win over an unknown word ({@code lakepipe frobnicate --help} prints the top-level help
   * and exits 0), so a script could not tell that the command does not exist: any unmatched argument is an error.
   *
   * @throws CommandLine.UnmatchedArgumentException if a command on the line left an argument unmatched
   */
  private static int refuseUnmatched(CommandLine.ParseResult parsed) {
    for (CommandLine.ParseResult command = parsed; command != null; command = command.subcommand()) {
      if (!command.unmatched().isEmpty()) {
        throw new CommandLine.UnmatchedArgumentException(command.commandSpec().commandLine(), command.unmatched());
      }
    }
    return new CommandLine.RunLast().execute(parsed);
  }

  private static int handle(Exception e, CommandLine line, PrintWriter err) {
    if (e instanceof InvalidSpecException invalid) {
      invalid.problems().stream().map(SpecProblem::toString).forEach(err::println);
      err.println("lakepipe: the spec has " + invalid.problems().size() + " problem"
          + (invalid.problems().size() == 1 ? "" : "s") + "; nothing ran");
      return ExitCodes.INVALID;
    }
    if (e instanceof IncrementalNotSupportedException refused) {
      err.println("lakepipe: " + refused.getMessage() + "; nothing ran");
      return ExitCodes.INVALID;
    }
    if (e instanceof ChangesNotReadableException refused) {
      err.println("lakepipe: " + refused.getMessage() + "; nothing ran");
      return ExitCodes.INVALID;
    }
    if (e instanceof StreamingNotSupportedException refused) {
      err.println("lakepipe: " + refused.getMessage() + "; nothing ran");
      return ExitCodes.INVALID;
    }
    if (e instanceof LockHeldException held) {
      err.println("lakepipe: " + held.getMessage() + "; nothing ran");
      return ExitCodes.CONFLICT;
    }
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof QualityGateException failed) {
        err.println("lakepipe: " + failed.getMessage());
        return ExitCodes.QUALITY;
      }
      if (cause instanceof ColumnsNotFoundException missing) {
        // Also from a streaming query, whose failure wraps what its micro-batch threw.
        err.println("lakepipe: " + missing.getMessage());
        return ExitCodes.INVALID;
      }
      if (cause instanceof CommitConflictException conflict) {
        err.println("lakepipe: " + (e instanceof RunFailedException ? e.getMessage() : conflict.getMessage()));
        return ExitCodes.CONFLICT;
      }
      if (cause instanceof SchemaEvolutionException refused) {
        // The run's own message names the target; the refusal's is what a streaming query failure keeps.
        err.println("lakepipe: " + (e instanceof RunFailedException ? e.getMessage() : refused.getMessage()));
        return ExitCodes.INVALID;
      }
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
