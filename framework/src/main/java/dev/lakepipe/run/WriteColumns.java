package dev.lakepipe.run;

import dev.lakepipe.spec.CheckSpec;
import dev.lakepipe.spec.TargetSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.StructType;

/**
 * The columns a target names (keys, order-by, partition-by, the columns of its checks) checked against the rows it
 * would write, once the steps are analysed: a misspelt column is refused before any target is written, naming the
 * columns there are, instead of failing one format's write half-way through the run.
 */
final class WriteColumns {
  private WriteColumns() {}

  /**
   * @param rows the schema of the rows the target would write
   * @param unwritten what the run has not written when the check fails, for the message
   * @throws ColumnsNotFoundException naming each missing column, what names it, and the columns there are
   */
  static void check(TargetSpec target, StructType rows, String unwritten) {
    // Spark resolves column names case-insensitively, and so do the writes.
    Set<String> present = Arrays.stream(rows.fieldNames()).map(n -> n.toLowerCase(Locale.ROOT))
        .collect(Collectors.toSet());
    List<String> missing = new ArrayList<>();
    named(target).forEach(use -> {
      if (!present.contains(use.column().toLowerCase(Locale.ROOT))) {
        missing.add(use.by() + " " + use.column());
      }
    });
    if (!missing.isEmpty()) {
      throw new ColumnsNotFoundException("target " + target.name() + " names columns that its rows do not have: "
          + String.join(", ", missing) + "; the rows of " + target.from() + " have " + String.join(", ",
          rows.fieldNames()) + "; " + unwritten);
    }
  }

  private record Use(String by, String column) {}

  private static List<Use> named(TargetSpec target) {
    List<Use> uses = new ArrayList<>();
    target.keys().forEach(key -> uses.add(new Use("keys", key)));
    target.orderBy().ifPresent(column -> uses.add(new Use("order-by", column)));
    target.partitionBy().forEach(column -> uses.add(new Use("partition-by", column)));
    for (CheckSpec check : target.checks()) {
      String by = "check " + check.name();
      check.text("column").ifPresent(column -> uses.add(new Use(by, column)));
      check.list("columns").forEach(column -> uses.add(new Use(by, column)));
      check.metric().flatMap(CheckSpec.Metric::column).ifPresent(column -> uses.add(new Use(by, column)));
    }
    return uses;
  }
}
