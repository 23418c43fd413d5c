package dev.lakepipe.spec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The event-time watermark of a streamed source: a micro-batch's watermark is the newest {@code column} value of the
 * rows written before it, minus {@code delay}; rows older than it are late, and never reach the steps.
 *
 * @param late what becomes of late rows: counted and dropped, or counted and quarantined with the reason
 */
public record WatermarkSpec(String column, Duration delay, Late late) {
  private static final Pattern DECLARED_COLUMN = Pattern.compile("(?:^|,)\\s*`?([A-Za-z_][A-Za-z0-9_]*)`?\\s+");

  /** What becomes of a late row. */
  public enum Late {
    DROP("drop"), QUARANTINE("quarantine");

    private final String specName;

    Late(String specName) {
      this.specName = specName;
    }

    public String specName() {
      return specName;
    }
  }

  /**
   * Reads the block, adding its problems to the section's.
   *
   * @param schema the source's declared schema (Spark DDL), if any, to check that the column is one of it
   */
  static Optional<WatermarkSpec> read(SpecSection section, Optional<String> schema) {
    Optional<String> column = section.string("column");
    if (column.isEmpty()) {
      section.missing("column", "missing required key (the event-time column, e.g. column = updated_at)");
    }
    column.filter(c -> schema.isPresent() && !declaredColumns(schema.get()).contains(c.toLowerCase(Locale.ROOT)))
        .ifPresent(c -> section.problem("column", "'" + c + "' is not a column of the source's schema"));
    Optional<String> delayText = section.text("delay");
    Optional<Duration> delay = delayText.flatMap(StreamingSpec::parseDuration);
    if (delayText.isEmpty()) {
      section.missing("delay", "missing required key (how late an event may come, e.g. delay = 10m)");
    }
    delayText.filter(t -> delay.isEmpty()).ifPresent(t -> section.problem("delay",
        "'" + t + "' is not a duration such as 500ms, 10s, 5m or 1h"));
    Optional<String> lateText = section.string("late");
    List<String> known = List.of(Late.values()).stream().map(Late::specName).toList();
    Optional<Late> late = lateText.isEmpty() ? Optional.of(Late.QUARANTINE)
        : List.of(Late.values()).stream().filter(l -> l.specName.equals(lateText.get())).findFirst();
    if (late.isEmpty()) {
      section.problem("late", "unknown late '" + lateText.get() + "'" + Names.suggestion(lateText.get(), known)
          + " (known: " + String.join(", ", known) + ")");
    }
    if (column.isEmpty() || delay.isEmpty() || late.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new WatermarkSpec(column.get(), delay.get(), late.get()));
  }

  private static List<String> declaredColumns(String schema) {
    Matcher matcher = DECLARED_COLUMN.matcher(schema);
    List<String> columns = new ArrayList<>();
    while (matcher.find()) {
      columns.add(matcher.group(1).toLowerCase(Locale.ROOT));
    }
    return columns;
  }
}
