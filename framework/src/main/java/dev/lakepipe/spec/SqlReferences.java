package dev.lakepipe.spec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
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
    Set<String> references = new LinkedHashSet<>();
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
    references.removeAll(ctes);
    return references;
  }

  /** Reads {@code rel [AS] [alias] (, rel [AS] [alias])*} from position i; returns the last position consumed. */
  private static int readRelationList(List<String> tokens, int i, Set<String> references) {
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
