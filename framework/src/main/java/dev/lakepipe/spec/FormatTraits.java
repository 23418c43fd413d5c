package dev.lakepipe.spec;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What spec validation needs to know of a table format; answered without Spark. */
public interface FormatTraits {
  /** The name used in specs: {@code format = hudi}. */
  String name();

  Set<WriteMode> writeModes();

  /** Whether tables are named in a catalog ({@code table = db.name}) rather than located by path. */
  boolean catalogAddressed();

  /** Whether sources of this format can be read as of a version or timestamp; not unless the format says so. */
  default boolean supportsTimeTravel() {
    return false;
  }

  /**
   * Whether the format can read what changed after a commit (inserts, updates with pre- and post-images,
   * deletes), so that a source of it can be read incrementally: false for formats without history. A table of a
   * format that supports it may still not record its changes (a Delta table without change data feed, a Hudi
   * table without CDC). Not unless the format says so.
   */
  default boolean supportsChangeReads() {
    return false;
  }

  /**
   * Whether targets of this format choose their {@link Storage} (a {@code storage} key): tables whose format
   * can write an update or a delete without rewriting the files that hold it. Not unless the format says so.
   */
  default boolean supportsMergeOnRead() {
    return false;
  }

  /**
   * Whether targets of this format hash their keys into a fixed number of buckets per partition (a {@code buckets}
   * key), so that a write finds the file of a key without looking it up. Not unless the format says so.
   */
  default boolean supportsBuckets() {
    return false;
  }

  /**
   * Why the changes of a table of this format written with this storage cannot be read, or empty when they can
   * (for a format that {@link #supportsChangeReads()}): a spec must not read incrementally what it writes so.
   */
  default Optional<String> changeReadLimit(Storage storage) {
    return Optional.empty();
  }

  /**
   * How a target's table folds the updates and deletes it keeps beside its data files back into them, and which
   * run does it, as {@code plan} prints it; empty for a target that rewrites its files on every write (copy-on-write)
   * and for formats without merge-on-read.
   */
  default Optional<String> compaction(TargetSpec target) {
    return Optional.empty();
  }

  /**
   * Whether writes to tables of this format apply a target's {@code schema-evolution}: the table keeps a schema that
   * a write can change. Not unless the format says so.
   */
  default boolean evolvesSchema() {
    return false;
  }

  /**
   * Whether sources of this format may read a merge-on-read table's base files only ({@code query-type =
   * read-optimized}). Not unless the format says so.
   */
  default boolean supportsReadOptimized() {
    return false;
  }

  /** Whether sources of this format take a declared {@code schema} (files, streams); tables carry their own. */
  default boolean acceptsSchema() {
    return false;
  }

  /**
   * Whether a batch read of a source of this format sets its bad records aside (a quarantine, or a failed run, as
   * {@code on-bad-record} says): none by default.
   *
   * @param schemaDeclared whether the source declares a schema
   */
  default boolean findsBadRecords(boolean schemaDeclared) {
    return false;
  }

  /** Whether streaming runs can read sources of this format as a stream ({@code read = stream}). */
  default boolean supportsStreamingReads() {
    return false;
  }

  /**
   * Whether the format is a stream rather than a table (Kafka): its sources are located by their options instead of
   * a path or table name, and streaming runs stream them unless {@code read} says otherwise.
   */
  default boolean isStream() {
    return false;
  }

  /** What is wrong with a source's {@code options}, as messages naming the option; none by default. */
  default List<String> sourceOptionProblems(Map<String, String> options) {
    return List.of();
  }

  /**
   * Why a source with these {@code options} must declare a {@code schema}, or must not ({@code declared} says
   * whether it does); none by default.
   */
  default Optional<String> sourceSchemaProblem(Map<String, String> options, boolean declared) {
    return Optional.empty();
  }

  /**
   * Why the format's table maintenance lacks the operation behind a key of a target's {@code maintenance} block;
   * empty when it has it. A format without maintenance (files, streams) lacks them all.
   */
  default Optional<String> maintenanceLimit(MaintenanceOption option) {
    return Optional.of("it has no table maintenance");
  }
}
