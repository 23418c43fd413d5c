package dev.lakepipe.spec;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A target's {@code maintenance} block: how compaction rewrites its files and how much history cleanup keeps.
 *
 * @param targetFileSize bytes compaction aims at per data file; empty for the format's default
 * @param zOrder columns compaction clusters rows by; none for a plain bin-packing compaction
 * @param retain history younger than this is kept; empty for the format's default
 * @param retainCommits this many latest commits keep their history; empty for the format's default
 * @param every how often a run does the maintenance after its own work; empty when only {@code lakepipe maintain}
 *     does it
 */
public record MaintenanceSpec(OptionalLong targetFileSize, List<String> zOrder, Optional<Duration> retain,
    OptionalInt retainCommits, Optional<Duration> every) {
  /** No block: the formats' defaults, maintained only by {@code lakepipe maintain}. */
  public static final MaintenanceSpec DEFAULT = new MaintenanceSpec(OptionalLong.empty(), List.of(),
      Optional.empty(), OptionalInt.empty(), Optional.empty());

  public MaintenanceSpec {
    zOrder = List.copyOf(zOrder);
  }

  /** History younger than this is kept when the block does not say. */
  public Duration retainOrDefault() {
    return retain.orElse(Duration.ofDays(7));
  }

  /** The latest commits that keep their history when the block does not say. */
  public int retainCommitsOrDefault() {
    return retainCommits.orElse(10);
  }
}
