package dev.lakepipe.run;

import dev.lakepipe.format.ChangeSet;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.plan.Plan;
import dev.lakepipe.spec.SourceSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The changes an incremental run reads, each source's read once per checkpoint and kept for the run: targets that
 * resume from the same commit of a source share one read of its change feed (a changelog scan, a CDC query), and
 * consume the same commits, also when they are refreshed side by side, each in its own session ({@link
 * #sharedWith}). Only the columns that the run's steps and targets name are read ({@link Plan#columnsRead}).
 * Released on close of the instance that made them.
 */
final class ChangeReads implements AutoCloseable {
  private final Tables tables;
  private final Plan plan;
  private final Map<List<String>, Read> read;
  private final List<Dataset<Row>> cached;

  /** @param plan what the run computes: a source's changes are read with the columns its steps and targets name */
  ChangeReads(Tables tables, Plan plan) {
    this(tables, plan, new HashMap<>(), new ArrayList<>());
  }

  private ChangeReads(Tables tables, Plan plan, Map<List<String>, Read> read, List<Dataset<Row>> cached) {
    this.tables = tables;
    this.plan = plan;
    this.read = read;
    this.cached = cached;
  }

  /** The same change reads, given as datasets of the session of these tables; closing it releases nothing. */
  ChangeReads sharedWith(Tables other) {
    return new ChangeReads(other, plan, read, cached);
  }

  /**
   * A source's changes after a commit and how many change rows they hold.
   *
   * @param rows counted once, when the read was cached; pairing the rows by keys keeps their number
   */
  record Read(ChangeSet changes, long rows) {}

  /**
   * The changes of a source after a commit, as {@link dev.lakepipe.format.TableReader#changes} gives them with these
   * keys; the source's change feed is read on the first call for that commit only.
   *
   * @throws dev.lakepipe.format.HistoryUnavailableException when the source's history after the commit is gone
   * @throws IllegalArgumentException when a key is not a column of the source
   */
  Read changes(SourceSpec source, String since, List<String> keys) {
    Read all;
    // Targets refreshed side by side wait for the first one's read of a source rather than read it again.
    synchronized (read) {
      all = read.computeIfAbsent(List.of(source.name(), since), key -> {
        TableReader reader = tables.reader(source);
        ChangeSet changes = plan.columnsRead(source).map(columns -> reader.changes(since, List.of(), columns))
            .orElseGet(() -> reader.changes(since, List.of()));
        if (changes.until().isEmpty()) {
          // No commit since: the rows are an empty relation, and keeping or counting them would take Spark jobs.
          return new Read(changes, 0);
        }
        Dataset<Row> rows = DetachedRows.of(changes.rows());
        cached.add(rows);
        // Filled here, once: targets refreshed side by side would otherwise each compute the lazy cache at the same
        // time (Spark does not share a cache being built), reading the source's changes once per target.
        return new Read(new ChangeSet(rows, changes.until()), rows.count());
      });
    }
    return new Read(new ChangeSet(tables.own(all.changes().rows()), all.changes().until()).withKeys(keys),
        all.rows());
  }

  @Override
  public void close() {
    cached.forEach(DetachedRows::release);
  }
}
