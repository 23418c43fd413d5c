package dev.lakepipe.quality;

import static org.apache.spark.sql.functions.lit;

import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.format.TableLayout;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The quarantine table of a target: a Delta table under {@code <warehouse>/_lakepipe/quarantine/<pipeline>/<target>}
 * holding every row a row check with {@code on-fail = quarantine} kept out of the target, with the target's columns
 * plus {@value Quarantine#CHECK_COLUMN}, {@value Quarantine#REASON_COLUMN}, {@value #RUN_ID_COLUMN} and
 * {@value #LOGICAL_TIME_COLUMN}. Appended before the target's commit, so a row is never lost: a run that fails after
 * it leaves rows that a rerun appends again under its own run id.
 */
public final class QuarantineTable {
  public static final String RUN_ID_COLUMN = "_lakepipe_run_id";
  public static final String LOGICAL_TIME_COLUMN = "_lakepipe_logical_time";
  /** Delta's log serialises appends and takes new columns when the target's schema grows. */
  private static final String FORMAT = "delta";

  private QuarantineTable() {}

  /** Where the quarantined rows of a target go. */
  public static String location(String warehouse, String pipeline, String target) {
    return warehouse.replaceFirst("/+$", "") + "/_lakepipe/quarantine/" + FileMetricsHistory.segment(pipeline,
        "pipeline") + "/" + FileMetricsHistory.segment(target, "target");
  }

  /** The table's rows, for reading back. */
  public static Dataset<Row> read(SparkSession spark, String warehouse, String pipeline, String target) {
    return TableFormats.get(FORMAT).reader(spark, address(warehouse, pipeline, target)).snapshot();
  }

  /**
   * Appends quarantined rows (as {@link Quarantine.Split#quarantined()} gives them) in one commit.
   *
   * @throws RuntimeException from Spark or Delta when the append fails
   */
  static void append(SparkSession spark, String warehouse, String pipeline, String target, Dataset<Row> rows,
      String runId, Instant logicalTime) {
    Dataset<Row> tagged = rows.withColumn(RUN_ID_COLUMN, lit(runId))
        .withColumn(LOGICAL_TIME_COLUMN, lit(Timestamp.from(logicalTime)));
    TableFormats.get(FORMAT).writer(spark, address(warehouse, pipeline, target), TableLayout.unkeyed(List.of()))
        .append(tagged, new CommitContext(pipeline, runId, logicalTime));
  }

  private static TableAddress address(String warehouse, String pipeline, String target) {
    return new TableAddress("quarantine of " + target, "_lakepipe.quarantine." + target,
        Optional.of(location(warehouse, pipeline, target)), Optional.empty(), Map.of("mergeSchema", "true"));
  }
}
