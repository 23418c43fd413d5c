package dev.lakepipe.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The kinds of data-quality check a target can declare under {@code checks}, with the keys each takes. Spark-free:
 * the quality module turns a {@link CheckSpec} into a Deequ check.
 */
public enum CheckType {
  /** At least {@code min-fraction} (default 1) of the rows have a non-null {@code column}. */
  COMPLETENESS("completeness", Family.ROW, List.of("column"), List.of("min-fraction")),
  /** No combination of {@code columns} occurs twice; by default on the table as it will be after the write. */
  UNIQUENESS("uniqueness", Family.DATASET, List.of("columns"), List.of()),
  /** The value of {@code column} is one of {@code values} (compared as strings), or null. */
  ALLOWED_VALUES("allowed-values", Family.ROW, List.of("column", "values"), List.of("min-fraction")),
  /** The value of {@code column} lies in [{@code min}, {@code max}] (either may be left out), or is null. */
  RANGE("range", Family.ROW, List.of("column"), List.of("min", "max", "min-fraction")),
  /** The value of {@code column} is at least 0, or null. */
  NON_NEGATIVE("non-negative", Family.ROW, List.of("column"), List.of("min-fraction")),
  /** The value of {@code column} contains a match of the Java {@code regex} (anchor it for a whole match). */
  PATTERN("pattern", Family.ROW, List.of("column", "regex"), List.of("min-fraction")),
  /** The Spark SQL boolean expression {@code sql} holds; null counts as false. */
  PREDICATE("predicate", Family.ROW, List.of("sql"), List.of("min-fraction")),
  /** The number of rows lies in [{@code min}, {@code max}] (either may be left out). */
  ROW_COUNT("row-count", Family.DATASET, List.of(), List.of("min", "max")),
  /** The value of {@code column} occurs in {@code reference-column} of the source or step {@code reference}. */
  REFERENTIAL("referential", Family.DATASET, List.of("column", "reference", "reference-column"),
      List.of("min-fraction")),
  /** The {@code metric} must not drop by more than {@code max-decrease} (or rise by {@code max-increase}). */
  RATE_OF_CHANGE("rate-of-change", Family.ANOMALY, List.of("metric"), List.of("max-decrease", "max-increase", "lag")),
  /** The {@code metric} stays within the history's mean &plusmn; k standard deviations. */
  ONLINE_NORMAL("online-normal", Family.ANOMALY, List.of("metric"),
      List.of("k", "lower-k", "upper-k", "min-history")),
  /** The {@code metric} stays close to a Holt-Winters forecast with a seasonal cycle. */
  HOLT_WINTERS("holt-winters", Family.ANOMALY, List.of("metric"), List.of("seasonality", "min-relative-deviation"));

  /** Keys whose value is a list of strings. */
  static final Set<String> LIST_KEYS = Set.of("columns", "values");
  /** Keys whose value is a number. */
  static final Set<String> NUMBER_KEYS = Set.of("min", "max", "min-fraction", "max-decrease", "max-increase", "lag",
      "k", "lower-k", "upper-k", "min-history", "min-relative-deviation");
  /** Number keys that take whole numbers only. */
  static final Set<String> INTEGER_KEYS = Set.of("lag", "min-history");
  /** Metric names of anomaly checks: {@code size}, or one of these applied to a column, {@code sum(amount)}. */
  public static final List<String> COLUMN_METRICS =
      List.of("completeness", "sum", "mean", "minimum", "maximum", "approx-count-distinct");
  /** Seasonalities of Holt-Winters checks. */
  public static final List<String> SEASONALITIES = List.of("hourly-daily", "daily-weekly", "monthly-yearly");

  /** How a kind judges the data. */
  public enum Family {
    /** Judges each row: can quarantine the failing rows. */
    ROW,
    /** Judges the data as a whole. */
    DATASET,
    /** Compares a metric with its stored history. */
    ANOMALY
  }

  private final String specName;
  private final Family family;
  private final List<String> required;
  private final List<String> optional;

  CheckType(String specName, Family family, List<String> required, List<String> optional) {
    this.specName = specName;
    this.family = family;
    this.required = required;
    this.optional = optional;
  }

  /** The name used in job specs, e.g. {@code allowed-values}. */
  public String specName() {
    return specName;
  }

  public Family family() {
    return family;
  }

  /** The kind's own keys that must be given. */
  public List<String> required() {
    return required;
  }

  /** The kind's own keys that may be given. */
  public List<String> optional() {
    return optional;
  }

  /** Where the check runs when the spec does not say: uniqueness on the table after the write, others on the rows. */
  public CheckSpec.Scope defaultScope() {
    return this == UNIQUENESS ? CheckSpec.Scope.TABLE : CheckSpec.Scope.ROWS;
  }

  public static Optional<CheckType> fromSpecName(String name) {
    return Arrays.stream(values()).filter(t -> t.specName.equals(name)).findFirst();
  }

  public static List<String> specNames() {
    return Arrays.stream(values()).map(CheckType::specName).toList();
  }
}
