package dev.lakepipe.run;

import org.apache.spark.sql.streaming.StreamingQueryException;

/** Says why something failed, in one line a user can act on. */
final class Failures {
  private Failures() {}

  /**
   * The first non-blank line of the failure's message and, when it does not already say it, of its innermost
   * cause's: wrappers (a Spark job abort, a Hudi commit failure) name what failed, the root cause why; Spark's
   * parse messages open with a line break. Never empty.
   */
  static String reason(Throwable failure) {
    // A streaming query's failure only wraps what its micro-batch threw, naming the query by its ids.
    if (failure instanceof StreamingQueryException && failure.getCause() != null) {
      return reason(failure.getCause());
    }
    String outer = firstLine(failure);
    String inner = outer;
    for (Throwable cause = failure.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
      inner = firstLine(cause);
    }
    return outer.contains(inner) ? outer : outer + "; caused by: " + inner;
  }

  private static String firstLine(Throwable failure) {
    String message = failure.getMessage();
    return message == null || message.isBlank() ? failure.getClass().getName()
        : message.strip().lines().findFirst().orElseThrow();
  }
}
