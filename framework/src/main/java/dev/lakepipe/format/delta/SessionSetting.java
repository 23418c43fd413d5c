package dev.lakepipe.format.delta;

import java.util.function.Supplier;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;
import scala.Option;

/**
 * Delta takes some settings of a statement only from the (active) session: set for the one statement, then put back.
 */
final class SessionSetting {
  private SessionSetting() {}

  /** Runs {@code statement} with {@code key} set to {@code value}, or as it is when {@code value} is null. */
  static void with(SparkSession spark, String key, String value, Runnable statement) {
    RuntimeConfig conf = spark.conf();
    Option<String> previous = conf.getOption(key);
    if (value != null) {
      conf.set(key, value);
    }
    try {
      statement.run();
    } finally {
      if (previous.isDefined()) {
        conf.set(key, previous.get());
      } else {
        conf.unset(key);
      }
    }
  }

  /**
   * Runs {@code statement} with {@code spark} as the thread's active session, then puts the previous one back:
   * Delta's transactions read their settings from the active session, which SQL statements set and its API does not.
   */
  static void active(SparkSession spark, Runnable statement) {
    active(spark, () -> {
      statement.run();
      return null;
    });
  }

  /**
   * As {@link #active(SparkSession, Runnable)}, returning what {@code work} gives: Delta's API builds datasets in
   * the active session, and a temporary view of a dataset is registered in the dataset's session.
   */
  static <T> T active(SparkSession spark, Supplier<T> work) {
    Option<SparkSession> previous = SparkSession.getActiveSession();
    SparkSession.setActiveSession(spark);
    try {
      return work.get();
    } finally {
      if (previous.isDefined()) {
        SparkSession.setActiveSession(previous.get());
      } else {
        SparkSession.clearActiveSession();
      }
    }
  }
}
