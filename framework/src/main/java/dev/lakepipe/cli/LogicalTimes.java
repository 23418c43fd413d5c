package dev.lakepipe.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Logical times and steps as users type them on the command line. */
final class LogicalTimes {
  private static final Pattern STEP = Pattern.compile("(\\d+)([mhd])");

  private LogicalTimes() {}

  /** An ISO-8601 time with an offset; the minutes may be left out ({@code 2026-11-22T03Z}). */
  static Optional<Instant> parse(String text) {
    try {
      return Optional.of(OffsetDateTime.parse(text.replaceFirst("Z$", "+00:00")
          .replaceFirst("T(\\d\\d)(?=[+-])", "T$1:00")).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** @throws ParameterException (exit 2) when {@code --logical-time} is not such a time */
  static Instant parse(CommandLine command, String text) {
    return parse(text).orElseThrow(() -> new ParameterException(command, "--logical-time '" + text
        + "' is not an ISO-8601 time such as 2026-11-22T03:00Z"));
  }

  /** A positive step such as {@code 1h}, {@code 30m}, {@code 1d}, or an ISO-8601 duration ({@code PT1H}). */
  static Optional<Duration> parseStep(String text) {
    Matcher compact = STEP.matcher(text.toLowerCase(Locale.ROOT));
    Optional<Duration> step;
    if (compact.matches()) {
      long amount = Long.parseLong(compact.group(1));
      step = Optional.of(switch (compact.group(2)) {
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      });
    } else {
      try {
        step = Optional.of(Duration.parse(text));
      } catch (DateTimeParseException e) {
        step = Optional.empty();
      }
    }
    return step.filter(d -> !d.isNegative() && !d.isZero());
  }
}
