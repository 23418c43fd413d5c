package dev.lakepipe.spec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the unqualified relation names a SQL query reads ({@code FROM x}, {@code JOIN y}, {@code FROM a, b}),
 * without Spark, so that a spec can be checked and ordered before any session starts. Names defined by the
 * query's own {@code WITH} clauses, qualified names ({@code db.t}) and table functions ({@code range(10)}) are
 * not references to sources or steps and are left out.
 */
final class SqlReferences {
  private SqlReferences() {}

  /** The referenced names, lower-cased (Spark resolves view names case-insensitively), in order of appearance. */
  static Set<String> of(String sql) {
    List<String> tokens = tokenize(sql);
    Set<String> ctes = new LinkedHashSet<>();
    Set<String> references = new LinkedHashSet<>(reads(tokens, ctes));
    references.removeAll(ctes);
    return references;
  }

  /**
   * Why a query does not map, filter or enrich the rows of {@code relation} one at a time, so that running it on
   * some rows of the relation gives exactly the result rows that come from them: what the text shows of
   * aggregations, windows, DISTINCT, LIMIT, set operations, outer joins that keep rows of the other side, and
   * reading the relation more than once. Empty when nothing shows; conservative (an aggregate in a subquery over
   * another relation counts too).
   */
  static List<String> rowWiseBlockers(String sql, String relation) {
    List<String> tokens = tokenize(sql);
    String name = relation.toLowerCase(Locale.ROOT);
    Set<String> blockers = new LinkedHashSet<>();
    for (int i = 0; i < tokens.size(); i++) {
      String token = tokens.get(i);
      String next = at(tokens, i + 1);
      if (token.equals("group") && "by".equals(next)) {
        blockers.add("GROUP BY");
      } else if (token.equals("over") && ("(".equals(next) || isIdentifier(next))) {
        blockers.add("a window function (OVER)");
      } else if (SET_OPERATIONS.contains(token) || token.equals("having") || token.equals("distinct")
          || token.equals("limit")) {
        blockers.add(token.toUpperCase(Locale.ROOT));
      } else if ((token.equals("right") || token.equals("full")) && ("join".equals(next) || "outer".equals(next))) {
        blockers.add(token.toUpperCase(Locale.ROOT) + " JOIN");
      } else if (AGGREGATES.contains(token) && "(".equals(next)) {
        blockers.add("the aggregate " + token + "()");
      } else if (token.equals(name) && "join".equals(at(tokens, i - 1)) && joinType(tokens, i - 1).contains("left")) {
        blockers.add(relation + " on the right of a LEFT JOIN");
      }
    }
    if (reads(tokens, new LinkedHashSet<>()).stream().filter(name::equals).count() > 1) {
      blockers.add("reading " + relation + " more than once");
    }
    return List.copyOf(blockers);
  }

  /**
   * The identifiers a query or expression names (columns among them, lower-cased), or empty when it can read
   * columns it does not name: a star that selects ({@code *}, {@code t.*}, {@code struct(*)}; {@code count(*)}
   * reads none, a product names its factors), a NATURAL JOIN, or a {@code TABLE t} query.
   */
  static Optional<Set<String>> identifiers(String sql) {
    List<String> tokens = tokenize(sql);
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < tokens.size(); i++) {
      String token = tokens.get(i);
      String before = at(tokens, i - 1);
      boolean counted = "(".equals(before) && "count".equals(at(tokens, i - 2)) && ")".equals(at(tokens, i + 1));
      if (token.equals("*") && STAR_AFTER.contains(before) && !counted || token.equals("natural")
          || token.equals("table") && (before == null || "(".equals(before))) {
        return Optional.empty();
      }
      if (isIdentifier(token)) {
        names.add(token);
      }
    }
    return Optional.of(Set.copyOf(names));
  }

  /** Tokens after which {@code *} selects columns rather than multiplies. */
  private static final Set<String> STAR_AFTER = Set.of("select", ",", ".", "(", "distinct", "all");

  private static final Set<String> SET_OPERATIONS = Set.of("union", "intersect", "except", "minus");

  private static final Set<String> AGGREGATES = Set.of(
      "count", "sum", "avg", "mean", "min", "max", "collect_list", "collect_set", "first", "last", "any_value",
      "count_if", "approx_count_distinct", "stddev", "stddev_pop", "stddev_samp", "variance", "var_pop",
      "var_samp", "percentile", "percentile_approx", "median", "mode", "bool_and", "bool_or", "every",
      "max_by", "min_by", "array_agg", "string_agg", "listagg", "corr", "covar_pop", "covar_samp");

  /** The words between the previous relation and the JOIN at {@code join}: inner, left, outer, semi, ... */
  private static Set<String> joinType(List<String> tokens, int join) {
    Set<String> words = new LinkedHashSet<>();
    for (int i = join - 1; i >= 0 && Set.of("left", "right", "full", "outer", "inner", "semi", "anti", "cross",
        "natural").contains(tokens.get(i)); i--) {
      words.add(tokens.get(i));
    }
    return words;
  }

  /** Every relation a query reads, once per FROM or JOIN that names it, CTE names among them; collects the CTEs. */
  private static List<String> reads(List<String> tokens, Set<String> ctes) {
    List<String> references = new ArrayList<>();
    // For each open parenthesis: whether it opened a function call, inside which FROM is an argument
    // keyword (extract(day FROM ts), trim(x FROM y)) rather than a relation list.
    Deque<Boolean> functionCall = new ArrayDeque<>();
    for (int i = 0; i < tokens.size(); i++) {
      String token = tokens.get(i);
      if (token.equals("(")) {
        String before = at(tokens, i - 1);
        functionCall.push(isIdentifier(before) && !NOT_FUNCTIONS.contains(before));
        continue;
      }
      if (token.equals(")")) {
        functionCall.poll();
        continue;
      }
      if (isIdentifier(token) && "as".equals(at(tokens, i + 1)) && "(".equals(at(tokens, i + 2))
          && ("with".equals(at(tokens, i - 1)) || ",".equals(at(tokens, i - 1)) || "recursive".equals(at(tokens, i - 1)))) {
        ctes.add(token);
      }
      boolean insideFunction = Boolean.TRUE.equals(functionCall.peek());
      if ((token.equals("from") && !insideFunction) || token.equals("join")) {
        i = readRelationList(tokens, i + 1, references);
      }
    }
    return references;
  }

  /** Reads {@code rel [AS] [alias] (, rel [AS] [alias])*} from position i; returns the last position consumed. */
  private static int readRelationList(List<String> tokens, int i, List<String> references) {
    while (i < tokens.size()) {
      String name = tokens.get(i);
      if (!isIdentifier(name)) {
        return i - 1;
      }
      int next = i + 1;
      boolean qualified = false;
      while (".".equals(at(tokens, next)) && at(tokens, next + 1) != null
          && (isIdentifier(at(tokens, next + 1)) || at(tokens, next + 1).startsWith("`"))) {
        qualified = true;
        next += 2;
      }
      if (!"(".equals(at(tokens, next)) && !qualified) {
        references.add(name);
      }
      if ("as".equals(at(tokens, next))) {
        next++;
      }
      if (isIdentifier(at(tokens, next)) && !CLAUSE_WORDS.contains(at(tokens, next))) {
        next++;
      }
      if (!",".equals(at(tokens, next))) {
        return next - 1;
      }
      i = next + 1;
    }
    return i;
  }

  private static final Set<String> CLAUSE_WORDS = Set.of(
      "where", "group", "order", "having", "limit", "join", "inner", "left", "right", "full", "cross", "outer",
      "semi", "anti", "on", "using", "union", "intersect", "except", "minus", "lateral", "window", "natural",
      "cluster", "distribute", "sort", "tablesample", "pivot", "unpivot", "qualify", "select", "from", "as");

  /** Words after which a parenthesis opens a subquery or a list, not a function's arguments. */
  private static final Set<String> NOT_FUNCTIONS = Set.of(
      "as", "in", "exists", "from", "join", "on", "and", "or", "not", "select", "where", "union", "all", "any",
      "some", "using", "lateral", "with", "then", "else", "when", "intersect", "except", "minus", "having");

  private static String at(List<String> tokens, int i) {
    return i >= 0 && i < tokens.size() ? tokens.get(i) : null;
  }

  private static boolean isIdentifier(String token) {
    return token != null && !token.isEmpty()
        && (Character.isLetter(token.charAt(0)) || token.charAt(0) == '_' || token.startsWith("`"))
        && !(token.startsWith("`") && token.contains("/"));
  }

  /** Identifiers (lower-cased, backticks kept off), punctuation; drops comments, strings and numbers. */
  private static List<String> tokenize(String sql) {
    List<String> tokens = new ArrayList<>();
    int n = sql.length();
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        while (i < n && sql.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else if (c == '\'' || c == '"') {
        i = skipString(sql, i, c);
        tokens.add("'");
      } else if (c == '`') {
        int end = sql.indexOf('`', i + 1);
        String quoted = sql.substring(i + 1, end < 0 ? n : end);
        // A path such as json.`/data/x` is not a view name; keep the backtick so isIdentifier can tell.
        tokens.add(quoted.contains("/") ? "`" + quoted : quoted.toLowerCase(Locale.ROOT));
        i = end < 0 ? n : end + 1;
      } else if (Character.isLetter(c) || c == '_') {
        int start = i;
        while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
          i++;
        }
        tokens.add(sql.substring(start, i).toLowerCase(Locale.ROOT));
      } else if (Character.isDigit(c)) {
        while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '.')) {
          i++;
        }
        tokens.add("0");
      } else {
        tokens.add(String.valueOf(c));
        i++;
      }
    }
    return tokens;
  }

  private static int skipString(String sql, int i, char quote) {
    int j = i + 1;
    while (j < sql.length()) {
      char c = sql.charAt(j);
      if (c == '\\') {
        j += 2;
      } else if (c == quote) {
        return j + 1;
      } else {
        j++;
      }
    }
    return j;
  }
}
