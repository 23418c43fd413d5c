package dev.lakepipe.spec;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigOriginFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a YAML spec into the same {@link Config} model as HOCON, keeping each value's file and line so that
 * problems point into the YAML file. {@code ${VAR}} and {@code ${?VAR}} in strings are replaced from the
 * environment, as HOCON does; a value that is only an unset {@code ${?VAR}} is left out.
 */
final class YamlSpecParser {
  private static final Pattern ENV = Pattern.compile("\\$\\{(\\?)?([A-Za-z_][A-Za-z0-9_]*)}");

  private final String file;
  private final Function<String, String> environment;
  private final List<SpecProblem> problems = new ArrayList<>();

  private YamlSpecParser(String file, Function<String, String> environment) {
    this.file = file;
    this.environment = environment;
  }

  /**
   * @return the parsed config; problems found (syntax, unset variables) are added to {@code problems}
   * @throws IOException when the file cannot be read
   */
  static Config parse(Path path, String displayName, Function<String, String> environment, List<SpecProblem> problems)
      throws IOException {
    YamlSpecParser parser = new YamlSpecParser(displayName, environment);
    Node root;
    try (Reader reader = Files.newBufferedReader(path)) {
      root = new Yaml(new LoaderOptions()).compose(reader);
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1;
      problems.add(new SpecProblem(displayName, line, "(syntax)", "invalid YAML: " + e.getProblem()));
      return ConfigObjectHolder.empty();
    }
    if (root == null) {
      return ConfigObjectHolder.empty();
    }
    if (!(root instanceof MappingNode mapping)) {
      problems.add(new SpecProblem(displayName, line(root), "(root)", "a spec is a mapping of keys to values"));
      return ConfigObjectHolder.empty();
    }
    ConfigObject object = parser.object(mapping, "", origin(displayName, line(root)));
    problems.addAll(parser.problems);
    return object.toConfig();
  }

  private ConfigObject object(MappingNode mapping, String prefix, ConfigOrigin origin) {
    Map<String, ConfigValue> values = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
        problems.add(new SpecProblem(file, line(tuple.getKeyNode()), prefix + "(key)", "keys must be plain strings"));
        continue;
      }
      String key = keyNode.getValue();
      // An object takes its key's line: that is where a user looks for it.
      convert(tuple.getValueNode(), prefix + key, origin(file, line(keyNode))).ifPresent(value -> values.put(key, value));
    }
    return ConfigValueFactory.fromMap(values).withOrigin(origin);
  }

  private Optional<ConfigValue> convert(Node node, String key, ConfigOrigin keyOrigin) {
    if (node instanceof MappingNode mapping) {
      return Optional.of(object(mapping, key + ".", keyOrigin));
    }
    if (node instanceof SequenceNode sequence) {
      List<ConfigValue> items = new ArrayList<>();
      for (Node item : sequence.getValue()) {
        convert(item, key, origin(file, line(item))).ifPresent(items::add);
      }
      return Optional.of(ConfigValueFactory.fromIterable(items).withOrigin(keyOrigin));
    }
    ScalarNode scalar = (ScalarNode) node;
    ConfigOrigin origin = origin(file, line(scalar));
    Tag tag = scalar.getTag();
    String text = scalar.getValue();
    if (Tag.NULL.equals(tag)) {
      return Optional.of(ConfigValueFactory.fromAnyRef(null).withOrigin(origin));
    }
    if (Tag.BOOL.equals(tag)) {
      return Optional.of(ConfigValueFactory.fromAnyRef(Boolean.parseBoolean(text.toLowerCase())).withOrigin(origin));
    }
    if (Tag.INT.equals(tag)) {
      try {
        return Optional.of(ConfigValueFactory.fromAnyRef(Long.parseLong(text.replace("_", ""))).withOrigin(origin));
      } catch (NumberFormatException e) {
        return Optional.of(ConfigValueFactory.fromAnyRef(text).withOrigin(origin));
      }
    }
    if (Tag.FLOAT.equals(tag)) {
      try {
        return Optional.of(ConfigValueFactory.fromAnyRef(Double.parseDouble(text)).withOrigin(origin));
      } catch (NumberFormatException e) {
        return Optional.of(ConfigValueFactory.fromAnyRef(text).withOrigin(origin));
      }
    }
    return substitute(text, key, origin).map(value -> ConfigValueFactory.fromAnyRef(value).withOrigin(origin));
  }

  private Optional<String> substitute(String text, String key, ConfigOrigin origin) {
    Matcher whole = ENV.matcher(text);
    if (whole.matches() && whole.group(1) != null) {
      return Optional.ofNullable(environment.apply(whole.group(2)));
    }
    Matcher matcher = ENV.matcher(text);
    StringBuilder result = new StringBuilder();
    while (matcher.find()) {
      String value = environment.apply(matcher.group(2));
      if (value == null && matcher.group(1) == null) {
        problems.add(new SpecProblem(file, origin.lineNumber(), key,
            "environment variable " + matcher.group(2) + " is not set"));
      }
      matcher.appendReplacement(result, Matcher.quoteReplacement(value == null ? "" : value));
    }
    matcher.appendTail(result);
    return Optional.of(result.toString());
  }

  private static int line(Node node) {
    return node.getStartMark() == null ? 1 : node.getStartMark().getLine() + 1;
  }

  private static ConfigOrigin origin(String file, int line) {
    return ConfigOriginFactory.newFile(file).withLineNumber(line);
  }

  /** An empty config, for a file that could not be parsed. */
  private static final class ConfigObjectHolder {
    static Config empty() {
      return com.typesafe.config.ConfigFactory.empty();
    }
  }
}
