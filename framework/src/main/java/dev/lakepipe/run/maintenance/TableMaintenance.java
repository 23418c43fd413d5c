package dev.lakepipe.run.maintenance;

import dev.lakepipe.format.TableFormats;
import dev.lakepipe.format.TableMaintainer;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.format.TableStats;
import dev.lakepipe.run.Tables;
import dev.lakepipe.spec.EngineSettings;
import dev.lakepipe.spec.MaintenanceSpec;
import dev.lakepipe.spec.TargetSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * Maintains one target table as its {@code maintenance} block says: compaction, then history cleanup whose
 * retention is extended so that every commit an incremental checkpoint of the warehouse or a pin needs survives.
 */
final class TableMaintenance {
  private final SparkSession spark;
  private final EngineSettings settings;
  private final CheckpointReaders readers;

  TableMaintenance(SparkSession spark, EngineSettings settings, CheckpointReaders readers) {
    this.spark = spark;
    this.settings = settings;
    this.readers = readers;
  }

  /**
   * @param force clean history as the block says even where a checkpoint needs it
   * @return the report; one that says the target was skipped when its format has no table maintenance
   */
  MaintenanceReport maintain(TargetSpec target, boolean dryRun, boolean force) {
    TableRef table = TableRef.of(target.format(), Tables.address(settings, target));
    TableReader reader = TableFormats.get(target.format()).reader(spark, table.address(target.name()));
    TableMaintainer maintainer;
    try {
      maintainer = TableFormats.get(target.format()).maintainer(spark, table.address(target.name()));
    } catch (UnsupportedOperationException e) {
      return new MaintenanceReport(target.name(), table, Optional.empty(), Optional.empty(),
          List.of("skipped: " + e.getMessage()));
    }
    if (!reader.exists()) {
      return new MaintenanceReport(target.name(), table, Optional.empty(), Optional.empty(), List.of());
    }
    TableStats before = maintainer.stats();
    List<String> notes = new ArrayList<>();
    MaintenanceSpec block = target.maintenance();
    Duration retain = block.retainOrDefault();
    int retainCommits = block.retainCommitsOrDefault();
    HistoryPins pins = new HistoryPins(spark.sparkContext().hadoopConfiguration(), settings.warehouse());
    NeededHistory needed = NeededHistory.of(spark, readers, pins, table, reader);
    for (NeededHistory.Need need : needed.needs()) {
      notes.add(need.commit().map(c -> "needed: commit " + c.id() + " (" + c.timestamp() + "), ")
          .orElse("needed but already gone from history: commit " + need.commitId() + ", ") + need.why());
    }
    Duration age = needed.age(Instant.now());
    int count = needed.count();
    boolean shorter = age.compareTo(retain) > 0 || count > retainCommits;
    if (shorter && force) {
      notes.add("WARNING --force: cleaning history as the spec says (retain " + human(retain) + ", "
          + retainCommits + " commits) removes commits that the checkpoints above need; the next incremental run"
          + " of their pipelines fails and needs --mode full");
    } else if (shorter) {
      notes.add("kept: history from commit " + needed.oldest().orElseThrow().commit().orElseThrow().id()
          + " on, for the checkpoints above: retain " + human(retain) + " -> " + human(max(retain, age))
          + ", commits " + retainCommits + " -> " + Math.max(retainCommits, count));
      retain = max(retain, age);
      retainCommits = Math.max(retainCommits, count);
    }
    if (dryRun) {
      notes.add("dry run: would compact" + (block.zOrder().isEmpty() ? "" : " z-ordered by " + block.zOrder())
          + " and clean history older than " + human(retain) + " beyond the latest " + retainCommits
          + " commits; nothing changed");
      return new MaintenanceReport(target.name(), table, Optional.of(before), Optional.empty(), notes);
    }
    maintainer.compact(block.targetFileSize(), block.zOrder());
    maintainer.cleanHistory(retain, retainCommits);
    return new MaintenanceReport(target.name(), table, Optional.of(before), Optional.of(maintainer.stats()), notes);
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static String human(Duration duration) {
    return duration.toString().substring(2).toLowerCase(Locale.ROOT);
  }
}
