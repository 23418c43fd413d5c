package dev.lakepipe.run;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import dev.lakepipe.format.SqlMerge;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The target keys that the changes of an incremental run affect. Each changing source names them through its own
 * key columns (all of the target's keys, or some: a change of a shop affects every day of that shop), so the set
 * is a union of partial keys, one {@link Part} per source.
 *
 * <p>Two uses: {@link #filterFor} keeps the rows of a relation that can contribute to an affected key, with literal
 * IN lists that the table formats push down to partitions and file statistics (a superset: any superset is
 * correct, it only costs reading); {@link #matching} then picks exactly the affected keys.
 */
final class AffectedKeys {
  /** More distinct values than this in one key column are not turned into a filter (it would only be read whole). */
  static final int MAX_FILTER_VALUES = 20_000;
  /**
   * Up to this many affected keys are collected in one query, which gives every column's values; beyond it each
   * column's values are collected on their own.
   */
  static final int MAX_COLLECTED_KEYS = 200_000;

  /**
   * The keys one source's changes name.
   *
   * @param columns the target's key columns the source names
   * @param keys their distinct values, one row per affected partial key, cached
   * @param values per column, its distinct values when there are at most {@link #MAX_FILTER_VALUES}
   * @param size how many rows {@code keys} has
   */
  record Part(String source, List<String> columns, Dataset<Row> keys, Map<String, Optional<List<Object>>> values,
      long size) {
    Part {
      columns = List.copyOf(columns);
      values = Map.copyOf(values);
    }

    /**
     * @param changes rows of the source's change set (every image: pre-images name the keys rows left)
     * @param mapping per key column, a SQL expression over the source's columns
     */
    static Part of(String source, Dataset<Row> changes, Map<String, String> mapping, Views views) {
      List<String> columns = List.copyOf(mapping.keySet());
      Dataset<Row> keys = views.detach(changes.selectExpr(columns.stream()
          .map(c -> "(" + mapping.get(c) + ") AS " + SqlMerge.quote(c)).toArray(String[]::new)).distinct());
      // Usually few keys: one query collects them all, and each column's values come from them.
      List<Row> few = keys.limit(MAX_COLLECTED_KEYS + 1).collectAsList();
      boolean allCollected = few.size() <= MAX_COLLECTED_KEYS;
      Map<String, Optional<List<Object>>> values = new LinkedHashMap<>();
      for (int i = 0; i < columns.size(); i++) {
        List<Object> distinct;
        if (allCollected) {
          int column = i;
          distinct = new ArrayList<>(few.stream().map(row -> row.get(column))
              .collect(Collectors.toCollection(LinkedHashSet::new)));
        } else {
          distinct = keys.select(col(SqlMerge.quote(columns.get(i)))).distinct().limit(MAX_FILTER_VALUES + 1)
              .collectAsList().stream().map(row -> row.get(0)).toList();
        }
        values.put(columns.get(i), distinct.size() > MAX_FILTER_VALUES ? Optional.empty() : Optional.of(distinct));
      }
      return new Part(source, columns, keys, values, allCollected ? few.size() : keys.count());
    }
  }

  private final List<Part> parts;

  AffectedKeys(List<Part> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("no source changed: no key is affected");
    }
    this.parts = List.copyOf(parts);
  }

  /**
   * A filter that keeps every row of a relation that can contribute to an affected key, or empty when any row can.
   *
   * @param mapping per key column the relation names, a SQL expression over its columns
   */
  Optional<Column> filterFor(Map<String, String> mapping) {
    Column any = null;
    for (Part part : parts) {
      Column all = null;
      for (String column : part.columns()) {
        Optional<List<Object>> values = part.values().get(column);
        if (mapping.containsKey(column) && values.isPresent()) {
          Column in = in(expr(mapping.get(column)), values.get());
          all = all == null ? in : all.and(in);
        }
      }
      if (all == null) {
        // Some of this part's keys can come from any row of the relation.
        return Optional.empty();
      }
      any = any == null ? all : any.or(all);
    }
    return Optional.of(any);
  }

  /** The target columns the parts name, in name order. */
  Set<String> columns() {
    Set<String> columns = new TreeSet<>();
    parts.forEach(part -> columns.addAll(part.columns()));
    return columns;
  }

  /** Whether every part names all of these columns, so that its keys are whole keys of the target. */
  boolean namesWhole(List<String> keys) {
    return parts.stream().allMatch(part -> part.columns().containsAll(keys));
  }

  /**
   * The distinct keys the parts name, when {@link #namesWhole} them; no stored row is needed to know them.
   *
   * @throws IllegalStateException when a part names only some of the keys
   */
  Dataset<Row> wholeKeys(List<String> keys) {
    if (!namesWhole(keys)) {
      throw new IllegalStateException("a part names only some of the keys " + keys);
    }
    if (parts.size() == 1 && Set.copyOf(parts.get(0).columns()).equals(Set.copyOf(keys))) {
      // The part's keys are distinct by these very columns.
      return parts.get(0).keys().selectExpr(quoted(keys));
    }
    Dataset<Row> named = null;
    for (Part part : parts) {
      Dataset<Row> own = part.keys().selectExpr(quoted(keys));
      named = named == null ? own : named.union(own);
    }
    return named.distinct();
  }

  /**
   * The distinct keys of the rows that an affected part names.
   *
   * @param rows rows with the target's columns: the keys and every column in {@link #columns()}
   */
  Dataset<Row> keysOf(Dataset<Row> rows, List<String> keys) {
    Dataset<Row> affected = null;
    for (Part part : parts) {
      Dataset<Row> matched = semiJoin(rows, part.keys(), part.columns()).selectExpr(quoted(keys));
      affected = affected == null ? matched : affected.union(matched);
    }
    return affected.distinct();
  }

  /** The rows whose keys are among {@code keys}, nulls included. */
  static Dataset<Row> withKeys(Dataset<Row> rows, Dataset<Row> keys, List<String> columns) {
    return semiJoin(rows, keys, columns);
  }

  private static String[] quoted(List<String> columns) {
    return columns.stream().map(SqlMerge::quote).toArray(String[]::new);
  }

  private static Column in(Column value, List<Object> values) {
    Object[] present = values.stream().filter(Objects::nonNull).toArray();
    Column in = value.isin(present);
    return present.length < values.size() ? in.or(value.isNull()) : in;
  }

  /** The rows of {@code left} whose columns equal, nulls included, those of a row of {@code right}. */
  private static Dataset<Row> semiJoin(Dataset<Row> left, Dataset<Row> right, List<String> columns) {
    Column on = columns.stream()
        .map(c -> col("l." + SqlMerge.quote(c)).eqNullSafe(col("r." + SqlMerge.quote(c))))
        .reduce(Column::and)
        .orElseThrow();
    return left.alias("l").join(right.alias("r"), on, "left_semi");
  }
}
