package dev.lakepipe.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A data-quality check a target declares under {@code checks}: validated, Spark-free.
 *
 * @param name unique within the target; reports, metrics and quarantined rows carry it
 * @param type what the check asserts
 * @param level what a failure does
 * @param onFail whether failing rows fail the check or go to the quarantine table (row checks only)
 * @param scope whether the check measures the rows the run writes or the table as it will be after the write
 * @param settings the kind's scalar keys, as text (numbers are validated)
 * @param lists the kind's list keys ({@code columns}, {@code values})
 */
public record CheckSpec(String name, CheckType type, Level level, OnFail onFail, Scope scope,
    Map<String, String> settings, Map<String, List<String>> lists) {
  /** What a failure does. */
  public enum Level {
    /** Reported only. */
    WARN,
    /** Blocks the publish: nothing of the run is committed and the run exits 3. */
    ERROR
  }

  /** What a row check does with the rows that fail it. */
  public enum OnFail {
    /** The check fails (at its level) when fewer than min-fraction of the rows pass. */
    FAIL,
    /** The failing rows are written to the quarantine table instead of the target; the check itself passes. */
    QUARANTINE
  }

  /** What a check measures. */
  public enum Scope {
    /** The rows this run writes (for an incremental run, the increment). */
    ROWS,
    /** The target table as it will be once the rows are written, measured before anything is committed. */
    TABLE
  }

  /**
   * A metric an anomaly check follows: {@code size}, or a column metric ({@link CheckType#COLUMN_METRICS}) of a
   * column, written {@code sum(amount)}.
   *
   * @param function {@code size} or a column metric
   * @param column the measured column; empty for {@code size}
   */
  public record Metric(String function, Optional<String> column) {
    private static final Pattern SYNTAX = Pattern.compile("([a-z-]+)(?:\\(\\s*([^()\\s]+)\\s*\\))?");

    /** The metric a spec names, or empty when the text is not one. */
    public static Optional<Metric> parse(String text) {
      Matcher matcher = SYNTAX.matcher(text.strip());
      if (!matcher.matches()) {
        return Optional.empty();
      }
      String function = matcher.group(1);
      Optional<String> column = Optional.ofNullable(matcher.group(2));
      boolean valid = function.equals("size") ? column.isEmpty()
          : CheckType.COLUMN_METRICS.contains(function) && column.isPresent();
      return valid ? Optional.of(new Metric(function, column)) : Optional.empty();
    }
  }

  public CheckSpec {
    settings = Map.copyOf(settings);
    lists = lists.entrySet().stream().collect(Collectors.toUnmodifiableMap(
        Map.Entry::getKey, e -> List.copyOf(e.getValue())));
  }

  /** The spec name of an enum value: {@code ON_FAIL} is {@code on-fail}. */
  static String specName(Enum<?> value) {
    return value.name().toLowerCase().replace('_', '-');
  }

  static List<String> specNames(Enum<?>[] values) {
    return Arrays.stream(values).map(CheckSpec::specName).toList();
  }

  public Optional<String> text(String key) {
    return Optional.ofNullable(settings.get(key));
  }

  public OptionalDouble number(String key) {
    return text(key).map(v -> OptionalDouble.of(Double.parseDouble(v))).orElse(OptionalDouble.empty());
  }

  /** The source or step a referential check reads; empty for other kinds. */
  public Optional<String> reference() {
    return text("reference");
  }

  /** The metric of an anomaly check; empty for other kinds. */
  public Optional<Metric> metric() {
    return text("metric").flatMap(Metric::parse);
  }

  public List<String> list(String key) {
    return lists.getOrDefault(key, List.of());
  }
}
