package dev.lakepipe.run.maintenance;

import dev.lakepipe.format.TableStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What maintenance did to one table, or would do on a dry run.
 *
 * @param target the target's name in the spec
 * @param before the table before maintenance; empty when it does not exist yet or was skipped
 * @param after the table after maintenance; empty on a dry run or when it does not exist
 * @param notes what was kept and why, what --force removed, what a dry run would do
 */
public record MaintenanceReport(String target, TableRef table, Optional<TableStats> before,
    Optional<TableStats> after, List<String> notes) {
  public MaintenanceReport {
    notes = List.copyOf(notes);
  }

  /** The report as lines to print: the table, its files before and after, then the notes. */
  public List<String> lines() {
    List<String> lines = new ArrayList<>();
    lines.add("maintain " + target + " (" + table + ")");
    if (before.isEmpty() && notes.isEmpty()) {
      lines.add("  the table does not exist yet; nothing to do");
    }
    before.ifPresent(b -> lines.add("  before: " + describe(b)));
    after.ifPresent(a -> lines.add("  after:  " + describe(a)));
    notes.forEach(note -> lines.add("  " + note));
    return lines;
  }

  private static String describe(TableStats stats) {
    return String.format(Locale.ROOT, "%,d files, %,d bytes, %,d delete files, %,d commits", stats.files(),
        stats.bytes(), stats.deleteFiles(), stats.commits());
  }
}
