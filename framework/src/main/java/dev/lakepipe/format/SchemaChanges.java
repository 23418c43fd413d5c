package dev.lakepipe.format;

import static org.apache.spark.sql.functions.col;

import dev.lakepipe.spec.SchemaEvolution;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * How the rows of a write differ from the schema of the table they go to, top-level column by column, and which of
 * the differences a {@link SchemaEvolution} policy lets the write apply. Format-neutral: a format only says which safe
 * widenings it can make. Columns match by name regardless of case, as Spark resolves them; nullability is not
 * compared (a column a write adds is nullable).
 *
 * <p>A column of the rows whose type safely widens to the table's (INT rows for a BIGINT column) changes nothing: the
 * rows are cast to the table's type ({@link #conform}), losslessly. This also keeps writable the types a format
 * stores wider than Spark's (Iceberg and Hudi keep SMALLINT as INT).
 */
public final class SchemaChanges {
  /** A column whose type differs between the table and the rows. */
  public record TypeChange(String column, DataType table, DataType rows) {}

  private final List<StructField> added = new ArrayList<>();
  private final List<StructField> missing = new ArrayList<>();
  private final List<TypeChange> widened = new ArrayList<>();
  private final List<TypeChange> castUp = new ArrayList<>();
  private final List<TypeChange> incompatible = new ArrayList<>();

  private SchemaChanges() {}

  /** Compares the rows' schema with the table's. */
  public static SchemaChanges between(StructType table, StructType rows) {
    SchemaChanges changes = new SchemaChanges();
    Map<String, StructField> tableColumns = byName(table);
    Map<String, StructField> rowColumns = byName(rows);
    for (StructField row : rows.fields()) {
      StructField stored = tableColumns.get(key(row.name()));
      if (stored == null) {
        changes.added.add(row);
      } else if (!DataType.equalsIgnoreCaseAndNullability(stored.dataType(), row.dataType())) {
        TypeChange change = new TypeChange(stored.name(), stored.dataType(), row.dataType());
        if (isSafeWidening(stored.dataType(), row.dataType())) {
          changes.widened.add(change);
        } else if (isSafeWidening(row.dataType(), stored.dataType())) {
          changes.castUp.add(change);
        } else {
          changes.incompatible.add(change);
        }
      }
    }
    for (StructField stored : table.fields()) {
      if (!rowColumns.containsKey(key(stored.name()))) {
        changes.missing.add(stored);
      }
    }
    return changes;
  }

  /**
   * Whether {@code to} holds every value of {@code from} exactly, in the widenings lakepipe applies: a wider integer,
   * FLOAT to DOUBLE, a DECIMAL with more precision and the same scale.
   */
  static boolean isSafeWidening(DataType from, DataType to) {
    List<DataType> integers = List.of(DataTypes.ByteType, DataTypes.ShortType, DataTypes.IntegerType,
        DataTypes.LongType);
    if (integers.contains(from) && integers.contains(to)) {
      return integers.indexOf(from) < integers.indexOf(to);
    }
    if (from instanceof DecimalType narrow && to instanceof DecimalType wide) {
      return narrow.scale() == wide.scale() && narrow.precision() < wide.precision();
    }
    return from.equals(DataTypes.FloatType) && to.equals(DataTypes.DoubleType);
  }

  /** The columns of the rows that the table lacks, in the rows' order. */
  public List<StructField> added() {
    return List.copyOf(added);
  }

  /** The columns whose type the rows widen, table type first. */
  public List<TypeChange> widened() {
    return List.copyOf(widened);
  }

  /** Whether the write changes the table's schema (it adds or widens columns). */
  public boolean changesTable() {
    return !added.isEmpty() || !widened.isEmpty();
  }

  /**
   * Why the policy, or the format, refuses the rows: one message per column, naming it, both types and the policy;
   * empty when the write may go ahead.
   *
   * @param wideningLimit why the format cannot widen a column from the table's type to the rows' (a safe widening),
   *     or empty when it can
   */
  public List<String> refusals(SchemaEvolution policy, BiFunction<DataType, DataType, Optional<String>> wideningLimit) {
    List<String> refusals = new ArrayList<>();
    for (StructField column : missing) {
      Optional<StructField> renamed = added.size() == 1 && missing.size() == 1 ? Optional.of(added.get(0))
          : Optional.empty();
      refusals.add("column " + column.name() + " (" + column.dataType().sql() + ") is in the table but not in the"
          + " rows" + renamed.map(r -> " (renamed to " + r.name() + "?)").orElse("")
          + ": no schema-evolution drops or renames a column");
    }
    if (!policy.addsColumns()) {
      for (StructField column : added) {
        refusals.add("column " + column.name() + " (" + column.dataType().sql() + ") is not in the table: adding"
            + " it needs schema-evolution = add-columns or widen, not " + policy.specName());
      }
    }
    for (TypeChange change : widened) {
      Optional<String> refused = policy.widensTypes()
          ? wideningLimit.apply(change.table(), change.rows())
          : Optional.of("widening it needs schema-evolution = widen, not " + policy.specName());
      refused.ifPresent(why -> refusals.add(describe(change) + ": " + why));
    }
    for (TypeChange change : incompatible) {
      refusals.add(describe(change) + ": not a safe widening (a wider integer, FLOAT to DOUBLE, DECIMAL with more"
          + " precision and the same scale); no schema-evolution applies it");
    }
    return refusals;
  }

  /** The rows, with each column whose type safely widens to the table's cast to it. */
  public Dataset<Row> conform(Dataset<Row> rows) {
    if (castUp.isEmpty()) {
      return rows;
    }
    Map<String, DataType> casts = new TreeMap<>();
    castUp.forEach(change -> casts.put(key(change.column()), change.table()));
    Column[] columns = Arrays.stream(rows.columns())
        .map(name -> casts.containsKey(key(name)) ? col(SqlMerge.quote(name)).cast(casts.get(key(name))).as(name)
            : col(SqlMerge.quote(name)))
        .toArray(Column[]::new);
    return rows.select(columns);
  }

  private static String describe(TypeChange change) {
    return "column " + change.column() + " is " + change.table().sql() + " in the table and " + change.rows().sql()
        + " in the rows";
  }

  private static Map<String, StructField> byName(StructType schema) {
    Map<String, StructField> columns = new TreeMap<>();
    for (StructField field : schema.fields()) {
      columns.put(key(field.name()), field);
    }
    return columns;
  }

  private static String key(String column) {
    return column.toLowerCase(Locale.ROOT);
  }
}
