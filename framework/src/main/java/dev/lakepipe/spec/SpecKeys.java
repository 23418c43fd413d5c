package dev.lakepipe.spec;

import static dev.lakepipe.spec.SpecKey.choice;
import static dev.lakepipe.spec.SpecKey.object;
import static dev.lakepipe.spec.SpecKey.of;

import dev.lakepipe.spec.SpecKey.Type;
import dev.lakepipe.step.StepKind;
import dev.lakepipe.step.StepKinds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Every key of a job spec, by the object that holds it: what {@link SpecValidator} accepts and what {@link
 * SpecSchema} describes. Allowed values come from the spec model's enums.
 */
public final class SpecKeys {
  private static final String DESCRIPTION = "Free text, shown by plan.";

  static final List<SpecKey> SPARK = List.of(
      of("master", Type.STRING, "Spark master of local runs; ignored under spark-submit.").withDefault("local[*]"),
      of("app-name", Type.STRING, "The Spark application name; default: lakepipe <name>."),
      of("conf", Type.SETTINGS, "Spark settings, e.g. \"spark.sql.shuffle.partitions\" = 64; they win over the"
          + " formats' own defaults."));

  static final List<SpecKey> STREAMING = List.of(
      choice("trigger", names(StreamingSpec.Trigger.values(), StreamingSpec.Trigger::specName),
          StreamingSpec.Trigger.AVAILABLE_NOW.specName(), "available-now: process what there is, then stop;"
              + " processing-time: a micro-batch every interval, until stopped."),
      of("interval", Type.TEXT, "With trigger = processing-time: the time between micro-batch starts, e.g. 500ms,"
          + " 10s, 5m, 1h."),
      of("description", Type.STRING, DESCRIPTION));

  static final List<SpecKey> WATERMARK = List.of(
      of("column", Type.STRING, "The event-time column (of the declared schema).").requiredKey(),
      of("delay", Type.TEXT, "How late an event may come, e.g. 10m.").requiredKey(),
      choice("late", names(WatermarkSpec.Late.values(), WatermarkSpec.Late::specName),
          WatermarkSpec.Late.QUARANTINE.specName(), "What becomes of a late row: counted and dropped, or counted"
              + " and quarantined with the reason."),
      of("description", Type.STRING, DESCRIPTION));

  static final List<SpecKey> MAINTENANCE = Arrays.stream(MaintenanceOption.values())
      .map(SpecKeys::maintenanceKey).toList();

  /** The keys every check takes, whatever its kind. */
  static final List<SpecKey> CHECK_COMMON = List.of(
      choice("kind", CheckType.specNames(), null, "The kind of check; it decides the other keys.").requiredKey(),
      choice("level", CheckSpec.specNames(CheckSpec.Level.values()), "error", "error: a failure publishes nothing"
          + " (exit 3); warn: reported only."),
      choice("on-fail", CheckSpec.specNames(CheckSpec.OnFail.values()), "fail", "fail, or quarantine (row checks"
          + " only): the failing rows go to the quarantine table and the check passes."),
      choice("scope", CheckSpec.specNames(CheckSpec.Scope.values()), null, "rows: the rows the run writes; table:"
          + " the target as it will be after the write. Default: table for uniqueness, rows for the others."),
      of("description", Type.STRING, DESCRIPTION));

  /** The keys of a check: those of every check, then those of the kinds, each once. */
  static final List<SpecKey> CHECK = checkKeys();

  /** The values of a source's {@code read}. */
  static final List<String> READ_KINDS = List.of("snapshot", "as-of", "incremental", "stream");
  /** The values of a source's {@code on-bad-record}. */
  static final List<String> ON_BAD_RECORD = List.of("quarantine", "fail");

  static final List<SpecKey> SOURCE = List.of(
      of("format", Type.FORMAT, "The source's format.").requiredKey(),
      of("path", Type.STRING, "Location of a file source or a Hudi/Delta table; relative paths are under the"
          + " warehouse."),
      of("table", Type.STRING, "db.name. Hudi, Delta and files: the path defaults to <warehouse>/db/name."
          + " Iceberg: required; the table is <catalog>.db.name."),
      of("schema", Type.STRING, "File and Kafka sources: a Spark DDL schema, \"id BIGINT, name STRING\" (required"
          + " for Kafka and for files read as a stream)."),
      choice("read", READ_KINDS, null, "snapshot (latest; the default, stream for stream formats), as-of (with"
          + " version or timestamp), incremental (the changes since the last run), stream."),
      of("version", Type.TEXT, "With read = as-of: a Delta version, Iceberg snapshot id or Hudi instant."),
      of("timestamp", Type.TEXT, "With read = as-of: an ISO-8601 time with an offset, e.g. 2026-11-22T03:00:00Z."),
      of("options", Type.SETTINGS, "Passed to the format's reader as they are."),
      of("keys", Type.STRING_LIST, "Columns no two rows of the source share. Declared, not checked: a full run"
          + " then writes an upsert target's rows without its latest-wins pass when these keys prove them unique by"
          + " the target's keys (a projection or filter of the source, a join to a source by its keys, a GROUP BY)."),
      object("watermark", Type.OBJECT, "The event-time watermark of a streamed source.", WATERMARK),
      choice("on-bad-record", ON_BAD_RECORD, "quarantine", "Parquet sources, and JSON and CSV sources with a"
          + " declared schema: a record that does not fit it, or a Parquet file that cannot be read, goes to the"
          + " quarantine with its reason, or fails the run."),
      choice("query-type", names(QueryType.values(), QueryType::specName), QueryType.SNAPSHOT.specName(),
          "Hudi sources: snapshot (base files merged with the log files) or read-optimized (base files only)."),
      of("description", Type.STRING, DESCRIPTION));

  static final List<SpecKey> STEP = stepKeys(
      of("sql", Type.STRING, "A Spark SQL query; give sql, class or kind. The sources and steps it reads decide the"
          + " run order."),
      of("class", Type.STRING, "A class implementing dev.lakepipe.step.CustomStep; give sql, class or kind."),
      choice("kind", StepKinds.all().stream().map(StepKind::name).toList(), null, "A step kind of a module on the"
          + " class path (dev.lakepipe.step.StepKind); its settings are in the block of the same name."),
      of("inputs", Type.STRING_LIST, "With class: the sources and steps it receives."),
      of("options", Type.SETTINGS, "With class: settings passed to the step."),
      of("cache", Type.BOOLEAN, "true: compute the step once and share it; false: keep it a lazy view. Unset: cached"
          + " when read more than once."),
      of("description", Type.STRING, DESCRIPTION));

  static final List<SpecKey> TARGET = List.of(
      of("from", Type.STRING, "The step or source whose rows are written.").requiredKey(),
      of("format", Type.FORMAT, "The target's format.").requiredKey(),
      of("path", Type.STRING, "Location of the table; relative paths are under the warehouse."),
      of("table", Type.STRING, "db.name; for Iceberg the table <catalog>.db.name."),
      choice("mode", names(WriteMode.values(), WriteMode::specName), WriteMode.APPEND.specName(),
          "How the rows are written; upsert and delete need keys, overwrite-partitions needs partition-by."),
      of("keys", Type.STRING_LIST, "Record keys; required by upsert and delete."),
      of("order-by", Type.STRING, "The column that decides which version of a row is the latest (upsert)."),
      of("partition-by", Type.STRING_LIST, "Partition columns (identity partitioning)."),
      choice("storage", names(Storage.values(), Storage::specName), null, "Hudi, Delta, Iceberg: how updates and"
          + " deletes are stored. Default: merge-on-read for an upsert target fed by a source read incrementally or"
          + " streamed, copy-on-write otherwise."),
      of("buckets", Type.INTEGER, "Hudi: hash the keys into this many buckets per partition (a bucket index): a write"
          + " finds a key's file by its hash, without a lookup, and a merge-on-read table appends new keys to their"
          + " bucket's log files. Needs keys that name every partition column; fixed when the table is created."),
      of("options", Type.SETTINGS, "Passed to the format's writer, over lakepipe's defaults."),
      new SpecKey("keys-from", Type.NAMED_STRING_MAPS, "By source: the target's key columns as SQL expressions over"
          + " that source, to find the keys a change of the source affects.", List.of(), Optional.empty(),
          false, List.of()),
      object("checks", Type.NAMED_OBJECTS, "Data-quality checks the rows must pass before they are published, by"
          + " name.", CHECK),
      choice("schema-evolution", names(SchemaEvolution.values(), SchemaEvolution::specName),
          SchemaEvolution.DEFAULT.specName(), "Hudi, Delta, Iceberg: what a write may change in the table's schema."),
      object("maintenance", Type.OBJECT, "Hudi, Delta, Iceberg: how compaction rewrites the table's files and how"
          + " much history cleanup keeps.", MAINTENANCE),
      of("description", Type.STRING, DESCRIPTION));

  static final List<SpecKey> ROOT = List.of(
      of("name", Type.STRING, "The pipeline's name (letters, digits, _ . -); stored in every commit.").requiredKey(),
      of("description", Type.STRING, DESCRIPTION),
      of("warehouse", Type.STRING, "Root of relative paths and of db.name tables; any Hadoop URI works.")
          .withDefault("warehouse"),
      of("catalog", Type.STRING, "The Spark catalog that holds catalog-addressed tables (Iceberg).")
          .withDefault("lakepipe"),
      object("spark", Type.OBJECT, "Spark settings.", SPARK),
      object("sources", Type.NAMED_OBJECTS, "What the pipeline reads: each source is a view of its name for the"
          + " steps.", SOURCE),
      object("steps", Type.NAMED_OBJECTS, "SQL queries or Java classes: each step is a view of its name for later"
          + " steps.", STEP),
      object("targets", Type.NAMED_OBJECTS, "The tables the pipeline writes; at least one.", TARGET).requiredKey(),
      choice("mode", JobSpec.MODES, JobSpec.MODES.get(0), "How run runs the spec when no --mode is given."),
      object("streaming", Type.OBJECT, "How streaming runs trigger their micro-batches.", STREAMING));

  private SpecKeys() {}

  /** The keys of a spec's top level, each with the keys of the objects it holds. */
  public static List<SpecKey> root() {
    return ROOT;
  }

  static Set<String> names(List<SpecKey> keys) {
    return Set.copyOf(keys.stream().map(SpecKey::name).toList());
  }

  /** @throws NoSuchElementException when {@code keys} has no key {@code name} */
  static SpecKey key(List<SpecKey> keys, String name) {
    return keys.stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow();
  }

  /** The step's own keys, then a block of settings for each step kind on the class path. */
  private static List<SpecKey> stepKeys(SpecKey... own) {
    List<SpecKey> keys = new ArrayList<>(List.of(own));
    StepKinds.all().forEach(k -> keys.add(object(k.name(), Type.OBJECT, "With kind = " + k.name() + ": "
        + k.description(), k.keys())));
    return List.copyOf(keys);
  }

  private static <E> List<String> names(E[] values, Function<E, String> specName) {
    return Arrays.stream(values).map(specName).toList();
  }

  private static SpecKey maintenanceKey(MaintenanceOption option) {
    return switch (option) {
      case TARGET_FILE_SIZE -> of(option.specName(), Type.TEXT, "The size compaction aims at for each data file,"
          + " e.g. 128MB (b, kb, mb, gb), or bytes.");
      case Z_ORDER -> of(option.specName(), Type.STRING_LIST, "Columns whose values compaction clusters rows by,"
          + " along a Z-order curve.");
      case RETAIN -> of(option.specName(), Type.TEXT, "How long history is kept, e.g. 7d; older snapshots, commits"
          + " and unreferenced files may go.").withDefault("7d");
      case RETAIN_COMMITS -> of(option.specName(), Type.INTEGER, "How many of the latest commits keep their"
          + " history, at least 1.").withDefault("10");
      case EVERY -> of(option.specName(), Type.TEXT, "How often a run does the maintenance after its own work,"
          + " e.g. 24h; unset, only lakepipe maintain does it.");
    };
  }

  private static List<SpecKey> checkKeys() {
    List<SpecKey> keys = new ArrayList<>(CHECK_COMMON);
    Map<String, String> meanings = Map.ofEntries(
        Map.entry("column", "The column the check looks at."),
        Map.entry("columns", "The columns whose combination must not occur twice."),
        Map.entry("values", "The values allowed, compared as strings."),
        Map.entry("min", "The lowest value (or row count) allowed."),
        Map.entry("max", "The highest value (or row count) allowed."),
        Map.entry("min-fraction", "The fraction of rows that must pass, from 0 to 1; default 1."),
        Map.entry("regex", "A Java regular expression a value must contain a match of; anchor it for a whole match."),
        Map.entry("sql", "A Spark SQL boolean expression each row must satisfy; null fails."),
        Map.entry("reference", "The source or step whose reference-column must hold each value."),
        Map.entry("reference-column", "The column of reference that holds the values."),
        Map.entry("metric", "size, or one of " + String.join(", ", CheckType.COLUMN_METRICS)
            + " of a column, e.g. sum(amount)."),
        Map.entry("max-decrease", "The largest drop allowed from the value lag runs back, 0.5 = 50 %."),
        Map.entry("max-increase", "The largest rise allowed from the value lag runs back, 0.5 = 50 %."),
        Map.entry("lag", "How many runs back the compared value is; default 1."),
        Map.entry("k", "How many standard deviations from the history's mean a value may be."),
        Map.entry("lower-k", "Like k, below the mean only."),
        Map.entry("upper-k", "Like k, above the mean only."),
        Map.entry("min-history", "How many points of history the check needs before it judges; default 10."),
        Map.entry("seasonality", "The seasonal cycle of the forecast."),
        Map.entry("min-relative-deviation", "The relative deviation from the forecast that is always tolerated;"
            + " default 0."));
    Set<String> kindKeys = new LinkedHashSet<>();
    Arrays.stream(CheckType.values()).flatMap(t -> Stream.concat(t.required().stream(), t.optional().stream()))
        .forEach(kindKeys::add);
    for (String name : kindKeys) {
      String meaning = Objects.requireNonNull(meanings.get(name), "no description of the check key " + name);
      if (name.equals("seasonality")) {
        keys.add(choice(name, CheckType.SEASONALITIES, null, meaning));
      } else {
        Type type = CheckType.LIST_KEYS.contains(name) ? Type.STRING_LIST
            : CheckType.INTEGER_KEYS.contains(name) ? Type.INTEGER
            : CheckType.NUMBER_KEYS.contains(name) ? Type.NUMBER : Type.STRING;
        keys.add(of(name, type, meaning));
      }
    }
    return List.copyOf(keys);
  }
}
