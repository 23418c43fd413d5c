package dev.lakepipe.run;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import dev.lakepipe.format.Commit;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.LatestWins;
import dev.lakepipe.format.SqlMerge;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.format.TableWriter;
import dev.lakepipe.plan.IncrementalStrategy;
import dev.lakepipe.plan.Plan;
import dev.lakepipe.spec.AsOf;
import dev.lakepipe.spec.SourceSpec;
import dev.lakepipe.spec.StepSpec;
import dev.lakepipe.spec.TargetSpec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What every incremental strategy does for one target: find where the target left off (the checkpoints in its
 * latest commit), say so when nothing changed since, compute the target's steps over the views the strategy set,
 * and write the result as upserts and deletes in one commit that also carries the new checkpoints. A format that
 * cannot do both in one commit (Hudi) gets two: the upsert carries the old checkpoints and the delete the new
 * ones, so a crash in between is redone by the next run through idempotent upserts and deletes.
 */
abstract class TargetRefresh {
  protected final Plan plan;
  protected final Tables tables;
  protected final Views views;
  protected final ChangeReads changeReads;
  protected final TargetSpec target;
  private final CommitContext context;
  private final Consumer<NodeResult> record;
  private final AuditGate gate;
  /** The target's latest commit, which holds the checkpoints. */
  private Commit stored;

  TargetRefresh(Plan plan, Tables tables, Views views, ChangeReads changeReads, TargetSpec target,
      CommitContext context, Consumer<NodeResult> record, AuditGate gate) {
    this.plan = plan;
    this.tables = tables;
    this.views = views;
    this.changeReads = changeReads;
    this.target = target;
    this.context = context;
    this.record = record;
    this.gate = gate;
  }

  /** Refreshes the target. */
  abstract void run();

  /** The affected-key refresh of the same target, with the same collaborators. */
  protected final AffectedKeyRefresh byAffectedKeys(IncrementalStrategy strategy) {
    return new AffectedKeyRefresh(plan, tables, views, changeReads, target, context, record, gate, strategy);
  }

  protected final void record(NodeResult result) {
    record.accept(result);
  }

  /**
   * The commit of each source after which the target's rows were computed.
   *
   * @throws IllegalStateException when the target has no commit, or its latest commit records no checkpoint of a
   *     source
   */
  protected final Map<String, String> checkpoints(List<String> sources) {
    String fullFirst = ": run --mode full first";
    stored = tables.reader(target).latestCommit().orElseThrow(() -> new IllegalStateException(
        "target " + target.name() + " has no commit yet" + fullFirst));
    Map<String, String> checkpoints = new LinkedHashMap<>();
    for (String source : sources) {
      checkpoints.put(source, CommitContext.checkpoint(stored.properties(), source).orElseThrow(
          () -> new IllegalStateException("the latest commit " + stored.id() + " of target " + target.name()
              + " records no checkpoint of source " + source + fullFirst)));
    }
    return checkpoints;
  }

  /**
   * Whether the target's latest commit is the first of two of a write that did not finish (a crash between a
   * format's upsert and delete commits): its rows are then ahead of its checkpoints.
   */
  protected final boolean interrupted() {
    return CommitContext.isFirstOfTwo(stored.properties());
  }

  /**
   * The target's rows as the last finished write left them, which its checkpoints describe: the snapshot, or after
   * an {@link #interrupted()} write, the table as of the commit before it.
   *
   * @throws IllegalStateException when no finished write is left in the table's history
   */
  protected final Dataset<Row> storedAtCheckpoints() {
    TableReader reader = tables.reader(target);
    if (!interrupted()) {
      return reader.snapshot();
    }
    List<Commit> commits = reader.commits();
    return commits.stream().filter(c -> !CommitContext.isFirstOfTwo(c.properties())).reduce((a, b) -> b)
        .map(c -> reader.asOf(AsOf.version(c.id())))
        .orElseThrow(() -> new IllegalStateException("target " + target.name() + " has no finished write left in"
            + " its history: run --mode full"));
  }

  /** Records that no source changed since the checkpoints, and whether this logical time was done already. */
  protected final void nothingNew(String sinceWhat) {
    boolean rerun = context.logicalTime().toString().equals(stored.properties().get(CommitContext.LOGICAL_TIME));
    record(Nodes.timed(NodeResult.Kind.WRITE, target.name(), () -> new Nodes.Outcome(
        (rerun ? "already done for this logical time" : "nothing new") + " since " + sinceWhat
            + "; nothing committed", OptionalLong.of(0), Optional.empty())));
  }

  /** Reads the target's other sources whole (as of the commit given, if any) and computes its steps. */
  protected final void computeSteps(Set<String> alreadyRead) {
    Set<String> upstream = plan.upstream(target.from());
    for (SourceSpec source : plan.reads()) {
      if (!alreadyRead.contains(source.name()) && upstream.contains(source.name())) {
        record(Nodes.timed(NodeResult.Kind.READ, source.name(), () -> BatchRun.read(tables, source, views)));
      }
    }
    computeStepsOnly();
  }

  /** Computes the target's steps over the views as they are. */
  protected final void computeStepsOnly() {
    Set<String> upstream = plan.upstream(target.from());
    for (StepSpec step : plan.steps()) {
      if (upstream.contains(step.name())) {
        record(Nodes.timed(NodeResult.Kind.STEP, step.name(), () -> views.compute(step,
            plan.readers(step.name(), List.of(target)))));
      }
    }
  }

  /**
   * Whether the rows this refresh writes hold each key at most once, so that no latest row per key need be kept:
   * when Spark's optimizer shows the view of the target's {@code from} unique by the target's keys ({@link
   * UniqueRows}; each source's view holds rows of the source as of one commit, unique by its declared keys).
   */
  protected boolean writesUniqueKeys() {
    return UniqueRows.byTargetKeys(plan, views, target);
  }

  /**
   * Audits the rows (the target's data-quality checks, which may quarantine some), then upserts them (latest wins
   * by the target's order-by, unless {@link #writesUniqueKeys}) and deletes the keys; the last commit carries the
   * new checkpoints. Also with nothing to write a commit is made, to record them.
   *
   * @throws dev.lakepipe.audit.QualityGateException when an error-level check failed: nothing is committed
   * @throws ColumnsNotFoundException when the target names columns the rows do not have: nothing is committed
   */
  protected final void write(Dataset<Row> rows, Dataset<Row> deleteKeys, Map<String, String> before,
      Map<String, String> after) {
    // Other targets of the run are refreshed on their own and may have been written.
    WriteColumns.check(target, rows.schema(), "nothing was written to it");
    Dataset<Row> deletes = views.detach(deleteKeys.selectExpr(quotedKeys()));
    boolean unique = target.orderBy().isPresent() && writesUniqueKeys();
    Dataset<Row> latest = unique ? rows : LatestWins.dedupe(rows, TableLayout.of(target));
    Dataset<Row> computed = views.detach(latest);
    Dataset<Row> upserts = gate.audit(target, computed, TableAfter.ofUpsertAndDelete(tables, target, deletes),
        record);
    record(Nodes.timed(NodeResult.Kind.WRITE, target.name(), () -> {
      long computing = System.nanoTime();
      // Both counts in one query: each is a Spark job of its own otherwise.
      Row counts = upserts.select(lit(1L).as("upserted"), lit(0L).as("deleted"))
          .union(deletes.select(lit(0L).as("upserted"), lit(1L).as("deleted")))
          .agg(coalesce(sum("upserted"), lit(0L)), coalesce(sum("deleted"), lit(0L))).head();
      long upserted = counts.getLong(0);
      long deleted = counts.getLong(1);
      long committing = System.nanoTime();
      TableWriter writer = tables.writer(target);
      Optional<Commit> commit;
      if (writer.upsertsAndDeletesAtOnce()) {
        commit = Optional.of(writer.replaceKeys(upserts, deletes, context.withCheckpoints(after)));
      } else if (deleted == 0 && upserted > 0) {
        commit = Optional.of(writer.upsert(upserts, context.withCheckpoints(after)));
      } else {
        if (upserted > 0) {
          writer.upsert(upserts, context.withCheckpoints(before).asFirstOfTwo());
        }
        commit = writer.delete(deletes, context.withCheckpoints(after));
      }
      return new Nodes.Outcome(String.format(Locale.ROOT, "%s: %d upserted, %d deleted (computed in %.1f s,"
          + " committed in %.1f s)%s", tables.describe(target), upserted, deleted, (committing - computing) / 1e9,
          (System.nanoTime() - committing) / 1e9, unique ? ", " + BatchRun.UNIQUE_BY_KEYS : ""),
          OptionalLong.of(upserted + deleted), commit);
    }));
  }

  protected final String[] quotedKeys() {
    return target.keys().stream().map(SqlMerge::quote).toArray(String[]::new);
  }

  /** @throws IllegalArgumentException when a key of the target is not among the columns */
  protected final void requireKeyColumns(String[] columns, String what, String why) {
    List<String> missing = target.keys().stream().filter(k -> !Arrays.asList(columns).contains(k)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("the keys " + target.keys() + " of target " + target.name()
          + " must be " + what + ", with the same names (" + why + "); missing: " + missing);
    }
  }
}
