package dev.lakepipe.run.maintenance;

import dev.lakepipe.format.Commit;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.format.TableReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * The history of a table that incremental checkpoints and pins still need: for every target of the warehouse that
 * keeps a checkpoint of the table (its latest commit says up to which commit of the table its data goes), that
 * commit and every one after it must survive history cleanup, or the target's next incremental run cannot read the
 * changes; so must a commit pinned by an export that has not been released ({@link HistoryPins}).
 *
 * @param needs each checkpoint that names a commit of the table, oldest first
 * @param commits the table's commits in history when asked, oldest first
 */
record NeededHistory(List<Need> needs, List<Commit> commits) {
  /**
   * Cleanup keeps this much more than the age of the oldest needed commit: files are removed by their age, which
   * the file system stamps a little after the commit's own time.
   */
  static final Duration MARGIN = Duration.ofHours(1);

  /**
   * A commit of the table that must stay: a checkpoint of it in a target's latest commit, or a pin.
   *
   * @param commit the table's commit it names, if still in the table's history
   * @param why what needs it, for the maintenance report
   */
  record Need(String commitId, Optional<Commit> commit, String why) {}

  NeededHistory {
    needs = List.copyOf(needs);
    commits = List.copyOf(commits);
  }

  /**
   * Finds the checkpoints of the table in the latest commits of the targets that read it, and its pins.
   *
   * @throws java.io.UncheckedIOException when the index of readers or a commit cannot be read
   */
  static NeededHistory of(SparkSession spark, CheckpointReaders readers, HistoryPins pins, TableRef table,
      TableReader reader) {
    List<Commit> commits = reader.commits();
    List<Need> needs = new ArrayList<>();
    for (CheckpointReaders.Reader consumer : readers.of(table)) {
      TableReader target = TableFormats.get(consumer.target().format()).reader(spark,
          consumer.target().address(consumer.source()));
      Optional<String> checkpoint = target.exists() ? target.latestCommit()
          .flatMap(latest -> CommitContext.checkpoint(latest.properties(), consumer.source())) : Optional.empty();
      checkpoint.ifPresent(id -> needs.add(new Need(id, commit(commits, id), "checkpoint of source "
          + consumer.source() + " in the latest commit of " + consumer.target() + " (pipeline " + consumer.pipeline()
          + ")")));
    }
    for (HistoryPins.Pin pin : pins.of(table)) {
      needs.add(new Need(pin.commitId(), commit(commits, pin.commitId()), "pin " + pin.id() + " held by "
          + pin.holder()));
    }
    needs.sort((a, b) -> Integer.compare(position(a, commits), position(b, commits)));
    return new NeededHistory(needs, commits);
  }

  private static Optional<Commit> commit(List<Commit> commits, String id) {
    return commits.stream().filter(c -> c.id().equals(id)).findFirst();
  }

  private static int position(Need need, List<Commit> commits) {
    return need.commit().map(commits::indexOf).orElse(Integer.MAX_VALUE);
  }

  /** The oldest commit a checkpoint needs that is still in history. */
  Optional<Need> oldest() {
    return needs.stream().filter(n -> n.commit().isPresent()).findFirst();
  }

  /** How long cleanup must keep history for the oldest needed commit to survive; zero when none is needed. */
  Duration age(Instant now) {
    return oldest().map(n -> Duration.between(n.commit().orElseThrow().timestamp(), now).plus(MARGIN))
        .orElse(Duration.ZERO);
  }

  /** How many latest commits cleanup must keep for the oldest needed commit to survive; zero when none is needed. */
  int count() {
    return oldest().map(n -> commits.size() - commits.indexOf(n.commit().orElseThrow())).orElse(0);
  }
}
