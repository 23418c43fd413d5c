package dev.lakepipe.format.delta;

import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;
import scala.Option;

/** Delta takes some settings of a statement only from the session: set for the one statement, then put back. */
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
}
