package dev.lakepipe.run;

import dev.lakepipe.format.Commit;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.LatestWins;
import dev.lakepipe.format.SchemaEvolutionException;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.format.TableWriter;
import dev.lakepipe.plan.Plan;
import dev.lakepipe.spec.AsOf;
import dev.lakepipe.spec.SourceSpec;
import dev.lakepipe.spec.StepSpec;
import dev.lakepipe.spec.TargetSpec;
import dev.lakepipe.spec.WriteMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * A full run: reads every source's snapshot (or the version it names), computes the steps in order and writes
 * each target with its mode. Each source and step is a temporary view named after it, so SQL steps read them by
 * name. Cached steps (see {@link Views}) are computed once, counted, and shared by everything that reads
 * them. Each target's commit records, as its checkpoints, the commit of each incremental source its rows come
 * from, which resets where the next incremental run starts; an upsert target fed by an incremental source is
 * replaced, not upserted, so that it equals what the snapshots give. The rows written are those the commit
 * records, counted only when the format records none.
 */
public final class BatchRun {
  /** How a write node says that its rows were written without a latest-wins pass. */
  static final String UNIQUE_BY_KEYS = "rows unique by key (declared source keys, GROUP BY or DISTINCT):"
      + " no latest-wins pass";
  private final SparkSession spark;

  public BatchRun(SparkSession spark) {
    this.spark = spark;
  }

  /**
   * @param progress told of each node as soon as it is done
   * @throws RunFailedException naming the node that failed
   * @throws ColumnsNotFoundException when a target names a column its rows do not have; nothing was written
   * @throws dev.lakepipe.audit.QualityGateException when an error-level check of a target failed; no target was
   *     written
   * @throws IllegalStateException when a target declares checks and no data-quality module is on the class path
   */
  public RunResult run(Plan plan, RunOptions options, Consumer<NodeResult> progress) {
    long start = System.nanoTime();
    Tables tables = new Tables(spark, plan.spec().settings());
    CommitContext context = new CommitContext(plan.spec().name(), options.runId(), options.logicalTime());
    List<NodeResult> results = new ArrayList<>();
    Consumer<NodeResult> record = result -> {
      results.add(result);
      progress.accept(result);
    };
    Map<String, String> readCommits = new LinkedHashMap<>();
    AuditGate gate = AuditGate.of(spark, plan, options);
    try (Views views = new Views(spark, options)) {
      for (SourceSpec source : plan.reads()) {
        StreamQuarantine quarantine = StreamQuarantine.ofBatchSource(plan.spec().settings(),
            plan.spec().name(), source.name());
        NodeResult read = Nodes.timed(NodeResult.Kind.READ, source.name(), () -> read(tables, source, views,
            source.quarantineBadRecords() ? Optional.of(bad -> quarantine.append(spark, source.name(), bad, context)
                .map(c -> quarantine.location())) : Optional.empty()));
        read.commit().ifPresent(commit -> readCommits.put(source.name(), commit.id()));
        record.accept(read);
      }
      for (StepSpec step : plan.steps()) {
        record.accept(Nodes.timed(NodeResult.Kind.STEP, step.name(), () -> views.compute(step,
            plan.readers(step.name(), plan.writes()))));
      }
      plan.writes().forEach(target -> WriteColumns.check(target, views.get(target.from()).schema(),
          "nothing was written"));
      // Every target's schema is checked and its rows audited before any is written: a schema change a target
      // refuses, or a failed error-level check, publishes nothing of the run.
      Map<String, Dataset<Row>> approved = new LinkedHashMap<>();
      for (TargetSpec target : plan.writes()) {
        Dataset<Row> computed = AlgebraicRefresh.rowsToStore(plan, target, views.get(target.from()));
        // Checked rows are read by the audit's queries and again by the write: computed once.
        Dataset<Row> rows = target.checks().isEmpty() ? computed : views.cache(computed);
        checkSchema(tables, target, rows.schema());
        approved.put(target.name(), gate.audit(target, rows,
            TableAfter.ofWrite(tables, target, !plan.incrementalSources(target).isEmpty()), record));
      }
      for (TargetSpec target : plan.writes()) {
        Map<String, String> checkpoints = new LinkedHashMap<>();
        plan.incrementalSources(target).forEach(s -> checkpoints.put(s.name(), readCommits.get(s.name())));
        record.accept(Nodes.timed(NodeResult.Kind.WRITE, target.name(), () -> write(tables, target,
            approved.get(target.name()), context.withCheckpoints(checkpoints), !checkpoints.isEmpty(),
            () -> UniqueRows.byTargetKeys(plan, views, target))));
      }
    }
    return new RunResult(plan.spec().name(), options.runId(), options.logicalTime(), results,
        (System.nanoTime() - start) / 1e9);
  }

  /** @throws RunFailedException naming the target, when its schema-evolution refuses the rows' schema */
  private static void checkSchema(Tables tables, TargetSpec target, StructType rows) {
    if (target.mode() == WriteMode.DELETE) {
      return;
    }
    try {
      tables.writer(target).checkSchema(rows);
    } catch (SchemaEvolutionException e) {
      throw new RunFailedException("write " + target.name() + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Reads a source whole and makes it a view: its snapshot, the version it names, or, for an incremental source,
   * the snapshot as of its latest commit, so the rows and the checkpoint recorded with them agree.
   */
  static Nodes.Outcome read(Tables tables, SourceSpec source, Views views) {
    return read(tables, source, views, Optional.empty());
  }

  /**
   * @param quarantine appends a source's bad records and says where; without it a bad record fails the read
   * @throws IllegalStateException naming the file and the record, when a record does not fit the declared schema
   *     and there is no quarantine
   */
  static Nodes.Outcome read(Tables tables, SourceSpec source, Views views,
      Optional<Function<Dataset<Row>, Optional<String>>> quarantine) {
    TableReader reader = tables.reader(source);
    Optional<Commit> latest = source.asOf().isPresent() ? Optional.empty() : reader.latestCommit();
    Dataset<Row> rows = source.asOf().map(reader::asOf)
        .or(() -> latest.filter(c -> source.incremental()).map(c -> reader.asOf(AsOf.version(c.id()))))
        .orElseGet(reader::snapshot);
    views.put(source.name(), rows);
    // Read as of its latest commit, an incremental source's rows may be known from the commit's metadata.
    OptionalLong count = latest.filter(c -> source.incremental()).map(reader::rowsAt)
        .filter(OptionalLong::isPresent).orElseGet(() -> OptionalLong.of(rows.count()));
    Optional<Dataset<Row>> bad = source.asOf().isPresent() || source.incremental() ? Optional.empty()
        : reader.badRecords();
    long quarantined = bad.map(Dataset::count).orElse(0L);
    if (quarantined == 0) {
      return new Nodes.Outcome(tables.describe(source), count, latest);
    }
    if (quarantine.isEmpty()) {
      Row first = bad.get().first();
      Object raw = first.getAs("raw_value");
      throw new IllegalStateException(quarantined + " bad record(s) in " + source.name() + ", the first in "
          + first.getAs("position") + ": " + first.getAs("reason") + (raw == null ? "" : ": " + raw));
    }
    String location = quarantine.get().apply(bad.get()).orElseThrow();
    long used = count.orElseThrow();
    return new Nodes.Outcome(tables.describe(source) + ", " + used + " used, " + quarantined + " quarantined to "
        + location, OptionalLong.of(used + quarantined), latest);
  }

  /**
   * @param replaceUpserts whether an upsert target is replaced instead: its rows come from complete snapshots of
   *     incremental sources, so rows deleted at a source since the last run must go too
   * @param uniqueByKeys whether an upsert target's rows are known to hold each key once, asked only of a target
   *     with an order-by: such rows need no latest-wins pass
   */
  private static Nodes.Outcome write(Tables tables, TargetSpec target, Dataset<Row> rows, CommitContext context,
      boolean replaceUpserts, BooleanSupplier uniqueByKeys) {
    TableWriter writer = tables.writer(target);
    boolean unique = target.mode() == WriteMode.UPSERT && target.orderBy().isPresent()
        && uniqueByKeys.getAsBoolean();
    Optional<Commit> commit = switch (target.mode()) {
      case APPEND -> Optional.of(writer.append(rows, context));
      case OVERWRITE -> Optional.of(writer.overwrite(rows, context));
      case OVERWRITE_PARTITIONS -> Optional.of(writer.overwritePartitions(rows, context));
      case UPSERT -> {
        Dataset<Row> latest = unique ? rows : LatestWins.dedupe(rows, TableLayout.of(target));
        yield Optional.of(replaceUpserts ? writer.overwrite(latest, context) : writer.upsert(latest, context));
      }
      case DELETE -> writer.delete(rows, context);
    };
    // An append or overwrite commit records its rows; counting them again would compute the rows a second time.
    boolean appendsOrOverwrites = target.mode() != WriteMode.DELETE
        && (target.mode() != WriteMode.UPSERT || replaceUpserts);
    OptionalLong written = commit.filter(c -> appendsOrOverwrites).map(c -> tables.reader(target).rowsWritten(c))
        .filter(OptionalLong::isPresent).orElseGet(() -> OptionalLong.of(rows.count()));
    return new Nodes.Outcome(tables.describe(target) + (unique ? ", " + UNIQUE_BY_KEYS : ""), written, commit);
  }
}
