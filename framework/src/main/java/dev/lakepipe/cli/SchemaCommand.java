package dev.lakepipe.cli;

import dev.lakepipe.format.TableFormats;
import dev.lakepipe.spec.SpecSchema;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Prints the JSON Schema of job specs, for editors. */
@Command(name = "schema", mixinStandardHelpOptions = true,
    description = {"Print a JSON Schema (draft-07) of job specs: every key, its type, allowed values, default and"
        + " meaning, from the same key list the spec check uses.",
        "Point a YAML or JSON editor at it to complete and check specs: lakepipe schema > lakepipe-spec.schema.json"})
final class SchemaCommand implements Callable<Integer> {
  @Spec
  CommandSpec command;

  @Override
  public Integer call() {
    PrintWriter out = command.commandLine().getOut();
    out.println(SpecSchema.json(TableFormats.all().keySet()));
    out.flush();
    return ExitCodes.OK;
  }
}
