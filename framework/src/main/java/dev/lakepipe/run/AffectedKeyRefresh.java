package dev.lakepipe.run;

import dev.lakepipe.format.ChangeSet;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.SqlMerge;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.plan.IncrementalStrategy;
import dev.lakepipe.plan.Plan;
import dev.lakepipe.spec.AsOf;
import dev.lakepipe.spec.SourceSpec;
import dev.lakepipe.spec.TargetSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The affected-key strategy (see {@link IncrementalStrategy}), for aggregations and joins of changing sources:
 * <ol>
 *   <li>each changing source's changes since the target's checkpoint (every image, pre-images included, so a row
 *       that moved names both its old and its new key) give the {@link AffectedKeys};
 *   <li>every source is read as of the commit the run consumes, filtered to the rows that can contribute to an
 *       affected key, so untouched partitions and files are not read. When only one source changed, declares its
 *       {@code keys} and names the affected keys through them, those rows are the latest images of its changed
 *       keys: they come from its changes, and the table is not read at all;
 *   <li>the steps run over those views, exactly as in a full run;
 *   <li>the affected keys that come out are upserted; the affected keys stored in the target that no longer come
 *       out are deleted. When every changing source names whole target keys, the target is not read to find them:
 *       each affected key that no longer comes out is deleted, which changes nothing where the target lacks it.
 * </ol>
 * The target's rows for the affected keys are then what a full run over the same snapshots gives.
 */
final class AffectedKeyRefresh extends TargetRefresh {
  private static final String WHY = "the affected keys are replaced in the target";

  private final List<String> changing;
  private final Map<String, String> until = new LinkedHashMap<>();
  private final List<AffectedKeys.Part> parts = new ArrayList<>();
  /** The changes of each changing source that has new commits, as read for the affected keys. */
  private final Map<String, ChangeSet> changeSets = new LinkedHashMap<>();

  AffectedKeyRefresh(Plan plan, Tables tables, Views views, ChangeReads changeReads, TargetSpec target,
      CommitContext context, Consumer<NodeResult> record, AuditGate gate, IncrementalStrategy strategy) {
    super(plan, tables, views, changeReads, target, context, record, gate);
    this.changing = strategy.changingSources();
  }

  /**
   * @throws IllegalStateException when the target records no checkpoint of a changing source
   * @throws dev.lakepipe.format.HistoryUnavailableException when a source's history since its checkpoint is gone
   * @throws IllegalArgumentException when a changing source names no key column of the target, or a key is not a
   *     column of the result
   */
  @Override
  void run() {
    Map<String, String> since = new LinkedHashMap<>();
    for (String name : changing) {
      SourceSpec source = plan.spec().sources().get(name);
      record(Nodes.timed(NodeResult.Kind.READ, name, () -> {
        if (since.isEmpty()) {
          since.putAll(checkpoints(changing));
          until.putAll(since);
        }
        return readChanges(source, since.get(name));
      }));
    }
    if (parts.isEmpty()) {
      nothingNew(since.entrySet().stream().map(e -> "commit " + e.getValue() + " of " + e.getKey())
          .collect(Collectors.joining(", ")));
      return;
    }
    replace(new AffectedKeys(parts), since, until);
  }

  /**
   * Replaces the target keys that one micro-batch of a streamed source names (see {@link IncrementalStrategy#ofStream}):
   * every source, the streamed one included, is read as a snapshot; the batch's rows are in it already.
   *
   * @param before the checkpoints the target holds, carried by a first commit when the format needs two
   * @param after the checkpoints of this batch, carried by the last commit
   * @throws IllegalArgumentException when the streamed source names no key column of the target, or a key is not
   *     a column of the result
   */
  void replaceKeysOf(SourceSpec streamed, Dataset<Row> batch, Map<String, String> before,
      Map<String, String> after) {
    Map<String, String> mapping = mapping(streamed, batch.columns());
    Dataset<Row> named = batch.selectExpr(mapping.entrySet().stream()
        .map(e -> "(" + e.getValue() + ") AS " + SqlMerge.quote(e.getKey())).toArray(String[]::new)).distinct();
    // The keys are collected, so that the joins below do not run the micro-batch's plan again (a broadcast of it
    // from another thread never finishes); a micro-batch names few keys.
    Dataset<Row> keys = named.sparkSession().createDataFrame(named.collectAsList(), named.schema());
    replace(new AffectedKeys(List.of(AffectedKeys.Part.of(streamed.name(), keys, mapping.keySet().stream()
        .collect(Collectors.toMap(Function.identity(), SqlMerge::quote)), views))), before, after);
  }

  private void replace(AffectedKeys affected, Map<String, String> before, Map<String, String> after) {
    Set<String> upstream = plan.upstream(target.from());
    for (SourceSpec source : plan.reads()) {
      if (upstream.contains(source.name())) {
        record(Nodes.timed(NodeResult.Kind.READ, source.name(), () -> readAffected(source, affected)));
      }
    }
    computeStepsOnly();
    // Read three times below: for the affected keys, the upserts and the deletes.
    Dataset<Row> result = views.detach(views.get(target.from()));
    requireKeyColumns(result.columns(), "columns of " + target.from(), WHY);
    TableReader storedTable = tables.reader(target);
    // A stream's first micro-batch creates the target.
    Dataset<Row> stored = storedTable.exists() ? storedTable.snapshot() : result.limit(0);
    List<String> named = new ArrayList<>(affected.columns());
    for (String[] columns : List.of(result.columns(), stored.columns())) {
      named.stream().filter(c -> !Arrays.asList(columns).contains(c)).findFirst().ifPresent(c -> {
        throw new IllegalArgumentException("keys-from of target " + target.name() + " names column " + c
            + ", which the target's rows do not have");
      });
    }
    Dataset<Row> keys;
    if (affected.namesWhole(target.keys())) {
      // The changes name whole keys: the target's rows need not be read to find them. A key it does not hold is
      // deleted as a no-op.
      keys = views.detach(affected.wholeKeys(target.keys()));
    } else {
      Map<String, String> byName = named.stream().collect(Collectors.toMap(Function.identity(), SqlMerge::quote));
      Dataset<Row> storedNearby = affected.filterFor(byName).map(stored::where).orElse(stored);
      keys = views.detach(affected.keysOf(storedNearby, target.keys())
          .union(affected.keysOf(result, target.keys())).distinct());
    }
    Dataset<Row> deletes = keys.except(result.selectExpr(quotedKeys()));
    write(AffectedKeys.withKeys(result, keys, target.keys()), deletes, before, after);
  }

  /** Reads one changing source's changes into the affected keys. */
  private Nodes.Outcome readChanges(SourceSpec source, String since) {
    TableReader reader = tables.reader(source);
    Map<String, String> mapping = mapping(source, reader.schema().fieldNames());
    ChangeReads.Read read = changeReads.changes(source, since, List.of());
    ChangeSet changes = read.changes();
    String detail = tables.describe(source) + " changes";
    if (changes.until().isEmpty()) {
      return new Nodes.Outcome(detail, OptionalLong.of(0), reader.latestCommit(), Optional.of(since));
    }
    until.put(source.name(), changes.until().get().id());
    Dataset<Row> rows = changes.rows();
    AffectedKeys.Part part = AffectedKeys.Part.of(source.name(), rows, mapping, views);
    parts.add(part);
    changeSets.put(source.name(), changes);
    return new Nodes.Outcome(detail + " naming " + part.size() + " keys (" + String.join(",", part.columns())
        + ")", OptionalLong.of(read.rows()), changes.until(), Optional.of(since));
  }

  /** Reads a source as of the commit the run consumes, filtered to the rows that can contribute. */
  private Nodes.Outcome readAffected(SourceSpec source, AffectedKeys affected) {
    TableReader reader = tables.reader(source);
    Dataset<Row> rows = source.incremental() ? reader.asOf(AsOf.version(until.get(source.name())))
        : source.asOf().map(reader::asOf).orElseGet(reader::snapshot);
    Optional<Dataset<Row>> latest = latestImagesOfChangedKeys(source, rows);
    if (latest.isPresent()) {
      views.put(source.name(), latest.get());
      return new Nodes.Outcome(tables.describe(source) + ", only the latest images of its changed keys "
          + source.keys() + ", from its changes (the table is not read)", OptionalLong.empty(), Optional.empty());
    }
    Optional<Column> filter = affected.filterFor(mapping(source, rows.columns()));
    views.put(source.name(), filter.map(rows::where).orElse(rows));
    return new Nodes.Outcome(tables.describe(source) + (filter.isPresent() ? ", only rows of affected keys"
        : ", whole (its rows name no affected key column)"), OptionalLong.empty(), Optional.empty());
  }

  /**
   * A source's rows that can contribute to an affected key, from its changes, when they are the latest images of
   * its changed keys: it is the only source that changed and names the affected keys through every column of its
   * declared keys, so a row contributes exactly when its key changed, and the one row of each such key that
   * exists after the changes is its last image. Empty when that does not hold, or when the changes' columns are not
   * those of the table as of the run's commit.
   *
   * @param asOf the source as of the commit the run consumes, for its columns
   */
  private Optional<Dataset<Row>> latestImagesOfChangedKeys(SourceSpec source, Dataset<Row> asOf) {
    ChangeSet changes = changeSets.get(source.name());
    if (changes == null || parts.size() != 1 || source.keys().isEmpty()) {
      return Optional.empty();
    }
    Collection<String> naming = mapping(source, asOf.columns()).values();
    boolean throughKeys = source.keys().stream()
        .allMatch(key -> naming.contains(key) || naming.contains(SqlMerge.quote(key)));
    if (!throughKeys) {
      return Optional.empty();
    }
    Dataset<Row> latest = NetChanges.of(changes.withKeys(source.keys()).rows(), source.keys()).upserts();
    // The changes hold the table's columns that the run reads (ChangeReads), and so does the view.
    Optional<Set<String>> read = plan.columnsRead(source);
    String[] columns = Arrays.stream(asOf.columns())
        .filter(column -> read.map(names -> names.contains(column.toLowerCase(Locale.ROOT))).orElse(true))
        .map(SqlMerge::quote)
        .toArray(String[]::new);
    return sameColumns(latest.schema(), asOf.selectExpr(columns).schema())
        ? Optional.of(latest.selectExpr(columns))
        : Optional.empty();
  }

  /** Whether two schemas have the same column names and types, nullability aside, in any order. */
  private static boolean sameColumns(StructType a, StructType b) {
    return typesByName(a).equals(typesByName(b));
  }

  private static Map<String, String> typesByName(StructType schema) {
    return Arrays.stream(schema.fields())
        .collect(Collectors.toMap(StructField::name, field -> field.dataType().catalogString()));
  }

  /**
   * How a source's rows name the target's key columns: its {@code keys-from}, else, for a changing source, its
   * columns named like the keys; a source that does not change and declares nothing names none.
   *
   * @throws IllegalArgumentException when a changing source names no key column
   */
  private Map<String, String> mapping(SourceSpec source, String[] columns) {
    Map<String, String> declared = target.keysFrom().get(source.name());
    if (declared != null) {
      return declared;
    }
    if (!changing.contains(source.name())) {
      return Map.of();
    }
    Map<String, String> byName = new LinkedHashMap<>();
    target.keys().stream().filter(Arrays.asList(columns)::contains).forEach(k -> byName.put(k, SqlMerge.quote(k)));
    if (byName.isEmpty()) {
      throw new IllegalArgumentException("source " + source.name() + " has no column named like a key of target "
          + target.name() + " " + target.keys() + ", so its changes name no target row; declare keys-from."
          + source.name() + " { <key> = \"<SQL over " + source.name() + ">\" }");
    }
    return byName;
  }
}
