package dev.lakepipe.cli;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Reads {@code --logical-time}: ISO-8601 with an offset, the minutes optional (2026-11-22T03Z). */
final class LogicalTimes {
  private LogicalTimes() {}

  /** @throws ParameterException (exit 2) when the text is not such a time */
  static Instant parse(CommandLine command, String text) {
    try {
      return OffsetDateTime.parse(text.replaceFirst("Z$", "+00:00").replaceFirst("T(\\d\\d)(?=[+-])", "T$1:00"))
          .toInstant();
    } catch (DateTimeParseException e) {
      throw new ParameterException(command, "--logical-time '" + text
          + "' is not an ISO-8601 time such as 2026-11-22T03:00Z");
    }
  }
}
