package dev.lakepipe.spec;

import com.typesafe.config.Config;
import dev.lakepipe.step.StepKind;
import dev.lakepipe.step.StepKinds;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Checks a merged spec and builds the {@link JobSpec}: every problem is collected in one pass, so a user fixes
 * them all at once.
 */
final class SpecValidator {
  static final Set<String> ROOT_KEYS = SpecKeys.names(SpecKeys.ROOT);
  private static final Set<String> SPARK_KEYS = SpecKeys.names(SpecKeys.SPARK);
  private static final Set<String> SOURCE_KEYS = SpecKeys.names(SpecKeys.SOURCE);
  private static final Set<String> STEP_KEYS = SpecKeys.names(SpecKeys.STEP);
  private static final Set<String> TARGET_KEYS = SpecKeys.names(SpecKeys.TARGET);
  private static final List<String> READ_KINDS = SpecKeys.READ_KINDS;
  private static final List<String> KINDS = StepKinds.all().stream().map(StepKind::name).toList();

  private static final SqlSyntax SQL_SYNTAX = SqlSyntax.available();
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");
  private static final Pattern PIPELINE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
  private static final Pattern CLASS_NAME =
      Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*");

  private final Map<String, ? extends FormatTraits> formats;
  private final List<SpecProblem> problems = new ArrayList<>();

  private SpecValidator(Map<String, ? extends FormatTraits> formats) {
    this.formats = formats;
  }

  /**
   * @param root the merged, resolved spec
   * @param rootLocation where the spec file starts, for problems about missing top-level keys
   * @param earlier problems found while parsing; they are reported together with the new ones
   * @throws InvalidSpecException listing every problem, when there is any
   */
  static JobSpec validate(Config root, SpecSection.Location rootLocation, Map<String, ? extends FormatTraits> formats,
      List<SpecProblem> earlier) throws InvalidSpecException {
    SpecValidator validator = new SpecValidator(formats);
    validator.problems.addAll(earlier);
    JobSpec spec = validator.read(new SpecSection("", root.root(), rootLocation, ROOT_KEYS, validator.problems),
        rootLocation.file());
    if (!validator.problems.isEmpty()) {
      throw new InvalidSpecException(validator.problems);
    }
    return spec;
  }

  private JobSpec read(SpecSection root, String file) {
    Optional<String> name = root.requiredString("name", "the pipeline's name");
    name.filter(n -> !PIPELINE_NAME.matcher(n).matches())
        .ifPresent(n -> root.problem("name", "'" + n + "' is not a valid name (letters, digits, _ . -)"));
    EngineSettings settings = settings(root, name);

    Map<String, SourceSpec> sources = new TreeMap<>();
    Map<String, SpecSection> sourceSections = root.children("sources", SOURCE_KEYS);
    sourceSections.forEach((n, s) -> source(n, s).ifPresent(src -> sources.put(n, src)));

    Map<String, SpecSection> stepSections = root.children("steps", STEP_KEYS);
    for (String step : stepSections.keySet()) {
      if (sourceSections.containsKey(step)) {
        root.problem("steps", "step '" + step + "' has the name of a source; names of sources and steps are views"
            + " and must differ");
      }
    }
    Set<String> relations = new TreeSet<>();
    relations.addAll(sourceSections.keySet());
    relations.addAll(stepSections.keySet());
    Map<String, StepSpec> steps = new TreeMap<>();
    stepSections.forEach((n, s) -> step(n, s, relations).ifPresent(st -> steps.put(n, st)));
    reportCycles(steps, stepSections);

    Map<String, SpecSection> targetSections = root.children("targets", TARGET_KEYS);
    if (targetSections.isEmpty() && !root.has("targets")) {
      root.missing("targets", "missing required key (a pipeline writes at least one target)");
    } else if (targetSections.isEmpty()) {
      root.problem("targets", "a pipeline writes at least one target");
    }
    Map<String, TargetSpec> targets = new TreeMap<>();
    Map<String, String> writers = new HashMap<>();
    targetSections.forEach((n, s) -> target(n, s, relations, sources, steps, settings, writers)
        .ifPresent(t -> targets.put(n, t)));
    checkChangeReadsOfTargets(sources, sourceSections, targets, settings, writers);
    Optional<String> mode = root.string("mode");
    mode.filter(m -> !JobSpec.MODES.contains(m)).ifPresent(m -> root.problem("mode", "unknown mode '" + m + "'"
        + Names.suggestion(m, JobSpec.MODES) + " (known: " + String.join(", ", JobSpec.MODES) + ")"));
    StreamingSpec streaming = root.child("streaming", SpecKeys.names(SpecKeys.STREAMING)).map(StreamingSpec::read)
        .orElse(StreamingSpec.DEFAULT);
    return new JobSpec(name.orElse(""), root.string("description"), file, settings, sources, steps, targets, mode,
        streaming);
  }

  /**
   * Checks the engine settings of a merged profile (warehouse, catalog, spark), for commands that run without a
   * spec; the other keys a spec may hold are allowed and not read.
   *
   * @param earlier problems found while parsing; they are reported together with the new ones
   * @throws InvalidSpecException listing every problem, when there is any
   */
  static EngineSettings validateSettings(Config root, SpecSection.Location rootLocation, List<SpecProblem> earlier)
      throws InvalidSpecException {
    List<SpecProblem> problems = new ArrayList<>(earlier);
    EngineSettings settings =
        settings(new SpecSection("", root.root(), rootLocation, ROOT_KEYS, problems), Optional.empty());
    if (!problems.isEmpty()) {
      throw new InvalidSpecException(problems);
    }
    return settings;
  }

  private static EngineSettings settings(SpecSection root, Optional<String> pipelineName) {
    Optional<String> warehouse = root.requiredString("warehouse", "the warehouse root");
    Optional<String> catalog = root.string("catalog");
    catalog.filter(c -> !IDENTIFIER.matcher(c).matches())
        .ifPresent(c -> root.problem("catalog", "'" + c + "' is not a valid catalog name"));
    Optional<SpecSection> spark = root.child("spark", SPARK_KEYS);
    return new EngineSettings(
        warehouse.orElse(""),
        spark.flatMap(s -> s.string("master")),
        spark.flatMap(s -> s.string("app-name")).or(() -> pipelineName.map(n -> "lakepipe " + n)),
        spark.map(s -> s.settings("conf")).orElse(Map.of()),
        catalog.orElse("lakepipe"));
  }

  private Optional<SourceSpec> source(String name, SpecSection section) {
    checkViewName(name, section);
    Optional<FormatTraits> format = format(section);
    Optional<String> path = section.string("path");
    Optional<String> table = tableName(section);
    Optional<String> schema = section.string("schema");
    Optional<String> read = section.string("read");
    Optional<String> version = section.text("version");
    Optional<String> timestamp = section.text("timestamp");
    Map<String, String> options = section.settings("options");
    Optional<String> queryTypeName = section.string("query-type");
    Optional<String> onBadRecord = section.string("on-bad-record");
    List<String> keys = section.stringList("keys");
    keys.stream().filter(k -> keys.indexOf(k) != keys.lastIndexOf(k)).findFirst()
        .ifPresent(k -> section.problem("keys", "key column '" + k + "' is named twice"));
    onBadRecord.filter(v -> !SpecKeys.ON_BAD_RECORD.contains(v)).ifPresent(v -> section.problem(
        "on-bad-record", "unknown on-bad-record '" + v + "' (known: " + String.join(", ", SpecKeys.ON_BAD_RECORD)
            + ")"));
    if (section.has("on-bad-record") && format.filter(f -> !f.findsBadRecords(schema.isPresent())).isPresent()) {
      section.problem("on-bad-record", "on-bad-record applies to " + String.join(", ",
          formatNames(f -> f.findsBadRecords(false))) + " sources, and " + String.join(", ",
          formatNames(f -> f.findsBadRecords(true) && !f.findsBadRecords(false))) + " sources with a declared schema");
    }
    Optional<QueryType> queryType = queryTypeName.flatMap(QueryType::fromSpecName);
    queryTypeName.filter(q -> queryType.isEmpty()).ifPresent(q -> section.problem("query-type", "unknown query-type '"
        + q + "'" + Names.suggestion(q, QueryType.specNames()) + " (known: " + String.join(", ", QueryType.specNames())
        + ")"));
    read.filter(r -> !READ_KINDS.contains(r)).ifPresent(r -> section.problem("read",
        "unknown read '" + r + "'" + Names.suggestion(r, READ_KINDS) + " (known: " + String.join(", ", READ_KINDS)
            + ")"));
    boolean asOf = read.filter("as-of"::equals).isPresent();
    boolean incremental = read.filter("incremental"::equals).isPresent();
    boolean streamed = read.map("stream"::equals).orElse(format.filter(FormatTraits::isStream).isPresent());
    Optional<WatermarkSpec> watermark = section.child("watermark", SpecKeys.names(SpecKeys.WATERMARK))
        .flatMap(block -> WatermarkSpec.read(block, schema));
    if (section.has("watermark") && !streamed) {
      section.problem("watermark", "a watermark applies to a streamed source (read = stream, or a stream format"
          + " such as kafka)");
    }
    format.ifPresent(f -> {
      f.sourceOptionProblems(options).forEach(message -> section.problem("options", message));
      f.sourceSchemaProblem(options, section.has("schema")).ifPresent(message -> {
        if (section.has("schema")) {
          section.problem("schema", message);
        } else {
          section.missing("schema", message);
        }
      });
      if (streamed && !f.supportsStreamingReads()) {
        section.problem("read", f.name() + " cannot be read as a stream (streamable: "
            + String.join(", ", formatNames(FormatTraits::supportsStreamingReads)) + ")");
      }
      checkAddress(section, f, path, table);
      if (schema.isPresent() && !f.acceptsSchema()) {
        section.problem("schema", "a declared schema applies to file sources only; " + f.name()
            + " tables carry their own");
      }
      if (section.has("query-type") && !f.supportsReadOptimized()) {
        section.problem("query-type", "query-type chooses a view of a merge-on-read table, which "
            + String.join(", ", formatNames(FormatTraits::supportsReadOptimized)) + " sources read; " + f.name()
            + " sources have one view");
      }
      if (asOf && !f.supportsTimeTravel()) {
        section.problem("read", f.name() + " keeps no history to read as of a version or timestamp");
      }
      if (incremental && !f.supportsChangeReads()) {
        section.problem("read", f.name() + " keeps no history to read changes from; read = incremental needs a"
            + " table format with commits (" + String.join(", ", formatNames(FormatTraits::supportsChangeReads))
            + ")");
      }
    });
    if (queryType.filter(QueryType.READ_OPTIMIZED::equals).isPresent() && read.filter(r -> !r.equals("snapshot"))
        .isPresent()) {
      section.problem("query-type", "read-optimized reads the latest compacted base files; it applies with read ="
          + " snapshot, not read = " + read.get());
    }
    if (asOf && version.isEmpty() && timestamp.isEmpty()) {
      section.missing("version", "read = as-of needs version or timestamp");
    }
    timestamp.filter(t -> !isIsoTime(t)).ifPresent(t -> section.problem("timestamp",
        "'" + t + "' is not an ISO-8601 time with an offset, e.g. 2026-11-22T03:00:00Z"));
    if (version.isPresent() && timestamp.isPresent()) {
      section.problem("timestamp", "give version or timestamp, not both");
    }
    for (String key : List.of("version", "timestamp")) {
      if (section.has(key) && !asOf) {
        section.problem(key, key + " applies only with read = as-of");
      }
    }
    if (format.isEmpty() || !isUsable(section)) {
      return Optional.empty();
    }
    Optional<AsOf> point = asOf && version.isPresent() != timestamp.isPresent()
        ? Optional.of(version.map(AsOf::version).orElseGet(() -> AsOf.timestamp(timestamp.orElseThrow())))
        : Optional.empty();
    return Optional.of(new SourceSpec(name, format.get().name(), path, table, schema, point, incremental, options,
        streamed, watermark, queryType.orElse(QueryType.SNAPSHOT), !onBadRecord.filter("fail"::equals).isPresent(),
        keys));
  }

  private Optional<StepSpec> step(String name, SpecSection section, Set<String> relations) {
    checkViewName(name, section);
    Optional<String> sql = section.string("sql");
    Optional<String> className = section.string("class");
    List<String> inputs = section.stringList("inputs");
    if (section.has("inputs") && !section.has("class")) {
      section.problem("inputs", "inputs apply to class steps; a SQL step's inputs are the names it reads");
    }
    Map<String, String> options = section.settings("options");
    Optional<Boolean> cache = section.bool("cache");
    Optional<String> kindName = section.string("kind");
    Optional<StepKind> kind = kindName.flatMap(StepKinds::named);
    kindName.filter(k -> kind.isEmpty()).ifPresent(k -> section.problem("kind", "unknown step kind '" + k + "'"
        + Names.suggestion(k, KINDS) + " (known: " + (KINDS.isEmpty() ? "none on the class path" : String.join(", ",
        KINDS)) + ")"));
    List<String> given = List.of("sql", "class", "kind").stream().filter(section::has).toList();
    if (given.size() > 1) {
      section.problem(given.get(1), "give one of sql, class or kind, not " + String.join(" and ", given));
    } else if (given.isEmpty()) {
      section.missing("sql", "missing required key (a step is sql = \"...\", class = com.example.MyStep or kind ="
          + " <step kind>)");
    }
    for (String other : KINDS) {
      if (section.has(other) && !kindName.equals(Optional.of(other))) {
        section.problem(other, "the block " + other + " applies to kind = " + other);
      }
    }
    if (kind.isPresent()) {
      if (section.has("options")) {
        section.problem("options", "a step of kind " + kind.get().name() + " takes its settings in its block "
            + kind.get().name());
      }
      options = kindSettings(kind.get(), section);
      inputs = kind.get().inputs(options);
    }
    className.filter(c -> !CLASS_NAME.matcher(c).matches())
        .ifPresent(c -> section.problem("class", "'" + c + "' is not a Java class name"));
    Set<String> dependencies = new LinkedHashSet<>();
    Optional<SqlSyntax.Error> syntaxError = sql.flatMap(SQL_SYNTAX::check);
    syntaxError.ifPresent(error -> section.problemInText("sql", sql.orElseThrow(), error.line(), "SQL syntax error"
        + " (line " + error.line() + ", position " + error.position() + " of the SQL): " + error.message()));
    if (sql.isPresent() && syntaxError.isEmpty()) {
      for (String reference : SqlReferences.of(sql.get())) {
        Optional<String> known = relations.stream().filter(r -> r.equalsIgnoreCase(reference)).findFirst();
        if (known.isPresent()) {
          dependencies.add(known.get());
        } else {
          section.problem("sql", "reads '" + reference + "', which is not a source or step"
              + Names.suggestion(reference, relations));
        }
      }
    }
    for (String input : inputs) {
      if (relations.contains(input)) {
        dependencies.add(input);
      } else {
        section.problem(kind.map(StepKind::name).orElse("inputs"), "'" + input + "' is not a source or step" + Names.suggestion(input, relations));
      }
    }
    if (!isUsable(section)) {
      return Optional.empty();
    }
    return Optional.of(new StepSpec(name, sql, className, kind.map(StepKind::name), dependencies, options, cache));
  }

  /**
   * The settings of a step kind's block, each key checked against its type; lists are joined with commas.
   */
  private Map<String, String> kindSettings(StepKind kind, SpecSection step) {
    Optional<SpecSection> block = step.child(kind.name(), SpecKeys.names(kind.keys()));
    if (block.isEmpty()) {
      step.missing(kind.name(), "missing required key (the settings of a " + kind.name() + " step)");
      return Map.of();
    }
    SpecSection section = block.get();
    Map<String, String> settings = new TreeMap<>();
    for (SpecKey key : kind.keys()) {
      Optional<String> value = switch (key.type()) {
        case STRING_LIST -> Optional.of(section.stringList(key.name())).filter(l -> !l.isEmpty())
            .map(l -> String.join(",", l));
        case INTEGER -> {
          Optional<String> text = section.text(key.name());
          text.filter(t -> !t.matches("[0-9]+")).ifPresent(t -> section.problem(key.name(), "expected a whole"
              + " number, got " + t));
          yield text;
        }
        default -> section.text(key.name());
      };
      value.filter(v -> !key.allowed().isEmpty() && !key.allowed().contains(v)).ifPresent(v -> section.problem(
          key.name(), "'" + v + "' is not one of " + String.join(", ", key.allowed())));
      value.or(key::defaultValue).ifPresent(v -> settings.put(key.name(), v));
      if (key.required() && !section.has(key.name())) {
        section.missing(key.name(), "missing required key (" + key.description() + ")");
      }
    }
    if (isUsable(section)) {
      kind.problem(settings).ifPresent(p -> section.problem(kind.name(), p));
    }
    return settings;
  }

  private Optional<TargetSpec> target(String name, SpecSection section, Set<String> relations,
      Map<String, SourceSpec> sources, Map<String, StepSpec> steps, EngineSettings settings,
      Map<String, String> writers) {
    Optional<String> from = section.requiredString("from", "the step or source to write");
    from.filter(f -> !relations.contains(f)).ifPresent(f -> section.problem("from",
        "'" + f + "' is not a step or source" + Names.suggestion(f, relations)));
    Optional<FormatTraits> format = format(section);
    Optional<String> path = section.string("path");
    Optional<String> table = tableName(section);
    Optional<String> modeName = section.string("mode");
    Optional<WriteMode> mode = modeName.isEmpty() ? Optional.of(WriteMode.APPEND)
        : WriteMode.fromSpecName(modeName.get());
    if (modeName.isPresent() && mode.isEmpty()) {
      section.problem("mode", "unknown mode '" + modeName.get() + "'" + Names.suggestion(modeName.get(),
          WriteMode.specNames()) + " (known: " + String.join(", ", WriteMode.specNames()) + ")");
    }
    List<String> keys = section.stringList("keys");
    Optional<String> orderBy = section.string("order-by");
    List<String> partitionBy = section.stringList("partition-by");
    Optional<String> storageName = section.string("storage");
    Optional<Storage> storage = storageName.flatMap(Storage::fromSpecName);
    storageName.filter(s -> storage.isEmpty()).ifPresent(s -> section.problem("storage", "unknown storage '" + s
        + "'" + Names.suggestion(s, Storage.specNames()) + " (known: " + String.join(", ", Storage.specNames()) + ")"));
    OptionalInt buckets = buckets(section, keys, partitionBy);
    Map<String, String> options = section.settings("options");
    List<CheckSpec> checks = CheckSpecReader.read(section, relations);
    Optional<String> evolutionName = section.string("schema-evolution");
    Optional<SchemaEvolution> evolution = evolutionName.flatMap(SchemaEvolution::fromSpecName);
    evolutionName.filter(e -> evolution.isEmpty()).ifPresent(e -> section.problem("schema-evolution",
        "unknown schema-evolution '" + e + "'" + Names.suggestion(e, SchemaEvolution.specNames()) + " (known: "
            + String.join(", ", SchemaEvolution.specNames()) + ")"));
    MaintenanceSpec maintenance = section.child("maintenance", SpecKeys.names(SpecKeys.MAINTENANCE))
        .flatMap(block -> format.map(f -> MaintenanceSpec.read(block, f))).orElse(MaintenanceSpec.DEFAULT);
    if (buckets.isPresent() && maintenance.targetFileSize().isPresent()) {
      section.problem("buckets", "a bucket is one file group, which compaction does not split or merge:"
          + " maintenance.target-file-size does not apply; give one or the other");
    }
    format.ifPresent(f -> {
      checkAddress(section, f, path, table);
      if (section.has("storage") && !f.supportsMergeOnRead()) {
        section.problem("storage", f.name() + " files are rewritten whole; storage applies to "
            + String.join(", ", formatNames(FormatTraits::supportsMergeOnRead)));
      }
      if (section.has("buckets") && !f.supportsBuckets()) {
        section.problem("buckets", f.name() + " tables have no buckets; buckets apply to "
            + String.join(", ", formatNames(FormatTraits::supportsBuckets)));
      }
      if (section.has("schema-evolution") && !f.evolvesSchema()) {
        section.problem("schema-evolution", f.name() + " files keep no table schema; schema-evolution applies to "
            + String.join(", ", formatNames(FormatTraits::evolvesSchema)));
      }
      mode.filter(m -> !f.writeModes().contains(m)).ifPresent(m -> section.problem("mode", f.name()
          + " does not support " + m.specName() + " (supported: " + f.writeModes().stream().map(WriteMode::specName)
          .sorted().reduce((a, b) -> a + ", " + b).orElse("none") + ")"));
    });
    mode.ifPresent(m -> {
      if (m.needsKeys() && keys.isEmpty() && !section.has("keys")) {
        section.problem("mode", m.specName() + " needs keys: the columns that identify a row");
      }
      if (m == WriteMode.OVERWRITE_PARTITIONS && partitionBy.isEmpty() && !section.has("partition-by")) {
        section.problem("mode", "overwrite-partitions needs partition-by");
      }
    });
    Map<String, Map<String, String>> keysFrom = keysFrom(section, keys, sources.keySet());
    orderBy.filter(keys::contains).ifPresent(o -> section.problem("order-by",
        "'" + o + "' is a key column; order-by must be a column that grows with each version of a row"));
    format.ifPresent(f -> {
      String location = location(f, path, table, settings);
      if (!location.isEmpty()) {
        String other = writers.putIfAbsent(location, name);
        if (other != null) {
          section.problem(path.isPresent() ? "path" : "table", "target '" + other + "' writes the same table ("
              + location + ")");
        }
      }
    });
    if (format.isEmpty() || mode.isEmpty() || !isUsable(section)) {
      return Optional.empty();
    }
    // Targets that incremental and streaming runs upsert take their changes without rewriting the files they touch.
    List<String> maintainedFrom = mode.get() == WriteMode.UPSERT && format.get().supportsMergeOnRead()
        ? changingSources(from.get(), sources, steps) : List.of();
    Optional<String> storageDefault = storage.isPresent() ? Optional.empty() : Optional.of(maintainedFrom.isEmpty()
        ? "not an upsert target fed by a source read incrementally or streamed"
        : "an upsert target that incremental or streaming runs maintain from " + String.join(", ", maintainedFrom));
    return Optional.of(new TargetSpec(name, from.orElse(""), format.get().name(), path, table, mode.get(), keys,
        orderBy, partitionBy, storage.orElse(maintainedFrom.isEmpty() ? Storage.COPY_ON_WRITE : Storage.MERGE_ON_READ),
        storageDefault, buckets, options, keysFrom, checks, evolution.orElse(SchemaEvolution.DEFAULT), maintenance));
  }

  /**
   * A target's {@code buckets}: a whole number of at least 1, for a target with keys that name every partition
   * column (a key's bucket is one of its partition's, so a key must never move to another partition).
   */
  private static OptionalInt buckets(SpecSection section, List<String> keys, List<String> partitionBy) {
    OptionalDouble number = section.number("buckets");
    if (number.isEmpty()) {
      return OptionalInt.empty();
    }
    double buckets = number.getAsDouble();
    if (buckets < 1 || buckets > Integer.MAX_VALUE || buckets != Math.rint(buckets)) {
      section.problem("buckets", "must be a whole number of buckets, at least 1");
      return OptionalInt.empty();
    }
    if (keys.isEmpty()) {
      section.problem("buckets", "buckets hash the keys: give the target keys");
    } else if (!keys.containsAll(partitionBy)) {
      section.problem("buckets", "a key's bucket is within its partition, so the keys must name every partition"
          + " column (missing: " + String.join(", ", partitionBy.stream().filter(c -> !keys.contains(c)).toList())
          + ")");
    }
    return OptionalInt.of((int) buckets);
  }

  /** The sources read incrementally or streamed that a target's rows come from, in name order. */
  private static List<String> changingSources(String from, Map<String, SourceSpec> sources,
      Map<String, StepSpec> steps) {
    Set<String> upstream = JobSpec.upstream(from, steps);
    return sources.values().stream().filter(s -> (s.incremental() || s.streamed()) && upstream.contains(s.name()))
        .map(SourceSpec::name).toList();
  }

  /**
   * A source read incrementally must not be a table that a target of the same spec writes merge-on-read when the
   * format cannot read the changes of such a table.
   */
  private void checkChangeReadsOfTargets(Map<String, SourceSpec> sources, Map<String, SpecSection> sections,
      Map<String, TargetSpec> targets, EngineSettings settings, Map<String, String> writers) {
    for (SourceSpec source : sources.values()) {
      FormatTraits format = formats.get(source.format());
      Optional<TargetSpec> writer = Optional.ofNullable(writers.get(location(format, source.path(), source.table(),
          settings))).map(targets::get);
      if (!source.incremental() || writer.isEmpty() || writer.get().storage() != Storage.MERGE_ON_READ) {
        continue;
      }
      TargetSpec target = writer.get();
      formats.get(target.format()).changeReadLimit(Storage.MERGE_ON_READ).ifPresent(why -> sections.get(
          source.name()).problem("read", "reads incrementally the " + target.format() + " table that target "
          + target.name() + " writes merge-on-read" + (target.storageDefault().isPresent() ? " (its default)" : "")
          + ", but " + why + "; give target " + target.name() + " storage = copy-on-write, or read "
          + source.name() + " with read = snapshot"));
    }
  }

  /** Where a table is, to tell two specs of the same table; empty when the spec names none. */
  private static String location(FormatTraits format, Optional<String> path, Optional<String> table,
      EngineSettings settings) {
    return format.catalogAddressed() ? table.map(t -> "table " + settings.catalog() + "." + t).orElse("")
        : path.map(p -> "path " + p).or(() -> table.map(t -> "path " + t.replace('.', '/'))).orElse("");
  }

  /** {@code keys-from { <source> { <target column> = "<SQL expression over the source>" } }}. */
  private Map<String, Map<String, String>> keysFrom(SpecSection target, List<String> keys,
      Set<String> sourceNames) {
    Map<String, Map<String, String>> result = new TreeMap<>();
    Map<String, SpecSection> sources = target.children("keys-from", SpecSection.ANY_KEY);
    if (!sources.isEmpty() && keys.isEmpty()) {
      target.problem("keys-from", "keys-from maps sources to the target's keys; declare keys");
      return result;
    }
    sources.forEach((source, section) -> {
      if (!sourceNames.contains(source)) {
        problemAt(section, "'" + source + "' is not a source" + Names.suggestion(source, sourceNames));
        return;
      }
      Map<String, String> columns = new TreeMap<>();
      section.keys().forEach(column -> section.string(column).ifPresent(expression -> columns.put(column, expression)));
      if (section.keys().isEmpty()) {
        problemAt(section, "names no target column; give at least one, e.g. " + keys.get(0) + " = \"<SQL over "
            + source + ">\"");
      }
      result.put(source, columns);
    });
    return result;
  }

  private static boolean isIsoTime(String text) {
    try {
      OffsetDateTime.parse(text);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private Optional<FormatTraits> format(SpecSection section) {
    Optional<String> name = section.requiredString("format", "one of " + String.join(", ", new TreeSet<>(formats.keySet())));
    if (name.isEmpty()) {
      return Optional.empty();
    }
    FormatTraits format = formats.get(name.get());
    if (format == null) {
      section.problem("format", "unknown format '" + name.get() + "'" + Names.suggestion(name.get(), formats.keySet())
          + " (known: " + String.join(", ", new TreeSet<>(formats.keySet())) + ")");
    }
    return Optional.ofNullable(format);
  }

  private List<String> formatNames(Predicate<FormatTraits> having) {
    return formats.values().stream().filter(having).map(FormatTraits::name).sorted().toList();
  }

  private Optional<String> tableName(SpecSection section) {
    Optional<String> table = section.string("table");
    if (table.isPresent() && !TABLE_NAME.matcher(table.get()).matches()) {
      section.problem("table", "'" + table.get() + "' is not a table name; expected db.name or name");
      return Optional.empty();
    }
    return table;
  }

  private void checkAddress(SpecSection section, FormatTraits format, Optional<String> path, Optional<String> table) {
    if (format.isStream()) {
      for (String key : List.of("path", "table")) {
        if (section.has(key)) {
          section.problem(key, format.name() + " is located by its options, not by " + key);
        }
      }
    } else if (format.catalogAddressed()) {
      if (section.has("path")) {
        section.problem("path", format.name() + " tables live in a catalog: name them with table = \"db.name\"");
      } else if (!section.has("table")) {
        section.missing("table", "missing required key (" + format.name() + " tables are named: table = \"db.name\")");
      }
    } else if (!section.has("path") && !section.has("table")) {
      section.missing("path", "missing required key (give path, or table = \"db.name\" for <warehouse>/db/name)");
    }
  }

  private void checkViewName(String name, SpecSection section) {
    if (!IDENTIFIER.matcher(name).matches()) {
      problemAt(section, "'" + name + "' is not a valid name: SQL steps read it as a view (letters, digits, _)");
    }
  }

  /** A problem with a whole section, at its first line. */
  private void problemAt(SpecSection section, String message) {
    SpecSection.Location at = section.location();
    problems.add(new SpecProblem(at.file(), at.line(), section.path(), message));
  }

  /** Whether a section produced no problem of its own, so that its value can be built. */
  private boolean isUsable(SpecSection section) {
    String prefix = section.path() + ".";
    return problems.stream().noneMatch(p -> p.key().startsWith(prefix) || p.key().equals(section.path()));
  }

  private void reportCycles(Map<String, StepSpec> steps, Map<String, SpecSection> sections) {
    Set<String> reported = new TreeSet<>();
    for (String start : steps.keySet()) {
      List<String> cycle = findCycle(start, steps, new ArrayList<>(), new TreeSet<>());
      if (!cycle.isEmpty() && reported.addAll(cycle)) {
        SpecSection section = sections.get(start);
        section.problem("sql", "steps read each other in a cycle: " + String.join(" -> ", cycle));
      }
    }
  }

  private static List<String> findCycle(String step, Map<String, StepSpec> steps, List<String> path,
      Set<String> done) {
    int at = path.indexOf(step);
    if (at >= 0) {
      List<String> cycle = new ArrayList<>(path.subList(at, path.size()));
      cycle.add(step);
      return cycle;
    }
    if (!steps.containsKey(step) || done.contains(step)) {
      return List.of();
    }
    path.add(step);
    for (String dependency : new TreeSet<>(steps.get(step).dependencies())) {
      List<String> cycle = findCycle(dependency, steps, path, done);
      if (!cycle.isEmpty()) {
        return cycle;
      }
    }
    path.remove(path.size() - 1);
    done.add(step);
    return List.of();
  }
}
