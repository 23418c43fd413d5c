package dev.lakepipe.spec;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigOriginFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
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
   * @return the parsed config; problems found (syntax, nesting, alias expansion, unset variables) are added to
   *     {@code problems}
   */
  static Config parse(String text, String displayName, Function<String, String> environment,
      List<SpecProblem> problems) {
    YamlSpecParser parser = new YamlSpecParser(displayName, environment);
    Node root;
    try {
      Optional<SpecProblem> tooDeep = tooDeep(text, displayName);
      if (tooDeep.isPresent()) {
        problems.add(tooDeep.get());
        return ConfigFactory.empty();
      }
      root = yaml().compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1;
      problems.add(new SpecProblem(displayName, line, "(syntax)", "invalid YAML: " + e.getProblem()));
      return ConfigFactory.empty();
    } catch (YAMLException e) {
      problems.add(new SpecProblem(displayName, 0, "(syntax)", "invalid YAML: " + e.getMessage()));
      return ConfigFactory.empty();
    }
    if (root == null) {
      return ConfigFactory.empty();
    }
    if (!(root instanceof MappingNode mapping)) {
      problems.add(new SpecProblem(displayName, line(root), "(root)", "a spec is a mapping of keys to values"));
      return ConfigFactory.empty();
    }
    Optional<SpecProblem> unbounded = new Expansion(displayName).check(root);
    if (unbounded.isPresent()) {
      problems.add(unbounded.get());
      return ConfigFactory.empty();
    }
    ConfigObject object = parser.object(mapping, "", origin(displayName, line(root)));
    problems.addAll(parser.problems);
    return object.toConfig();
  }

  /** Aliases are counted by {@link Expansion} instead, which says where; the composer recurses, so depth first. */
  private static Yaml yaml() {
    LoaderOptions options = new LoaderOptions();
    options.setMaxAliasesForCollections(Integer.MAX_VALUE);
    options.setNestingDepthLimit(Integer.MAX_VALUE);
    options.setCodePointLimit(SpecText.MAX_BYTES);
    return new Yaml(options);
  }

  /** The first collection nested deeper than {@link SpecText#MAX_DEPTH}, found from the parser's events. */
  private static Optional<SpecProblem> tooDeep(String text, String displayName) {
    int depth = 0;
    for (Event event : yaml().parse(new StringReader(text))) {
      if (event instanceof CollectionStartEvent) {
        depth++;
        if (depth > SpecText.MAX_DEPTH) {
          return Optional.of(SpecText.tooDeep(displayName, event.getStartMark().getLine() + 1));
        }
      } else if (event instanceof CollectionEndEvent) {
        depth--;
      }
    }
    return Optional.empty();
  }

  /**
   * Aliases make the node tree a graph: a few lines can expand to billions of values (an alias bomb), or to an
   * endless one (an alias inside its own anchor). Counts what the conversion would visit, once per node.
   */
  private static final class Expansion {
    private static final long MAX_VALUES = 100_000;
    private final String file;
    private final Map<Node, Long> sizes = new IdentityHashMap<>();
    private final Set<Node> open = Collections.newSetFromMap(new IdentityHashMap<>());

    Expansion(String file) {
      this.file = file;
    }

    Optional<SpecProblem> check(Node root) {
      try {
        size(root, 0);
        return Optional.empty();
      } catch (Unbounded e) {
        return Optional.of(e.problem);
      }
    }

    private long size(Node node, int depth) {
      Long known = sizes.get(node);
      if (known != null) {
        return known;
      }
      if (!open.add(node)) {
        throw new Unbounded(new SpecProblem(file, line(node), "(syntax)", "YAML alias refers to itself"));
      }
      if (depth > SpecText.MAX_DEPTH) {
        throw new Unbounded(SpecText.tooDeep(file, line(node)));
      }
      long size = 1;
      if (node instanceof MappingNode mapping) {
        for (NodeTuple tuple : mapping.getValue()) {
          size += size(tuple.getKeyNode(), depth + 1) + size(tuple.getValueNode(), depth + 1);
        }
      } else if (node instanceof SequenceNode sequence) {
        for (Node item : sequence.getValue()) {
          size += size(item, depth + 1);
        }
      }
      if (size > MAX_VALUES) {
        throw new Unbounded(new SpecProblem(file, line(node), "(syntax)",
            "YAML aliases expand to more than " + MAX_VALUES + " values"));
      }
      open.remove(node);
      sizes.put(node, size);
      return size;
    }
  }

  /** Stops the walk of {@link Expansion} at the first problem. */
  private static final class Unbounded extends RuntimeException {
    private final transient SpecProblem problem;

    Unbounded(SpecProblem problem) {
      super(problem.toString(), null, false, false);
      this.problem = problem;
    }
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
}
