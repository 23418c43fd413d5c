package dev.lakepipe.cli;

import dev.lakepipe.format.TableFormats;
import dev.lakepipe.plan.Plan;
import dev.lakepipe.plan.PlanPrinter;
import dev.lakepipe.spec.InvalidSpecException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Prints what a run would do. */
@Command(name = "plan", mixinStandardHelpOptions = true,
    description = "Print the DAG of reads, steps and writes of a spec, in run order, without running anything.")
final class PlanCommand implements Callable<Integer> {
  @Mixin
  SpecOptions specOptions;

  @Parameters(paramLabel = "SPEC", description = "Job spec file: a local path, or a URI on the job's file system.")
  String spec;

  @Spec
  CommandSpec command;

  @Override
  public Integer call() throws InvalidSpecException {
    Plan plan = Plan.of(specOptions.load(spec));
    command.commandLine().getOut().print(PlanPrinter.render(plan, TableFormats.all()));
    command.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
