package dev.lakepipe.run;

import dev.lakepipe.format.ChangeSet;
import dev.lakepipe.spec.SourceSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * The changes an incremental run reads, each source's read once per checkpoint and kept for the run: targets that
 * resume from the same commit of a source share one read of its change feed (a changelog scan, a CDC query), and
 * consume the same commits. Released on close.
 */
final class ChangeReads implements AutoCloseable {
  private final Tables tables;
  private final Map<List<String>, ChangeSet> read = new HashMap<>();
  private final List<Dataset<Row>> cached = new ArrayList<>();

  ChangeReads(Tables tables) {
    this.tables = tables;
  }

  /**
   * The changes of a source after a commit, as {@link dev.lakepipe.format.TableReader#changes} gives them with these
   * keys; the source's change feed is read on the first call for that commit only.
   *
   * @throws dev.lakepipe.format.HistoryUnavailableException when the source's history after the commit is gone
   * @throws IllegalArgumentException when a key is not a column of the source
   */
  ChangeSet changes(SourceSpec source, String since, List<String> keys) {
    ChangeSet all = read.computeIfAbsent(List.of(source.name(), since), key -> {
      ChangeSet changes = tables.reader(source).changes(since, List.of());
      Dataset<Row> rows = changes.rows().persist(StorageLevel.MEMORY_AND_DISK());
      cached.add(rows);
      return new ChangeSet(rows, changes.until());
    });
    return all.withKeys(keys);
  }

  @Override
  public void close() {
    cached.forEach(Dataset::unpersist);
  }
}
