package dev.lakepipe.quality;

import com.amazon.deequ.suggestions.ConstraintSuggestion;
import com.amazon.deequ.suggestions.ConstraintSuggestionResult;
import com.amazon.deequ.suggestions.ConstraintSuggestionRunner;
import com.amazon.deequ.suggestions.Rules;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Deequ's constraint suggestion on a table, as a ready-to-paste spec {@code checks} block. Deequ describes each
 * suggestion by the Scala code of its constraint; the kinds lakepipe has are translated, others become comments.
 */
public final class Suggestions {
  private static final Pattern COMPLETE = Pattern.compile("\\.isComplete\\(\"([^\"]+)\"\\)");
  private static final Pattern COMPLETENESS =
      Pattern.compile("\\.hasCompleteness\\(\"([^\"]+)\", _ >= ([0-9.Ee-]+).*");
  private static final Pattern UNIQUE = Pattern.compile("\\.isUnique\\(\"([^\"]+)\"\\)");
  private static final Pattern NON_NEGATIVE = Pattern.compile("\\.isNonNegative\\(\"([^\"]+)\"\\)");
  private static final Pattern CONTAINED =
      Pattern.compile("\\.isContainedIn\\(\"([^\"]+)\", Array\\((.*?)\\)(?:, _ >= ([0-9.Ee-]+).*)?\\)");

  private Suggestions() {}

  /** The spec snippet for the table's rows, checks named {@code <column>_<kind>}, in column order. */
  public static String snippet(Dataset<Row> rows) {
    ConstraintSuggestionResult result = ConstraintSuggestionRunner.apply().onData(rows)
        .addConstraintRules(Rules.DEFAULT()).run();
    Map<String, List<String>> byColumn = new TreeMap<>();
    for (Map.Entry<String, scala.collection.Seq<ConstraintSuggestion>> entry
        : scala.collection.JavaConverters.mapAsJavaMap(result.constraintSuggestions()).entrySet()) {
      for (ConstraintSuggestion suggestion : Scala.javaList(entry.getValue())) {
        byColumn.computeIfAbsent(entry.getKey(), c -> new ArrayList<>()).add(translate(suggestion.codeForConstraint()));
      }
    }
    Set<String> lines = new LinkedHashSet<>();
    for (String column : rows.columns()) {
      lines.addAll(byColumn.getOrDefault(column, List.of()));
    }
    StringBuilder snippet = new StringBuilder("checks {\n");
    lines.forEach(line -> snippet.append("  ").append(line).append('\n'));
    return snippet.append("}\n").toString();
  }

  /** One suggestion as a check line, or a comment when lakepipe has no such kind. */
  static String translate(String code) {
    Matcher m;
    if ((m = COMPLETE.matcher(code)).matches()) {
      return name(m.group(1), "complete") + " { kind = completeness, column = " + quote(m.group(1)) + " }";
    }
    if ((m = COMPLETENESS.matcher(code)).matches()) {
      return name(m.group(1), "complete") + " { kind = completeness, column = " + quote(m.group(1))
          + ", min-fraction = " + m.group(2) + " }";
    }
    if ((m = UNIQUE.matcher(code)).matches()) {
      return name(m.group(1), "unique") + " { kind = uniqueness, columns = [" + quote(m.group(1)) + "] }";
    }
    if ((m = NON_NEGATIVE.matcher(code)).matches()) {
      return name(m.group(1), "non_negative") + " { kind = non-negative, column = " + quote(m.group(1)) + " }";
    }
    if ((m = CONTAINED.matcher(code)).matches()) {
      return name(m.group(1), "allowed") + " { kind = allowed-values, column = " + quote(m.group(1))
          + ", values = [" + m.group(2) + "]" + (m.group(3) == null ? "" : ", min-fraction = " + m.group(3)) + " }";
    }
    return "# no lakepipe kind for Deequ's " + code.replace('\n', ' ');
  }

  private static String name(String column, String kind) {
    return column.replaceAll("[^A-Za-z0-9_]", "_") + "_" + kind;
  }

  private static String quote(String column) {
    return "\"" + column.replace("\"", "\\\"") + "\"";
  }
}
