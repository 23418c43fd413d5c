package dev.lakepipe.query;

/**
 * A query that cannot run as asked, found before any of its rows are computed: a table name that names no format
 * or no table, an as-of its table cannot give, SQL that Spark cannot parse or analyze, or a statement that is not a
 * query. The message is one line, for a person.
 */
public class InvalidQueryException extends RuntimeException {
  public InvalidQueryException(String message) {
    super(message);
  }

  public InvalidQueryException(String message, Throwable cause) {
    super(message, cause);
  }
}
