package dev.lakepipe.cli;

import dev.lakepipe.format.TableFormats;
import dev.lakepipe.plan.RunRefusals;
import dev.lakepipe.spec.EngineSettings;
import dev.lakepipe.spec.InvalidSpecException;
import dev.lakepipe.spec.JobSpec;
import dev.lakepipe.spec.SpecLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** How a spec is loaded, shared by the commands that take one. */
public final class SpecOptions {
  @Option(names = "--env", paramLabel = "NAME",
      description = "Environment profile env/NAME.conf found beside or above the spec, or in $LAKEPIPE_CONF_DIR/env"
          + " (default: local, when present).")
  String env;

  @Option(names = "--env-file", paramLabel = "FILE", description = "Environment profile file to use instead.")
  Path envFile;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override a spec key, e.g. --set targets.orders.mode=overwrite (repeatable; wins over the spec).")
  List<String> sets = new ArrayList<>();

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  /**
   * Loads the spec; from then on, its secrets are masked in all the command prints.
   *
   * @throws InvalidSpecException listing every problem
   */
  public JobSpec load(Path spec) throws InvalidSpecException {
    JobSpec loaded = loadLocal(spec);
    Lakepipe.maskSecrets(command, loaded);
    return loaded;
  }

  /**
   * Loads the spec at a local path or, when the location has a scheme ({@code hdfs://}, {@code s3a://}, {@code
   * file://}), on the job's file system; from then on, its secrets are masked in all the command prints.
   *
   * @throws InvalidSpecException listing every problem
   */
  public JobSpec load(String location) throws InvalidSpecException {
    JobSpec loaded = RemoteSpecFile.isRemote(location) ? RemoteSpecFile.load(location, this::loadLocal)
        : loadLocal(Path.of(location));
    Lakepipe.maskSecrets(command, loaded);
    return loaded;
  }

  /**
   * For commands that take no spec: the engine settings (warehouse, catalog, spark) of the environment profile and
   * {@code --set}, the profile looked for as for a spec in {@code ./conf} ({@code $LAKEPIPE_CONF_DIR/env}, else
   * {@code ./conf/env}, else an {@code env/} folder here or above). Nothing is masked: a command that prints what
   * the profile's secrets could show masks them itself.
   *
   * @throws InvalidSpecException listing every problem of the profile and the overrides
   */
  public EngineSettings loadSettings() throws InvalidSpecException {
    return loader().loadSettings(Path.of("conf"), options());
  }

  /**
   * The spec, and a warning on the command's error stream when no profile was named and the default one was not
   * found: the run then gets Spark's own defaults (200 shuffle partitions: hundreds of tiny tasks and files on one
   * machine), which is otherwise seen only in {@code plan}.
   */
  private JobSpec loadLocal(Path spec) throws InvalidSpecException {
    JobSpec loaded = loader().load(spec, options());
    if (loaded.settings().profile().isEmpty() && env == null && envFile == null) {
      command.commandLine().getErr().println("lakepipe: warning: no environment profile: no env/"
          + SpecLoader.DEFAULT_ENV + ".conf beside or above " + spec + " (nor in $LAKEPIPE_CONF_DIR/env), so only the"
          + " spec's own settings apply over Spark's defaults; name one with --env NAME or --env-file FILE");
    }
    return loaded;
  }

  private static SpecLoader loader() {
    return new SpecLoader(TableFormats.all(), System::getenv, RunRefusals::ofSpecMode);
  }

  private SpecLoader.Options options() {
    return new SpecLoader.Options(Optional.ofNullable(env), Optional.ofNullable(envFile), sets);
  }
}
