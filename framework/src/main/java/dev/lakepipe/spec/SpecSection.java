package dev.lakepipe.spec;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One object of a spec (the root, a source, a step, a target) with its allowed keys. Reading a key checks its
 * type; every problem is added to the shared list with the file and line of the offending value, and reading
 * goes on so that one pass finds them all.
 */
final class SpecSection {
  private final String path;
  private final ConfigObject object;
  private final Location location;
  private final List<SpecProblem> problems;

  /** A file and line. */
  record Location(String file, int line) {}

  /** Allows every key: for objects whose keys are names the user chooses. */
  static final Set<String> ANY_KEY = Set.of("*");

  SpecSection(String path, ConfigObject object, Location location, Set<String> allowed, List<SpecProblem> problems) {
    this.path = path;
    this.object = object;
    this.location = location;
    this.problems = problems;
    for (String key : new TreeMap<>(object).keySet()) {
      if (allowed != ANY_KEY && !allowed.contains(key)) {
        String hint = Names.closest(key, allowed)
            .map(c -> "; did you mean '" + c + "'?")
            .orElse("; allowed keys: " + String.join(", ", new TreeSet<>(allowed)));
        problem(key, "unknown key" + hint);
      }
    }
  }

  /** The keys this object holds, in name order. */
  Set<String> keys() {
    return new TreeSet<>(object.keySet());
  }

  String path() {
    return path;
  }

  /** Where this object is, for problems about keys it lacks. */
  Location location() {
    return location;
  }

  String keyPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  boolean has(String key) {
    ConfigValue value = object.get(key);
    return value != null && value.valueType() != ConfigValueType.NULL;
  }

  Location locationOf(String key) {
    ConfigValue value = object.get(key);
    return value == null ? location : locate(value.origin(), location);
  }

  void problem(String key, String message) {
    Location at = locationOf(key);
    problems.add(new SpecProblem(at.file(), at.line(), keyPath(key), message));
  }

  /**
   * A problem at a line of a multi-line string value, such as a step's SQL. HOCON places a string at the line where
   * it ends, YAML at the line where it starts (a block scalar's text begins on the line after).
   */
  void problemInText(String key, String text, int lineInText, String message) {
    Location at = locationOf(key);
    long breaks = text.chars().filter(c -> c == '\n').count();
    int line = at.line();
    if (breaks > 0 && line > 0 && !at.file().equals(SpecLoader.SET_ORIGIN)) {
      // An error "at the end of input" is on the last line that holds any text.
      int within = (int) Math.min(lineInText, text.stripTrailing().lines().count());
      line = at.file().matches("(?i).*\\.ya?ml$") ? line + within : (int) (line - breaks + within - 1);
    }
    problems.add(new SpecProblem(at.file(), line, keyPath(key), message));
  }

  void missing(String key, String message) {
    problems.add(new SpecProblem(location.file(), location.line(), keyPath(key), message));
  }

  Optional<String> string(String key) {
    return scalar(key, false);
  }

  /** A string; numbers are taken as their text (versions, timestamps). */
  Optional<String> text(String key) {
    return scalar(key, true);
  }

  private Optional<String> scalar(String key, boolean numbersToo) {
    if (!has(key)) {
      return Optional.empty();
    }
    ConfigValue value = object.get(key);
    boolean ok = value.valueType() == ConfigValueType.STRING
        || (numbersToo && value.valueType() == ConfigValueType.NUMBER);
    if (!ok) {
      problem(key, "expected a string, got " + describe(value));
      return Optional.empty();
    }
    String text = String.valueOf(value.unwrapped());
    if (text.isBlank()) {
      problem(key, "must not be empty");
      return Optional.empty();
    }
    return Optional.of(text);
  }

  Optional<String> requiredString(String key, String what) {
    if (!has(key)) {
      missing(key, "missing required key (" + what + ")");
      return Optional.empty();
    }
    return string(key);
  }

  /** How many problems the spec has so far, to tell whether reading a part added one. */
  int problemCount() {
    return problems.size();
  }

  /** A number. */
  OptionalDouble number(String key) {
    if (!has(key)) {
      return OptionalDouble.empty();
    }
    ConfigValue value = object.get(key);
    if (value.valueType() != ConfigValueType.NUMBER) {
      problem(key, "expected a number, got " + describe(value));
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(((Number) value.unwrapped()).doubleValue());
  }

  Optional<Boolean> bool(String key) {
    if (!has(key)) {
      return Optional.empty();
    }
    ConfigValue value = object.get(key);
    if (value.valueType() != ConfigValueType.BOOLEAN) {
      problem(key, "expected true or false, got " + describe(value));
      return Optional.empty();
    }
    return Optional.of((Boolean) value.unwrapped());
  }

  /** A list of non-empty strings; a single string is a list of one. */
  List<String> stringList(String key) {
    if (!has(key)) {
      return List.of();
    }
    ConfigValue value = object.get(key);
    if (value.valueType() == ConfigValueType.STRING) {
      return string(key).map(List::of).orElse(List.of());
    }
    if (value.valueType() != ConfigValueType.LIST) {
      problem(key, "expected a list of strings, got " + describe(value));
      return List.of();
    }
    List<String> result = new ArrayList<>();
    for (ConfigValue item : (ConfigList) value) {
      if (item.valueType() != ConfigValueType.STRING || String.valueOf(item.unwrapped()).isBlank()) {
        Location at = locate(item.origin(), locationOf(key));
        problems.add(new SpecProblem(at.file(), at.line(), keyPath(key),
            "expected a list of strings, found " + describe(item)));
        return List.of();
      }
      result.add((String) item.unwrapped());
    }
    return result;
  }

  /** An object of scalar settings, flattened to dotted keys (nested and quoted forms give the same keys). */
  Map<String, String> settings(String key) {
    if (!has(key)) {
      return Map.of();
    }
    ConfigValue value = object.get(key);
    if (value.valueType() != ConfigValueType.OBJECT) {
      problem(key, "expected an object of settings, got " + describe(value));
      return Map.of();
    }
    Map<String, ConfigValue> flattened = flatten((ConfigObject) value);
    problems.addAll(DroppedSettings.find(keyPath(key), (ConfigObject) value, flattened));
    Map<String, String> result = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> entry : new TreeMap<>(Map.copyOf(flattened)).entrySet()) {
      ConfigValue setting = entry.getValue();
      if (setting.valueType() == ConfigValueType.LIST || setting.valueType() == ConfigValueType.OBJECT) {
        Location at = locate(setting.origin(), locationOf(key));
        problems.add(new SpecProblem(at.file(), at.line(), keyPath(key) + "." + entry.getKey(),
            "expected a string, number or boolean, got " + describe(setting)));
      } else if (setting.valueType() != ConfigValueType.NULL) {
        result.put(entry.getKey(), String.valueOf(setting.unwrapped()));
      }
    }
    return result;
  }

  private static Map<String, ConfigValue> flatten(ConfigObject object) {
    Map<String, ConfigValue> result = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> entry : object.toConfig().entrySet()) {
      result.put(String.join(".", ConfigUtil.splitPath(entry.getKey())), entry.getValue());
    }
    return result;
  }

  /** The object under {@code key}, each of whose entries is itself an object (sources, steps, targets). */
  Map<String, SpecSection> children(String key, Set<String> allowed) {
    Map<String, SpecSection> result = new TreeMap<>();
    if (!has(key)) {
      return result;
    }
    ConfigValue value = object.get(key);
    if (value.valueType() != ConfigValueType.OBJECT) {
      problem(key, "expected an object of named entries, got " + describe(value));
      return result;
    }
    ConfigObject entries = (ConfigObject) value;
    Location entriesAt = locationOf(key);
    for (String name : new TreeMap<>(entries).keySet()) {
      ConfigValue entry = entries.get(name);
      Location at = locate(entry.origin(), entriesAt);
      if (entry.valueType() != ConfigValueType.OBJECT) {
        problems.add(new SpecProblem(at.file(), at.line(), keyPath(key) + "." + name,
            "expected an object, got " + describe(entry)));
        continue;
      }
      result.put(name, new SpecSection(keyPath(key) + "." + name, (ConfigObject) entry,
          locateObject((ConfigObject) entry, at), allowed, problems));
    }
    return result;
  }

  Optional<SpecSection> child(String key, Set<String> allowed) {
    if (!has(key)) {
      return Optional.empty();
    }
    ConfigValue value = object.get(key);
    if (value.valueType() != ConfigValueType.OBJECT) {
      problem(key, "expected an object, got " + describe(value));
      return Optional.empty();
    }
    return Optional.of(new SpecSection(keyPath(key), (ConfigObject) value,
        locateObject((ConfigObject) value, locationOf(key)), allowed, problems));
  }

  static String describe(ConfigValue value) {
    return switch (value.valueType()) {
      case OBJECT -> "an object";
      case LIST -> "a list";
      case NUMBER -> "a number (" + value.unwrapped() + ")";
      case BOOLEAN -> "a boolean (" + value.unwrapped() + ")";
      case NULL -> "null";
      case STRING -> "a string ('" + value.unwrapped() + "')";
    };
  }

  /**
   * An object merged from several files (a spec and a {@code --set}, say) has no single origin; it is then
   * placed at its earliest value that comes from a file.
   */
  static Location locateObject(ConfigObject object, Location fallback) {
    if (object.origin().filename() != null && object.origin().lineNumber() > 0) {
      return new Location(object.origin().filename(), object.origin().lineNumber());
    }
    return object.values().stream()
        .map(ConfigValue::origin)
        .filter(o -> o.filename() != null && o.lineNumber() > 0)
        .min(Comparator.comparingInt(ConfigOrigin::lineNumber))
        .map(o -> new Location(o.filename(), o.lineNumber()))
        .orElse(fallback);
  }

  static Location locate(ConfigOrigin origin, Location fallback) {
    if (origin.lineNumber() <= 0) {
      return fallback;
    }
    if (origin.filename() != null) {
      return new Location(origin.filename(), origin.lineNumber());
    }
    // Command-line overrides carry "--set" as their description.
    String description = origin.description().replaceFirst(":\\s*\\d+$", "");
    return description.startsWith(SpecLoader.SET_ORIGIN) ? new Location(SpecLoader.SET_ORIGIN, origin.lineNumber())
        : fallback;
  }
}
