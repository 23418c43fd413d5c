package dev.lakepipe.format;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/**
 * Maintains one table: compacts its files and cleans its history, each with the format's own operation, and
 * restores it to an earlier commit. Nothing happens until a method is called; each method commits (or deletes
 * files) on its own, so a caller holds the table's lock around it.
 */
public interface TableMaintainer {
  /**
   * The table's files as of its latest commit, and its commits still in history.
   *
   * @throws TableNotFoundException when the table does not exist
   */
  TableStats stats();

  /**
   * Rewrites small files into larger ones and merges delete files and merge-on-read deltas into the data files.
   *
   * @param targetFileSize bytes per data file to aim at; empty for the format's default
   * @param zOrder columns to cluster rows by along a Z-order curve; none for plain bin-packing
   * @throws TableNotFoundException when the table does not exist
   * @throws IllegalArgumentException when a Z-order column is not a column of the table
   */
  void compact(OptionalLong targetFileSize, List<String> zOrder);

  /**
   * Removes history older than both limits, as far as the format's operation has each: commits, snapshots, and
   * files that no kept commit references. Callers compute the limits so that every commit an incremental
   * checkpoint needs is kept.
   *
   * @param retain history younger than this is kept
   * @param retainCommits this many latest commits keep their history
   * @throws TableNotFoundException when the table does not exist
   */
  void cleanHistory(Duration retain, int retainCommits);

  /**
   * Makes the table's rows those of an earlier commit, with that commit's lakepipe properties as the latest ones,
   * so the next incremental run resumes from that commit's checkpoints.
   *
   * @param commit a commit of {@link TableReader#commits()}, not the latest
   * @return the table's latest commit afterwards
   * @throws TableNotFoundException when the table does not exist
   * @throws HistoryUnavailableException when the commit is no longer in the table's history
   */
  Commit restore(Commit commit);
}
