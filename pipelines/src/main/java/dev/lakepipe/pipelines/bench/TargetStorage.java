package dev.lakepipe.pipelines.bench;

import dev.lakepipe.format.TableAddress;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * How a table stores its updates, {@value #COPY_ON_WRITE} or {@value #MERGE_ON_READ}, read from the table itself:
 * Hudi's {@code hoodie.table.type}, Delta's {@code delta.enableDeletionVectors}, Iceberg's {@code write.merge.mode}
 * (lakepipe's incremental writes are MERGE statements).
 */
final class TargetStorage {
  static final String COPY_ON_WRITE = "copy-on-write";
  static final String MERGE_ON_READ = "merge-on-read";

  private TargetStorage() {}

  /**
   * @throws IllegalArgumentException for a format other than hudi, delta and iceberg
   * @throws UncheckedIOException when Hudi's table properties cannot be read
   */
  static String of(SparkSession spark, String format, TableAddress address) {
    return switch (format) {
      case "hudi" -> hudiTableType(spark, address.requirePath()).equals("MERGE_ON_READ") ? MERGE_ON_READ
          : COPY_ON_WRITE;
      case "delta" -> property(spark, "delta.`" + address.requirePath() + "`", "delta.enableDeletionVectors")
          .equals("true") ? MERGE_ON_READ : COPY_ON_WRITE;
      case "iceberg" -> property(spark, address.requireIdentifier(), "write.merge.mode").equals(MERGE_ON_READ)
          ? MERGE_ON_READ : COPY_ON_WRITE;
      default -> throw new IllegalArgumentException("no storage kind known for format " + format);
    };
  }

  /** The table property's value, empty when the table does not set it. */
  private static String property(SparkSession spark, String table, String key) {
    return spark.sql("SHOW TBLPROPERTIES " + table).collectAsList().stream()
        .filter(row -> row.getString(0).equals(key)).map(row -> row.getString(1)).findFirst().orElse("");
  }

  private static String hudiTableType(SparkSession spark, String path) {
    Path file = new Path(path, ".hoodie/hoodie.properties");
    try (InputStream in = file.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(file)) {
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("hoodie.table.type", "COPY_ON_WRITE");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
