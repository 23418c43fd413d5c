package dev.lakepipe.spec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/** Reads and checks the {@code checks} of a target; every problem goes to the spec's shared list. */
final class CheckSpecReader {
  /** Every key of every kind, so that a key of another kind reads "does not apply" rather than "unknown". */
  private static final Set<String> ALL_KEYS = SpecKeys.names(SpecKeys.CHECK);
  private static final Set<String> COMMON_KEYS = SpecKeys.names(SpecKeys.CHECK_COMMON);

  private CheckSpecReader() {}

  /**
   * @param target the target's section
   * @param relations the spec's sources and steps, which referential checks may name
   * @return the checks that have no problem, in name order
   */
  static List<CheckSpec> read(SpecSection target, Set<String> relations) {
    List<CheckSpec> checks = new ArrayList<>();
    target.children("checks", ALL_KEYS).forEach((name, section) ->
        check(name, section, relations).ifPresent(checks::add));
    return checks;
  }

  private static Optional<CheckSpec> check(String name, SpecSection section, Set<String> relations) {
    Optional<String> kindName = section.requiredString("kind", "one of " + String.join(", ", CheckType.specNames()));
    Optional<CheckType> type = kindName.flatMap(CheckType::fromSpecName);
    kindName.filter(k -> type.isEmpty()).ifPresent(k -> section.problem("kind", "unknown kind '" + k + "'"
        + Names.suggestion(k, CheckType.specNames()) + " (known: " + String.join(", ", CheckType.specNames()) + ")"));
    Optional<CheckSpec.Level> level = choice(section, "level", CheckSpec.Level.values(), CheckSpec.Level.ERROR);
    Optional<CheckSpec.OnFail> onFail = choice(section, "on-fail", CheckSpec.OnFail.values(), CheckSpec.OnFail.FAIL);
    Optional<CheckSpec.Scope> scope = choice(section, "scope", CheckSpec.Scope.values(),
        type.map(CheckType::defaultScope).orElse(CheckSpec.Scope.ROWS));
    if (type.isEmpty()) {
      return Optional.empty();
    }
    CheckType kind = type.get();
    int before = section.problemCount();
    Map<String, String> settings = new LinkedHashMap<>();
    Map<String, List<String>> lists = new LinkedHashMap<>();
    for (String key : section.keys()) {
      if (!COMMON_KEYS.contains(key) && !kind.required().contains(key) && !kind.optional().contains(key)) {
        section.problem(key, "does not apply to a " + kind.specName() + " check (its keys: "
            + String.join(", ", new TreeSet<>(keysOf(kind))) + ")");
      }
    }
    for (String key : kind.required()) {
      if (!section.has(key)) {
        section.missing(key, "missing required key of a " + kind.specName() + " check");
      }
    }
    for (String key : keysOf(kind)) {
      if (CheckType.LIST_KEYS.contains(key)) {
        List<String> values = section.stringList(key);
        if (!values.isEmpty()) {
          lists.put(key, values);
        }
      } else if (CheckType.NUMBER_KEYS.contains(key)) {
        section.number(key).ifPresent(n -> {
          if (CheckType.INTEGER_KEYS.contains(key) && n != Math.rint(n)) {
            section.problem(key, "expected a whole number, got " + n);
          } else {
            settings.put(key, CheckType.INTEGER_KEYS.contains(key) ? String.valueOf((long) n) : String.valueOf(n));
          }
        });
      } else {
        section.string(key).ifPresent(v -> settings.put(key, v));
      }
    }
    CheckSpec.Scope actualScope = scope.orElse(kind.defaultScope());
    onFail.filter(o -> o == CheckSpec.OnFail.QUARANTINE).ifPresent(o -> {
      if (kind.family() != CheckType.Family.ROW) {
        section.problem("on-fail", "only row checks can quarantine rows (" + rowKinds() + "); a " + kind.specName()
            + " check judges the data as a whole");
      } else if (actualScope == CheckSpec.Scope.TABLE) {
        section.problem("on-fail", "quarantine applies to the rows a run writes; use scope = rows");
      }
    });
    CheckSpec spec = new CheckSpec(name, kind, level.orElse(CheckSpec.Level.ERROR),
        onFail.orElse(CheckSpec.OnFail.FAIL), actualScope, settings, lists);
    checkValues(spec, section, relations);
    return section.problemCount() == before && level.isPresent() && onFail.isPresent() && scope.isPresent()
        ? Optional.of(spec) : Optional.empty();
  }

  private static List<String> keysOf(CheckType kind) {
    List<String> keys = new ArrayList<>(kind.required());
    keys.addAll(kind.optional());
    return keys;
  }

  private static String rowKinds() {
    return Arrays.stream(CheckType.values()).filter(t -> t.family() == CheckType.Family.ROW)
        .map(CheckType::specName).collect(Collectors.joining(", "));
  }

  /** The kind-specific rules: bounds, fractions, regexes, metrics, references. */
  private static void checkValues(CheckSpec check, SpecSection section, Set<String> relations) {
    for (String key : List.of("min-fraction", "max-decrease")) {
      check.number(key).ifPresent(v -> {
        if (v < 0 || v > 1) {
          section.problem(key, "must be between 0 and 1, got " + v);
        }
      });
    }
    for (String key : List.of("max-increase", "k", "lower-k", "upper-k", "min-relative-deviation")) {
      check.number(key).ifPresent(v -> {
        if (v < 0) {
          section.problem(key, "must be 0 or more, got " + v);
        }
      });
    }
    for (String key : List.of("lag", "min-history")) {
      check.number(key).ifPresent(v -> {
        if (v < 1) {
          section.problem(key, "must be 1 or more, got " + (long) v);
        }
      });
    }
    switch (check.type()) {
      case RANGE, ROW_COUNT -> bounds(check, section);
      case PATTERN -> check.text("regex").ifPresent(regex -> {
        try {
          Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
          section.problem("regex", "does not compile: " + e.getDescription());
        }
      });
      case UNIQUENESS -> {
        List<String> columns = check.list("columns");
        if (new LinkedHashSet<>(columns).size() != columns.size()) {
          section.problem("columns", "a column is named twice: " + columns);
        }
      }
      case REFERENTIAL -> check.text("reference").filter(r -> !relations.contains(r)).ifPresent(r ->
          section.problem("reference", "'" + r + "' is not a source or step" + Names.suggestion(r, relations)));
      case RATE_OF_CHANGE -> {
        metric(check, section);
        if (check.number("max-decrease").isEmpty() && check.number("max-increase").isEmpty()
            && !section.has("max-decrease") && !section.has("max-increase")) {
          section.missing("max-decrease", "a rate-of-change check needs max-decrease, max-increase or both");
        }
      }
      case ONLINE_NORMAL -> {
        metric(check, section);
        if (section.has("k") && (section.has("lower-k") || section.has("upper-k"))) {
          section.problem("k", "give k (both sides), or lower-k and/or upper-k, not both");
        } else if (!section.has("k") && !section.has("lower-k") && !section.has("upper-k")) {
          section.missing("k", "an online-normal check needs k, or lower-k and/or upper-k");
        }
      }
      case HOLT_WINTERS -> {
        metric(check, section);
        check.text("seasonality").filter(s -> !CheckType.SEASONALITIES.contains(s)).ifPresent(s ->
            section.problem("seasonality", "unknown seasonality '" + s + "'" + Names.suggestion(s,
                CheckType.SEASONALITIES) + " (known: " + String.join(", ", CheckType.SEASONALITIES) + ")"));
      }
      default -> { }
    }
  }

  private static void bounds(CheckSpec check, SpecSection section) {
    OptionalDouble min = check.number("min");
    OptionalDouble max = check.number("max");
    if (!section.has("min") && !section.has("max")) {
      section.missing("min", "a " + check.type().specName() + " check needs min, max or both");
    } else if (min.isPresent() && max.isPresent() && min.getAsDouble() > max.getAsDouble()) {
      section.problem("min", "min " + min.getAsDouble() + " is greater than max " + max.getAsDouble());
    } else if (check.type() == CheckType.ROW_COUNT && min.isPresent() && min.getAsDouble() < 0) {
      section.problem("min", "a row count is never negative, got " + min.getAsDouble());
    }
  }

  private static void metric(CheckSpec check, SpecSection section) {
    check.text("metric").filter(m -> CheckSpec.Metric.parse(m).isEmpty()).ifPresent(m -> section.problem("metric",
        "'" + m + "' is not a metric; expected size or one of " + String.join(", ", CheckType.COLUMN_METRICS)
            + " of a column, e.g. sum(amount)"));
  }

  private static <E extends Enum<E>> Optional<E> choice(SpecSection section, String key, E[] values, E fallback) {
    Optional<String> text = section.string(key);
    if (text.isEmpty()) {
      return section.has(key) ? Optional.empty() : Optional.of(fallback);
    }
    List<String> names = CheckSpec.specNames(values);
    int at = names.indexOf(text.get());
    if (at < 0) {
      section.problem(key, "unknown " + key + " '" + text.get() + "'" + Names.suggestion(text.get(), names)
          + " (known: " + String.join(", ", names) + ")");
      return Optional.empty();
    }
    return Optional.of(values[at]);
  }
}
