package dev.lakepipe.spec;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|mb|gb)");

  public MaintenanceSpec {
    zOrder = List.copyOf(zOrder);
  }

  /**
   * Reads a target's block, adding its problems to the section's: a key whose operation the target's format
   * lacks is refused, saying why.
   */
  static MaintenanceSpec read(SpecSection section, FormatTraits format) {
    for (MaintenanceOption option : MaintenanceOption.values()) {
      if (section.has(option.specName())) {
        format.maintenanceLimit(option).ifPresent(why -> section.problem(option.specName(),
            "not available for " + format.name() + " targets: " + why));
      }
    }
    Optional<String> sizeText = section.text("target-file-size");
    OptionalLong size = sizeText.map(MaintenanceSpec::parseSize).orElse(OptionalLong.empty());
    sizeText.filter(t -> size.isEmpty()).ifPresent(t -> section.problem("target-file-size",
        "'" + t + "' is not a size such as 64MB, 512KB or 1GB"));
    List<String> zOrder = section.stringList("z-order");
    Optional<Duration> retain = duration(section, "retain");
    OptionalDouble commits = section.number("retain-commits");
    commits.stream().filter(c -> c < 1 || c != Math.rint(c)).forEach(c -> section.problem("retain-commits",
        "must be a whole number of commits, at least 1"));
    Optional<Duration> every = duration(section, "every");
    every.filter(Duration::isZero).ifPresent(e -> section.problem("every", "must be longer than zero"));
    return new MaintenanceSpec(size, zOrder, retain,
        commits.isPresent() ? OptionalInt.of((int) Math.max(1, commits.getAsDouble())) : OptionalInt.empty(), every);
  }

  private static Optional<Duration> duration(SpecSection section, String key) {
    Optional<String> text = section.text(key);
    Optional<Duration> duration = text.flatMap(StreamingSpec::parseDuration);
    text.filter(t -> duration.isEmpty()).ifPresent(t -> section.problem(key,
        "'" + t + "' is not a duration such as 30m, 24h or 7d"));
    return duration;
  }

  private static OptionalLong parseSize(String text) {
    Matcher matcher = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (text.matches("\\d+")) {
      return OptionalLong.of(Long.parseLong(text));
    }
    if (!matcher.matches()) {
      return OptionalLong.empty();
    }
    int shift = switch (matcher.group(2)) {
      case "kb" -> 10;
      case "mb" -> 20;
      case "gb" -> 30;
      default -> 0;
    };
    return OptionalLong.of(Long.parseLong(matcher.group(1)) << shift);
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
