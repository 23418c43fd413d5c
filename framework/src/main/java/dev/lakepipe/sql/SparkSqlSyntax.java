package dev.lakepipe.sql;

import dev.lakepipe.spec.SqlSyntax;
import java.util.Optional;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.execution.SparkSqlParser;

/**
 * Spark's own SQL parser, the one {@code spark.sql} uses (with its {@code ${var}} substitution), which needs
 * neither a session nor a catalog.
 */
public final class SparkSqlSyntax implements SqlSyntax {
  private final SparkSqlParser parser;

  /** @throws NoClassDefFoundError when Spark is not on the class path */
  public SparkSqlSyntax() {
    parser = new SparkSqlParser();
  }

  @Override
  public Optional<Error> check(String sql) {
    try {
      parser.parsePlan(sql);
      return Optional.empty();
    } catch (Exception e) { // ParseException is checked in Java's terms but thrown from Scala anyway
      // Spark's message opens with a line break and goes on with the SQL and a caret; the first line says it.
      if (e instanceof ParseException parse) {
        int line = (Integer) parse.start().line().getOrElse(() -> 1);
        int position = (Integer) parse.start().startPosition().getOrElse(() -> 0);
        return Optional.of(new Error(line, position, firstLine(parse.message(), parse)));
      }
      return Optional.of(new Error(1, 0, firstLine(e.getMessage(), e)));
    }
  }

  private static String firstLine(String message, Exception e) {
    return message == null || message.isBlank() ? e.getClass().getSimpleName()
        : message.strip().lines().findFirst().orElseThrow();
  }
}
