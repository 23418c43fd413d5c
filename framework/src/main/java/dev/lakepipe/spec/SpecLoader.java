package dev.lakepipe.spec;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigOriginFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigResolver;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Loads a job spec (HOCON {@code .conf} or YAML {@code .yaml}/{@code .yml}), merges it over an environment
 * profile and the built-in defaults, applies {@code --set} overrides, substitutes {@code ${?ENV}}, and validates
 * the result. Precedence, highest first: {@code --set}, the spec, the environment profile, the defaults.
 *
 * <p>Nothing here touches Spark: validating many specs is cheap.
 */
public final class SpecLoader {
  static final String SET_ORIGIN = "--set";
  /** The profile a spec gets when none is named, if one of that name is found. */
  public static final String DEFAULT_ENV = "local";
  private static final List<String> EXTENSIONS = List.of(".conf", ".yaml", ".yml");

  private final Map<String, ? extends FormatTraits> formats;
  private final Function<String, String> environment;
  private final Function<JobSpec, Optional<String>> modeCheck;

  /**
   * @param formats the table formats a spec may name, by name
   * @param environment looks up environment variables (normally {@code System::getenv})
   */
  public SpecLoader(Map<String, ? extends FormatTraits> formats, Function<String, String> environment) {
    this(formats, environment, spec -> Optional.empty());
  }

  /**
   * @param modeCheck why a valid spec cannot run in the mode it names ({@code mode = streaming}), reported at its
   *     {@code mode} key: what a run would refuse before reading any data
   */
  public SpecLoader(Map<String, ? extends FormatTraits> formats, Function<String, String> environment,
      Function<JobSpec, Optional<String>> modeCheck) {
    this.formats = Map.copyOf(formats);
    this.environment = environment;
    this.modeCheck = modeCheck;
  }

  /**
   * How a spec is loaded: the environment profile (by name, found in an {@code env/} folder beside or above the
   * spec, or in {@code $LAKEPIPE_CONF_DIR/env}; or by file) and the {@code --set key=value} overrides.
   */
  public record Options(Optional<String> env, Optional<Path> envFile, List<String> sets) {
    public Options {
      sets = List.copyOf(sets);
    }

    public static Options defaults() {
      return new Options(Optional.empty(), Optional.empty(), List.of());
    }
  }

  /**
   * @throws InvalidSpecException listing every problem of the spec, its profile and the overrides
   */
  public JobSpec load(Path specFile, Options options) throws InvalidSpecException {
    String display = specFile.toString();
    List<SpecProblem> problems = new ArrayList<>();
    Config spec = parse(specFile, display, problems);
    Profile env = environmentProfile(specFile.toAbsolutePath().getParent(), display, options, problems);
    Config merged = merge(spec, env.config(), options, display, problems);
    SpecSection.Location start = new SpecSection.Location(display, 1);
    JobSpec loaded = SpecValidator.validate(merged, start, formats, problems);
    Optional<String> refused = modeCheck.apply(loaded);
    if (refused.isPresent()) {
      SpecSection.Location at = SpecSection.locate(merged.getValue("mode").origin(), start);
      throw new InvalidSpecException(List.of(new SpecProblem(at.file(), at.line(), "mode", refused.get())));
    }
    return new JobSpec(loaded.name(), loaded.description(), loaded.file(),
        withAbsoluteWarehouse(loaded.settings(), env),
        loaded.sources(), loaded.steps(), loaded.targets(), loaded.mode(), loaded.streaming());
  }

  /**
   * The engine settings (warehouse, catalog, spark) of the environment profile and the {@code --set} overrides
   * over the defaults, for commands that take no spec. The profile is looked for as for a spec in {@code folder}.
   *
   * @param folder where a spec would be: its {@code env/} folder and those above it hold the profiles
   * @throws InvalidSpecException listing every problem of the profile and the overrides
   */
  public EngineSettings loadSettings(Path folder, Options options) throws InvalidSpecException {
    String display = options.envFile().map(Path::toString).orElse("(settings)");
    List<SpecProblem> problems = new ArrayList<>();
    Profile env = environmentProfile(folder.toAbsolutePath(), display, options, problems);
    Config merged = merge(ConfigFactory.empty(), env.config(), options, display, problems);
    return withAbsoluteWarehouse(
        SpecValidator.validateSettings(merged, new SpecSection.Location(display, 1), problems), env);
  }

  /**
   * {@code --set} over the spec over the profile over the defaults, substitutions resolved.
   *
   * @throws InvalidSpecException when there are problems already, or a substitution fails
   */
  private Config merge(Config spec, Config env, Options options, String display, List<SpecProblem> problems)
      throws InvalidSpecException {
    Config sets = overrides(options.sets(), problems);
    Config defaults = ConfigFactory.parseResources(SpecLoader.class, "defaults.conf");
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(problems);
    }
    try {
      return sets.withFallback(spec).withFallback(env).withFallback(defaults)
          .resolve(ConfigResolveOptions.noSystem().appendResolver(new EnvironmentResolver(environment)));
    } catch (ConfigException e) {
      throw new InvalidSpecException(List.of(problem(e, display, "(substitution)")));
    }
  }

  private static EngineSettings withAbsoluteWarehouse(EngineSettings s, Profile profile) {
    return new EngineSettings(absoluteWarehouse(s.warehouse()), s.master(), s.appName(), s.sparkConf(), s.catalog(),
        profile.shown());
  }

  private static String absoluteWarehouse(String warehouse) {
    if (warehouse.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*")) {
      return warehouse.replaceAll("/+$", "");
    }
    return Path.of(warehouse).toAbsolutePath().normalize().toString();
  }

  private Config parse(Path file, String display, List<SpecProblem> problems) {
    if (!Files.isRegularFile(file)) {
      problems.add(new SpecProblem(display, 0, "(file)", "no such file"));
      return ConfigFactory.empty();
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean yaml = name.endsWith(".yaml") || name.endsWith(".yml");
    try {
      SpecText.Text text = SpecText.read(file, display);
      Optional<SpecProblem> unreadable = text.problem().or(() -> yaml ? Optional.empty()
          : SpecText.hoconTooDeep(text.text(), display));
      if (unreadable.isPresent()) {
        problems.add(unreadable.get());
        return ConfigFactory.empty();
      }
      if (yaml) {
        return YamlSpecParser.parse(text.text(), display, environment, problems);
      }
      // The origin keeps the path as the user gave it, so problems name the file the way the user does.
      return ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF)
          .setAllowMissing(false).setIncluder(new SpecIncluder(file, display)));
    } catch (ConfigException.Parse e) {
      SpecProblem problem = problem(e, display, "(syntax)");
      // HOCON reports an unclosed brace at the end of the file in terms of parentheses; say what to look for.
      String message = problem.message().contains("end of file")
          ? "unexpected end of file: a '{' or '[' is not closed" : problem.message();
      problems.add(new SpecProblem(problem.file(), problem.line(), problem.key(), message));
    } catch (ConfigException.IO e) {
      problems.add(problem(e, display, "(include)"));
    } catch (ConfigException e) {
      problems.add(problem(e, display, "(syntax)"));
    } catch (IOException e) {
      problems.add(new SpecProblem(display, 0, "(file)", "cannot read: " + e.getMessage()));
    }
    return ConfigFactory.empty();
  }

  /** An environment profile's settings and its file as shown to the user; empty settings and no file if none. */
  private record Profile(Config config, Optional<String> shown) {
    static final Profile NONE = new Profile(ConfigFactory.empty(), Optional.empty());
  }

  /**
   * The profile: the file given, or the one named found in {@code $LAKEPIPE_CONF_DIR/env} or in the {@code env/}
   * folder of {@code start} or of a folder above it.
   */
  private Profile environmentProfile(Path start, String display, Options options, List<SpecProblem> problems) {
    if (options.envFile().isPresent()) {
      String shown = options.envFile().get().toString();
      return new Profile(parse(options.envFile().get(), shown, problems), Optional.of(shown));
    }
    String name = options.env().orElse(DEFAULT_ENV);
    List<Path> folders = new ArrayList<>();
    Optional.ofNullable(environment.apply("LAKEPIPE_CONF_DIR")).map(d -> Path.of(d, "env")).ifPresent(folders::add);
    for (Path dir = start; dir != null && folders.size() < 5; dir = dir.getParent()) {
      folders.add(dir.resolve("env"));
    }
    for (Path folder : folders) {
      for (String extension : EXTENSIONS) {
        Path candidate = folder.resolve(name + extension);
        if (Files.isRegularFile(candidate)) {
          String shown = Path.of("").toAbsolutePath().relativize(candidate.toAbsolutePath().normalize()).toString();
          return new Profile(parse(candidate, shown, problems), Optional.of(shown));
        }
      }
    }
    if (options.env().isPresent()) {
      problems.add(new SpecProblem(display, 0, "--env", "no environment profile '" + name + "' in "
          + folders.stream().map(Path::toString).reduce((a, b) -> a + ", " + b).orElse("")));
    }
    return Profile.NONE;
  }

  private static Config overrides(List<String> sets, List<SpecProblem> problems) {
    Config result = ConfigFactory.empty();
    for (int i = 0; i < sets.size(); i++) {
      String set = sets.get(i);
      int position = i + 1;
      int equals = set.indexOf('=');
      String key = equals < 0 ? set : set.substring(0, equals).trim();
      if (equals <= 0 || key.isEmpty()) {
        problems.add(new SpecProblem(SET_ORIGIN, position, set, "expected key=value"));
        continue;
      }
      ConfigOrigin origin = ConfigOriginFactory.newSimple(SET_ORIGIN).withLineNumber(position);
      try {
        ConfigValue value = overrideValue(set.substring(equals + 1).trim()).withOrigin(origin);
        result = value.atPath(key).withFallback(result);
      } catch (ConfigException e) {
        problems.add(new SpecProblem(SET_ORIGIN, position, key, "not a valid key: " + e.getMessage()));
      }
    }
    return result;
  }

  /** A HOCON value when the text is one (a number, a list, an object), otherwise the text as a string. */
  private static ConfigValue overrideValue(String text) {
    try {
      return ConfigFactory.parseString("value = " + text).getValue("value");
    } catch (ConfigException e) {
      return ConfigValueFactory.fromAnyRef(text);
    }
  }

  private static SpecProblem problem(ConfigException e, String display, String key) {
    ConfigOrigin origin = e.origin();
    String message = e.getMessage();
    if (origin != null && message.startsWith(origin.description() + ": ")) {
      message = message.substring(origin.description().length() + 2);
    }
    SpecSection.Location at = origin == null ? new SpecSection.Location(display, 0)
        : SpecSection.locate(origin, new SpecSection.Location(display, 0));
    return new SpecProblem(at.file(), at.line(), key, message);
  }

  /** Resolves {@code ${VAR}} that the spec itself does not define from the environment, then the fallback. */
  private record EnvironmentResolver(Function<String, String> environment, Optional<ConfigResolver> fallback)
      implements ConfigResolver {
    EnvironmentResolver(Function<String, String> environment) {
      this(environment, Optional.empty());
    }

    @Override
    public ConfigValue lookup(String path) {
      String value = environment.apply(path);
      if (value != null) {
        return ConfigValueFactory.fromAnyRef(value, "environment variable " + path);
      }
      return fallback.map(f -> f.lookup(path)).orElse(null);
    }

    @Override
    public ConfigResolver withFallback(ConfigResolver next) {
      return new EnvironmentResolver(environment, Optional.of(fallback.map(f -> f.withFallback(next)).orElse(next)));
    }
  }
}
