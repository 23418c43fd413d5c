package dev.lakepipe.run;

import dev.lakepipe.format.ChangeSet;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.plan.IncrementalStrategy;
import dev.lakepipe.plan.Plan;
import dev.lakepipe.spec.SourceSpec;
import dev.lakepipe.spec.TargetSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The row-wise strategy (see {@link IncrementalStrategy}): the driving source's view becomes its net upserted rows
 * since the target's checkpoint, the steps run over them (other sources read whole), the result is upserted, and
 * the keys the source deleted or the steps no longer return (a row an update made fail a filter) are deleted.
 */
final class RowWiseRefresh extends TargetRefresh {
  private static final String WHY = "a row-wise increment deletes target rows by the source's keys";

  private final SourceSpec driving;

  RowWiseRefresh(Plan plan, Tables tables, Views views, ChangeReads changeReads, TargetSpec target,
      CommitContext context, Consumer<NodeResult> record, AuditGate gate, IncrementalStrategy strategy) {
    super(plan, tables, views, changeReads, target, context, record, gate);
    this.driving = plan.spec().sources().get(strategy.drivingSource().orElseThrow());
  }

  private String since;
  private ChangeSet changes;
  private NetChanges net;

  /**
   * @throws IllegalStateException when the target records no checkpoint
   * @throws dev.lakepipe.format.HistoryUnavailableException when the source's history since it is gone
   * @throws IllegalArgumentException when a key of the target is not a column of the source or of the result
   */
  @Override
  void run() {
    record(Nodes.timed(NodeResult.Kind.READ, driving.name(), this::readChanges));
    if (changes.until().isEmpty()) {
      nothingNew("commit " + since + " of " + driving.name());
      return;
    }
    views.put(driving.name(), net.upserts());
    computeSteps(Set.of(driving.name()));
    // Read twice below: for the upserts and for the keys the steps dropped.
    Dataset<Row> rows = views.detach(views.get(target.from()));
    requireKeyColumns(rows.columns(), "columns of " + target.from(), WHY);
    // Source rows that the steps dropped (an update that now fails a filter) leave the target too.
    Dataset<Row> deletes = net.upserts().selectExpr(quotedKeys()).except(rows.selectExpr(quotedKeys()))
        .union(net.deletedKeys().selectExpr(quotedKeys()));
    write(rows, deletes, Map.of(driving.name(), since), Map.of(driving.name(), changes.until().get().id()));
  }

  private Nodes.Outcome readChanges() {
    since = checkpoints(List.of(driving.name())).get(driving.name());
    TableReader reader = tables.reader(driving);
    requireKeyColumns(reader.schema().fieldNames(), "columns of its driving source " + driving.name(), WHY);
    ChangeReads.Read read = changeReads.changes(driving, since, target.keys());
    changes = read.changes();
    String detail = tables.describe(driving) + " changes";
    if (changes.until().isEmpty()) {
      return new Nodes.Outcome(detail, OptionalLong.of(0), reader.latestCommit(), Optional.of(since));
    }
    net = NetChanges.of(changes.rows(), target.keys(), views::detach);
    return new Nodes.Outcome(detail, OptionalLong.of(read.rows()), changes.until(), Optional.of(since));
  }
}
