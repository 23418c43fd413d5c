package dev.lakepipe.run;

import static org.apache.spark.sql.functions.col;

import dev.lakepipe.format.LatestWins;
import dev.lakepipe.format.SqlMerge;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.spec.TargetSpec;
import dev.lakepipe.spec.WriteMode;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The target table as a write will leave it, built before the write from the current snapshot and the rows, for
 * checks that measure the whole table (key uniqueness, table row count). Lazy: nothing is read until the result is.
 * A replaced row counts with its new version; the "latest wins" comparison of {@code order-by} is not repeated,
 * so an incoming row older than the stored one is counted although the upsert would keep the stored one.
 */
final class TableAfter {
  private static final String KEY_PREFIX = "_lakepipe_after_";

  private TableAfter() {}

  /**
   * For a full run's write of the target with its mode.
   *
   * @param replacesUpserts whether an upsert replaces the table (see {@link BatchRun})
   */
  static UnaryOperator<Dataset<Row>> ofWrite(Tables tables, TargetSpec target, boolean replacesUpserts) {
    TableReader reader = tables.reader(target);
    return rows -> {
      Dataset<Row> written = switch (target.mode()) {
        case UPSERT -> LatestWins.dedupe(rows, TableLayout.of(target));
        case DELETE -> rows.limit(0);
        default -> rows;
      };
      if ((replacesUpserts && target.mode() == WriteMode.UPSERT) || !reader.exists()) {
        return written;
      }
      Dataset<Row> current = reader.snapshot().select(columns(rows));
      Dataset<Row> kept = switch (target.mode()) {
        case APPEND -> current;
        case OVERWRITE -> current.limit(0);
        case OVERWRITE_PARTITIONS -> without(current, rows, target.partitionBy());
        case UPSERT, DELETE -> without(current, rows, target.keys());
      };
      return kept.unionByName(written);
    };
  }

  /** For an incremental run's upsert of rows and delete of keys. */
  static UnaryOperator<Dataset<Row>> ofUpsertAndDelete(Tables tables, TargetSpec target, Dataset<Row> deletedKeys) {
    TableReader reader = tables.reader(target);
    return rows -> {
      if (!reader.exists()) {
        return rows;
      }
      Dataset<Row> current = reader.snapshot().select(columns(rows));
      List<Column> keys = target.keys().stream().map(k -> col(SqlMerge.quote(k))).toList();
      Dataset<Row> removed = rows.select(keys.toArray(Column[]::new))
          .union(deletedKeys.select(keys.toArray(Column[]::new)));
      return without(current, removed, target.keys()).unionByName(rows);
    };
  }

  private static Column[] columns(Dataset<Row> rows) {
    return java.util.Arrays.stream(rows.columns()).map(c -> col(SqlMerge.quote(c))).toArray(Column[]::new);
  }

  /** The rows of {@code current} whose values of {@code columns} occur in no row of {@code removed}. */
  private static Dataset<Row> without(Dataset<Row> current, Dataset<Row> removed, List<String> columns) {
    Column[] renamed = new Column[columns.size()];
    Column matches = null;
    for (int i = 0; i < columns.size(); i++) {
      renamed[i] = col(SqlMerge.quote(columns.get(i))).as(KEY_PREFIX + i);
    }
    Dataset<Row> keys = removed.select(renamed).distinct();
    for (int i = 0; i < columns.size(); i++) {
      Column equal = current.col(SqlMerge.quote(columns.get(i))).equalTo(keys.col(KEY_PREFIX + i));
      matches = matches == null ? equal : matches.and(equal);
    }
    return current.join(keys, matches, "left_anti");
  }
}
