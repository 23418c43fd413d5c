package dev.lakepipe.spec;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the settings of an object of settings that HOCON dropped without a word. An unquoted key is a path, so
 * {@code spark.kryoserializer.buffer = 64k} followed by {@code spark.kryoserializer.buffer.max = 512m} makes the
 * first key an object and loses its value (and a scalar given after such a path loses the path). Spark's settings and
 * the formats' clash this way ({@code hoodie.compact.inline} and {@code hoodie.compact.inline.max.delta.commits}).
 * The parsed object keeps no trace of the dropped value, so this reads the lines of the object in the files its
 * values come from, and reports an unquoted dotted key given a value there that the object lacks while a key it has
 * extends it or is a path inside it.
 */
final class DroppedSettings {
  /** An unquoted dotted key given a value with {@code =} or {@code :} (not {@code +=}). */
  private static final Pattern ASSIGNMENT =
      Pattern.compile("(?:^|[{,\\s])([A-Za-z_][\\w-]*(?:\\.[\\w-]+)+)\\s*[=:]\\s*(.*)");

  private DroppedSettings() {}

  /**
   * @param keyPath where the object is in the spec, e.g. {@code targets.orders.options}
   * @param settings the object as parsed
   * @param flattened its settings by dotted key
   * @return one problem per dropped setting, at its line
   */
  static List<SpecProblem> find(String keyPath, ConfigObject settings, Map<String, ConfigValue> flattened) {
    Map<String, int[]> linesByFile = new TreeMap<>();
    addLine(linesByFile, settings);
    flattened.values().forEach(value -> addLine(linesByFile, value));
    List<SpecProblem> problems = new ArrayList<>();
    for (Map.Entry<String, int[]> file : linesByFile.entrySet()) {
      if (file.getKey().endsWith(".yaml") || file.getKey().endsWith(".yml")) {
        continue; // YAML keys are keys, never paths
      }
      List<String> lines;
      try {
        lines = Files.readAllLines(Path.of(file.getKey()));
      } catch (IOException | RuntimeException e) {
        continue; // not a file of this machine (a resource, a URL): nothing to compare with
      }
      for (int line = file.getValue()[0]; line <= Math.min(file.getValue()[1], lines.size()); line++) {
        Matcher assignment = ASSIGNMENT.matcher(withoutStringsAndComments(lines.get(line - 1)))
            .useAnchoringBounds(false);
        while (assignment.find()) {
          String key = assignment.group(1);
          String value = assignment.group(2).strip();
          if (!value.startsWith("{") && !value.startsWith("${?") && !value.startsWith("null")) {
            int at = line;
            clash(key, flattened).ifPresent(other -> problems.add(new SpecProblem(file.getKey(), at,
                keyPath + "." + key, "dropped: an unquoted key is a path, and " + other + " (line "
                    + flattened.get(other).origin().lineNumber() + ") is one with it, so HOCON keeps one of the two"
                    + " values; quote both keys (\"" + key + "\" = ...)")));
          }
          assignment.region(assignment.start(2), assignment.regionEnd());
        }
      }
    }
    return problems;
  }

  /** The key of the object that took the place of {@code key}'s value, when the object lacks it. */
  private static Optional<String> clash(String key, Map<String, ConfigValue> flattened) {
    // The key may be relative to a nested object of the settings: present if some key ends with it.
    if (flattened.keySet().stream().anyMatch(k -> k.equals(key) || k.endsWith("." + key))) {
      return Optional.empty();
    }
    return flattened.keySet().stream()
        .filter(k -> k.startsWith(key + ".") || k.contains("." + key + ".") || key.startsWith(k + "."))
        .findFirst();
  }

  private static void addLine(Map<String, int[]> linesByFile, ConfigValue value) {
    String file = value.origin().filename();
    int line = value.origin().lineNumber();
    if (file != null && line > 0) {
      int[] range = linesByFile.computeIfAbsent(file, f -> new int[] {line, line});
      range[0] = Math.min(range[0], line);
      range[1] = Math.max(range[1], line);
    }
  }

  /** The line with its quoted strings blanked and its comment cut, so that neither is read as a key. */
  private static String withoutStringsAndComments(String line) {
    StringBuilder kept = new StringBuilder(line.length());
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        quoted = !quoted;
        kept.append(' ');
      } else if (quoted) {
        kept.append(' ');
        if (c == '\\' && i + 1 < line.length()) {
          i++;
          kept.append(' ');
        }
      } else if (c == '#' || (c == '/' && i + 1 < line.length() && line.charAt(i + 1) == '/')) {
        break;
      } else {
        kept.append(c);
      }
    }
    return kept.toString();
  }
}
