package dev.lakepipe.spec;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a streaming run triggers its micro-batches: {@code available-now} processes everything there is and stops
 * (the catch-up an orchestrator calls hourly); {@code processing-time} starts a micro-batch every {@code interval}
 * and runs until stopped.
 *
 * @param interval with {@link Trigger#PROCESSING_TIME}, the time between micro-batch starts; zero otherwise
 */
public record StreamingSpec(Trigger trigger, Duration interval) {
  /** Without a {@code streaming} block: catch up and stop. */
  public static final StreamingSpec DEFAULT = new StreamingSpec(Trigger.AVAILABLE_NOW, Duration.ZERO);

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  /** When micro-batches start. */
  public enum Trigger {
    AVAILABLE_NOW("available-now"), PROCESSING_TIME("processing-time");

    private final String specName;

    Trigger(String specName) {
      this.specName = specName;
    }

    public String specName() {
      return specName;
    }

    static Optional<Trigger> fromSpecName(String name) {
      return List.of(values()).stream().filter(t -> t.specName.equals(name)).findFirst();
    }
  }

  /** Reads the block, adding its problems to the section's. */
  static StreamingSpec read(SpecSection section) {
    Optional<String> triggerName = section.string("trigger");
    Optional<Trigger> trigger = triggerName.isEmpty() ? Optional.of(Trigger.AVAILABLE_NOW)
        : Trigger.fromSpecName(triggerName.get());
    List<String> known = List.of(Trigger.values()).stream().map(Trigger::specName).toList();
    if (trigger.isEmpty()) {
      section.problem("trigger", "unknown trigger '" + triggerName.get() + "'" + Names.suggestion(triggerName.get(),
          known) + " (known: " + String.join(", ", known) + ")");
    }
    Optional<String> intervalText = section.text("interval");
    Optional<Duration> interval = intervalText.flatMap(StreamingSpec::parseDuration);
    intervalText.filter(t -> interval.isEmpty()).ifPresent(t -> section.problem("interval",
        "'" + t + "' is not a duration such as 500ms, 10s, 5m or 1h"));
    interval.filter(Duration::isZero).ifPresent(t -> section.problem("interval", "must be longer than zero"));
    if (trigger.filter(Trigger.PROCESSING_TIME::equals).isPresent() && !section.has("interval")) {
      section.missing("interval", "trigger = processing-time needs interval, e.g. interval = 10s");
    }
    if (trigger.filter(Trigger.AVAILABLE_NOW::equals).isPresent() && section.has("interval")) {
      section.problem("interval", "interval applies only with trigger = processing-time");
    }
    return new StreamingSpec(trigger.orElse(Trigger.AVAILABLE_NOW), interval.orElse(Duration.ZERO));
  }

  /** A duration such as 500ms, 10s, 5m, 1h or 7d; empty when the text is not one. */
  public static Optional<Duration> parseDuration(String text) {
    Matcher matcher = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!matcher.matches()) {
      return Optional.empty();
    }
    long amount = Long.parseLong(matcher.group(1));
    return Optional.of(switch (matcher.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "d" -> Duration.ofDays(amount);
      default -> Duration.ofHours(amount);
    });
  }
}
