package dev.lakepipe.run;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * One run's identity: the logical time it computes (the hour an orchestrator schedules, not the wall clock), a
 * unique run id, and how it computes.
 */
public record RunOptions(Instant logicalTime, String runId, RunMode mode) {
  private static final DateTimeFormatter RUN_ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** A new full run of the given logical time, with a fresh run id. */
  public static RunOptions of(Instant logicalTime) {
    return of(logicalTime, RunMode.FULL);
  }

  /** A new run of the given logical time and mode, with a fresh run id. */
  public static RunOptions of(Instant logicalTime, RunMode mode) {
    return new RunOptions(logicalTime,
        RUN_ID_TIME.format(Instant.now()) + "-" + UUID.randomUUID().toString().substring(0, 8), mode);
  }

  /** The current hour, the default logical time of a run started by hand. */
  public static Instant currentHour() {
    return Instant.now().truncatedTo(ChronoUnit.HOURS);
  }
}
