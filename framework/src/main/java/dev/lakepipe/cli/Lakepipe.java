package dev.lakepipe.cli;

import dev.lakepipe.audit.QualityGateException;
import dev.lakepipe.format.ChangesNotReadableException;
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
        HistoryCommand.class, StatusCommand.class, MaintainCommand.class, TableCommand.class,
        RollbackCommand.class},
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
    int code = commandLine.execute(args);
    maskingOut.flush();
    maskingErr.flush();
    return code;
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
