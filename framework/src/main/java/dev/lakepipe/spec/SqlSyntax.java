package dev.lakepipe.spec;

import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Checks a step's SQL with the engine's own parser, without starting the engine. Found by {@link ServiceLoader};
 * where the engine is not on the class path (a CI that only validates specs), nothing is checked here and the run
 * reports a syntax error instead.
 */
public interface SqlSyntax {
  /** @return the first syntax error of {@code sql}, if any */
  Optional<Error> check(String sql);

  /**
   * A syntax error.
   *
   * @param line 1-based line within the SQL text
   * @param position 0-based position within that line
   * @param message what is wrong, on one line
   */
  record Error(int line, int position, String message) {}

  /** The engine's parser, or one that finds nothing when no engine is on the class path. */
  static SqlSyntax available() {
    try {
      for (SqlSyntax syntax : ServiceLoader.load(SqlSyntax.class, SqlSyntax.class.getClassLoader())) {
        return syntax;
      }
    } catch (ServiceConfigurationError | LinkageError e) {
      // The provider needs the engine's classes; without them there is nothing to check with.
    }
    return sql -> Optional.empty();
  }
}
