package dev.lakepipe.cli;

import dev.lakepipe.spec.InvalidSpecException;
import dev.lakepipe.spec.SpecProblem;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Checks specs without starting Spark. */
@Command(name = "validate", mixinStandardHelpOptions = true,
    description = {"Check job specs without running them (no Spark session is started).",
        "Prints every problem as file:line: key: message; exits 2 if any spec is invalid."})
final class ValidateCommand implements Callable<Integer> {
  @Mixin
  SpecOptions specOptions;

  @Parameters(arity = "1..*", paramLabel = "SPEC",
      description = "Job spec files (.conf, .yaml, .yml): local paths, or URIs on the job's file system.")
  List<String> specs;

  @Spec
  CommandSpec command;

  @Override
  public Integer call() {
    PrintWriter out = command.commandLine().getOut();
    PrintWriter err = command.commandLine().getErr();
    int invalid = 0;
    for (String spec : specs) {
      try {
        specOptions.load(spec);
        out.println("ok      " + spec);
      } catch (InvalidSpecException e) {
        invalid++;
        out.println("invalid " + spec + " (" + e.problems().size() + " problem"
            + (e.problems().size() == 1 ? "" : "s") + ")");
        e.problems().stream().map(SpecProblem::toString).forEach(err::println);
      }
    }
    out.flush();
    err.flush();
    return invalid == 0 ? ExitCodes.OK : ExitCodes.INVALID;
  }
}
