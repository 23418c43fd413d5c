package dev.lakepipe.quality;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;

/**
 * The Spark SQL condition of each row-level kind. Deequ's {@code Compliance} analyzer measures it and
 * {@link Quarantine} filters on it, so the metric and the quarantined rows agree by construction: a row passes when
 * the condition is true, and fails when it is false or null.
 */
final class SqlConditions {
  private SqlConditions() {}

  /** The condition a passing row satisfies. */
  static String passes(CheckKind.RowLevel kind) {
    if (kind instanceof CheckKind.Completeness k) {
      return ident(k.column()) + " IS NOT NULL";
    } else if (kind instanceof CheckKind.AllowedValues k) {
      String values = k.values().stream().map(SqlConditions::literal).collect(Collectors.joining(", "));
      return ident(k.column()) + " IS NULL OR CAST(" + ident(k.column()) + " AS STRING) IN (" + values + ")";
    } else if (kind instanceof CheckKind.Range k) {
      String c = ident(k.column());
      StringBuilder within = new StringBuilder();
      if (!Double.isInfinite(k.min())) {
        within.append(c).append(" >= ").append(number(k.min()));
      }
      if (!Double.isInfinite(k.max())) {
        within.append(within.length() > 0 ? " AND " : "").append(c).append(" <= ").append(number(k.max()));
      }
      return c + " IS NULL OR (" + within + ")";
    } else if (kind instanceof CheckKind.Pattern k) {
      return ident(k.column()) + " IS NULL OR CAST(" + ident(k.column()) + " AS STRING) RLIKE " + literal(k.regex());
    } else if (kind instanceof CheckKind.Predicate k) {
      return "(" + k.sql() + ")";
    }
    throw new IllegalArgumentException("not a row-level kind: " + kind);
  }

  /** True when the row fails: the condition is false or null. */
  static Column fails(CheckKind.RowLevel kind) {
    return not(coalesce(expr(passes(kind)), lit(false)));
  }

  /** Why a failing row fails, prefixed by the check's name, e.g. {@code amount_ok: amount = -5 is outside [0.0, +inf)}. */
  static Column reason(Check check) {
    String prefix = check.name() + ": ";
    CheckKind kind = check.kind();
    if (kind instanceof CheckKind.Completeness k) {
      return lit(prefix + k.column() + " is null");
    } else if (kind instanceof CheckKind.AllowedValues k) {
      return concat(lit(prefix + k.column() + " = '"), shown(k.column()),
          lit("' is not one of " + List.copyOf(k.values())));
    } else if (kind instanceof CheckKind.Range k) {
      return concat(lit(prefix + k.column() + " = "), shown(k.column()),
          lit(" is outside " + interval(k.min(), k.max())));
    } else if (kind instanceof CheckKind.Pattern k) {
      return concat(lit(prefix + k.column() + " = '"), shown(k.column()), lit("' does not match " + k.regex()));
    } else if (kind instanceof CheckKind.Predicate k) {
      return lit(prefix + "row does not satisfy " + k.sql());
    }
    throw new IllegalArgumentException("not a row-level check: " + check);
  }

  private static Column shown(String column) {
    return coalesce(col(ident(column)).cast("string"), lit("NULL"));
  }

  /** {@code [min, max]}, with an open side shown as {@code -inf} or {@code +inf}. */
  static String interval(double min, double max) {
    return (Double.isInfinite(min) ? "(-inf" : "[" + min) + ", " + (Double.isInfinite(max) ? "+inf)" : max + "]");
  }

  /** A column name quoted for Spark SQL. Top-level columns only: a dot is part of the name. */
  static String ident(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /** A Spark SQL string literal; Spark unescapes backslashes in literals, so they are doubled. */
  static String literal(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** A double literal ({@code 1.5D}, {@code 1.0E10D}). */
  static String number(double value) {
    return Double.toString(value) + "D";
  }
}
