package dev.lakepipe.run.maintenance;

import dev.lakepipe.format.Commit;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableFormat;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.run.PipelineLocks;
import dev.lakepipe.run.PipelineRunner;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * Rolls a table back to an earlier commit of its history, under the table's lock (no run writes it meanwhile).
 * The commit's lakepipe properties become the latest ones, so the next incremental run of the pipeline that writes
 * the table resumes from the checkpoints of that commit and recomputes what came after.
 */
public final class TableRollback {
  private final SparkSession spark;
  private final TableFormat format;
  private final TableAddress address;
  private final String warehouse;

  public TableRollback(SparkSession spark, TableFormat format, TableAddress address, String warehouse) {
    this.spark = spark;
    this.format = format;
    this.address = address;
    this.warehouse = warehouse;
  }

  /**
   * The latest finished write of the logical time: its last commit (not the first of two).
   *
   * @throws IllegalArgumentException when no commit in the table's history was made for that logical time
   */
  public Commit commitOf(Instant logicalTime) {
    List<Commit> commits = reader().commits();
    return commits.stream()
        .filter(c -> logicalTime.toString().equals(c.properties().get(CommitContext.LOGICAL_TIME)))
        .filter(c -> !CommitContext.isFirstOfTwo(c.properties()))
        .reduce((a, b) -> b)
        .orElseThrow(() -> new IllegalArgumentException("no commit of " + address.location()
            + " in its history was written for logical time " + logicalTime + " (see lakepipe table history)"));
  }

  /**
   * The commit with this id.
   *
   * @throws IllegalArgumentException when the table's history has no such commit
   */
  public Commit commit(String id) {
    return reader().commits().stream().filter(c -> c.id().equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no commit " + id + " in the history of "
            + address.location() + " (see lakepipe table history)"));
  }

  /**
   * Restores the table to the commit, holding the table's lock.
   *
   * @return the table's latest commit afterwards, which carries the restored commit's properties
   * @throws IllegalArgumentException when the commit is already the latest
   * @throws dev.lakepipe.run.LockHeldException when a run or maintenance holds the table's lock
   */
  public Commit restore(Commit commit, String holder) {
    Optional<Commit> latest = reader().latestCommit();
    if (latest.map(c -> c.id().equals(commit.id())).orElse(false)) {
      throw new IllegalArgumentException("commit " + commit.id() + " is already the latest of "
          + address.location() + "; nothing to roll back");
    }
    Optional<PipelineLocks.Lease> lease = PipelineLocks.of(warehouse, PipelineRunner.LOCK_TIME_TO_LIVE)
        .map(locks -> locks.acquire(List.of(PipelineLocks.tableLock(address.location())), holder));
    try {
      return format.maintainer(spark, address).restore(commit);
    } finally {
      lease.ifPresent(PipelineLocks.Lease::close);
    }
  }

  private TableReader reader() {
    return format.reader(spark, address);
  }
}
