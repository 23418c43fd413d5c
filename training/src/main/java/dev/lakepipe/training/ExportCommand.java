package dev.lakepipe.training;

import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.cli.Runs;
import dev.lakepipe.cli.SpecOptions;
import dev.lakepipe.cli.VerboseOption;
import dev.lakepipe.run.SparkSessions;
import dev.lakepipe.spec.InvalidSpecException;
import dev.lakepipe.spec.JobSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lakepipe export}: a target table as files a training job reads, or the release of an export's pins. */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = {"Export a target table, as of its latest commit or a given one, to a folder: data.parquet, one"
        + " NumPy .npy file per column (arrays padded, with their lengths) and manifest.json (schema, rows, checksum,"
        + " the commits read). The same commit gives the same files.",
        "With --pin, table maintenance keeps the commit read until `lakepipe export --release DIR`.",
        "Exit codes: 0 success, 1 failure, 2 invalid spec or arguments."})
final class ExportCommand implements Callable<Integer> {
  @Mixin
  SpecOptions specOptions;

  @Mixin
  VerboseOption verbose;

  @Parameters(paramLabel = "SPEC", arity = "0..1", description = "Job spec file (not with --release).")
  String spec;

  @Option(names = "--target", paramLabel = "NAME", description = "The target to export.")
  String target;

  @Option(names = "--to", paramLabel = "DIR", description = "The folder the export is written to.")
  Path to;

  @Option(names = "--commit", paramLabel = "ID", description = "The target's commit to read (default: its latest):"
      + " a Delta version, Iceberg snapshot id or Hudi instant, as manifest.json records it.")
  String commit;

  @Option(names = "--pin", description = "Keep the commit read in the table's history until the export is released.")
  boolean pin;

  @Option(names = "--release", paramLabel = "DIR", description = "Release the pins of the export in DIR.")
  Path release;

  @Spec
  CommandSpec command;

  /**
   * @throws InvalidSpecException when the spec is invalid (exit code 2)
   * @throws ParameterException when the arguments do not go together (exit code 2)
   */
  @Override
  public Integer call() throws InvalidSpecException {
    PrintWriter out = command.commandLine().getOut();
    verbose.apply();
    if (release != null) {
      if (spec != null || target != null || to != null) {
        throw new ParameterException(command.commandLine(), "--release takes only the export's folder");
      }
      List<String> released = new TrainingExport(SparkSessions.getOrCreate(Runs.withConsoleProgress(
          specOptions.loadSettings()))).release(release);
      out.println(released.isEmpty() ? "no pins held by " + release : "released pins " + String.join(", ", released));
      out.flush();
      return ExitCodes.OK;
    }
    if (spec == null || target == null || to == null) {
      throw new ParameterException(command.commandLine(), "give SPEC, --target and --to (or --release DIR)");
    }
    JobSpec job = specOptions.load(spec);
    TrainingExport.Result result = new TrainingExport(SparkSessions.getOrCreate(Runs.withConsoleProgress(
        job.settings()))).export(job, target, Optional.ofNullable(commit), to, pin);
    out.println("exported " + result.rows() + " rows of " + target + " (commit " + result.commit() + ") to "
        + result.dir() + "  checksum " + result.checksum()
        + (result.pins().isEmpty() ? "" : "  pinned " + String.join(", ", result.pins())));
    out.flush();
    return ExitCodes.OK;
  }
}
