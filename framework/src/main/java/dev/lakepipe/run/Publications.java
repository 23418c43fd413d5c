package dev.lakepipe.run;

import dev.lakepipe.format.Commit;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.spec.JobSpec;
import dev.lakepipe.spec.TargetSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * Whether a logical time of a pipeline is published, target by target: the answer {@code lakepipe status} gives
 * an orchestrator's sensor.
 *
 * <p>A target is published for a logical time when a successful run of that time is recorded in the run history
 * and the table still holds what that run left: the commit the run recorded for the target, found in the table's
 * own history with its lakepipe properties; or, when the run committed nothing to the target (an incremental run
 * with nothing new, or a rerun that found its work done), the target's latest commit when that run ended. The
 * table's commits are the truth about the data; the run history says that the run finished, which a commit alone
 * cannot: a row-wise run that both upserts and deletes makes two commits carrying its logical time, and a crash
 * between them leaves the first one in the table.
 */
public final class Publications {
  /** How the run history writes a target a run committed nothing to. */
  private static final String NO_COMMIT = "-";

  private final SparkSession spark;
  private final JobSpec spec;

  public Publications(SparkSession spark, JobSpec spec) {
    this.spark = spark;
    this.spec = spec;
  }

  /**
   * One target's answer.
   *
   * @param commit the commit that holds the target's data for the logical time; empty when not published, and for
   *     a published table that keeps no commits (plain files)
   * @param detail what was found: the run that published it, or why it is not published
   */
  public record Status(String target, boolean published, Optional<Commit> commit, String detail) {}

  /** The status of the given targets of the spec for a logical time, in their order. */
  public List<Status> of(Instant logicalTime, List<TargetSpec> targets) {
    List<RunRecord> runs = new RunHistory(spark, spec.settings()).of(spec.name(), logicalTime);
    Tables tables = new Tables(spark, spec.settings());
    return targets.stream().map(target -> status(target, tables.reader(target), runs, logicalTime)).toList();
  }

  private Status status(TargetSpec target, TableReader reader, List<RunRecord> runs, Instant logicalTime) {
    List<Commit> commits = reader.commits();
    List<RunRecord> succeeded = runs.stream()
        .filter(run -> RunRecord.SUCCESS.equals(run.outcome()) && run.commits().containsKey(target.name()))
        .toList();
    for (RunRecord run : succeeded) {
      String recorded = run.commits().get(target.name());
      Optional<Commit> commit = recorded.equals(NO_COMMIT) ? latestAt(commits, end(run))
          : commits.stream().filter(c -> c.id().equals(recorded)).findFirst();
      String by = "run " + run.runId() + " (" + run.mode() + ")";
      if (commit.isPresent()) {
        return new Status(target.name(), true, commit,
            recorded.equals(NO_COMMIT) ? by + " found nothing new; the table is as of this commit" : by);
      }
      if (recorded.equals(NO_COMMIT) && reader.exists() && commits.isEmpty()) {
        return new Status(target.name(), true, Optional.empty(), by + "; the table keeps no commits");
      }
    }
    return new Status(target.name(), false, Optional.empty(),
        unpublishedReason(target, succeeded, commits, logicalTime));
  }

  private static String unpublishedReason(TargetSpec target, List<RunRecord> succeeded, List<Commit> commits,
      Instant logicalTime) {
    if (!succeeded.isEmpty()) {
      return "run " + succeeded.get(0).runId() + " succeeded, but its commit "
          + succeeded.get(0).commits().get(target.name())
          + " is no longer in the table's history (rolled back, expired or the table was replaced)";
    }
    Optional<Commit> partial = commits.stream()
        .filter(c -> logicalTime.toString().equals(c.properties().get(CommitContext.LOGICAL_TIME)))
        .reduce((first, second) -> second);
    return partial.map(c -> "commit " + c.id() + " carries this logical time, but no run of it is recorded as"
            + " successful (it failed, was killed, or is still running)")
        .orElse("no successful run of this logical time is recorded");
  }

  private static Instant end(RunRecord run) {
    return run.startedAt().plus(Duration.ofMillis(Math.round(run.seconds() * 1000)));
  }

  private static Optional<Commit> latestAt(List<Commit> commits, Instant time) {
    return commits.stream().filter(c -> !c.timestamp().isAfter(time)).max(Comparator.comparing(Commit::timestamp));
  }
}
