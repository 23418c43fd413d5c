package dev.lakepipe.run;

import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;

import dev.lakepipe.format.Commit;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableAddresses;
import dev.lakepipe.format.TableFormat;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.spec.EngineSettings;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * The records of one streaming target that could not be written, with why: a table under {@code
 * <warehouse>/_lakepipe/streaming/<pipeline>/<target>/quarantine} with the columns {@code source, position,
 * raw_value, reason, batch_id, run_id, quarantined_at}. Each micro-batch's records are appended in one commit that
 * carries the batch's marker, so a retried batch does not quarantine its records twice.
 */
final class StreamQuarantine {
  /** Delta serialises concurrent appends in its log; the table is an ordinary one of the warehouse. */
  private static final String FORMAT = "delta";

  private static final String RUN_ID = "run_id";

  private final TableFormat format = TableFormats.get(FORMAT);
  private final TableAddress address;

  StreamQuarantine(EngineSettings settings, String pipeline, String target) {
    this(address(settings, target + "_quarantine", StreamRun.folder(pipeline, target) + "/quarantine"));
  }

  private StreamQuarantine(TableAddress address) {
    this.address = address;
  }

  private static TableAddress address(EngineSettings settings, String name, String folder) {
    return TableAddresses.resolve(settings, TableFormats.get(FORMAT), name, Optional.of(folder), Optional.empty(),
        Map.of());
  }

  /**
   * A quarantine of the same layout for a batch run's bad records of one source: {@code
   * <warehouse>/_lakepipe/batch/<pipeline>/<source>/quarantine}.
   */
  static StreamQuarantine ofBatchSource(EngineSettings settings, String pipeline, String source) {
    return new StreamQuarantine(address(settings, source + "_quarantine",
        "_lakepipe/batch/" + pipeline + "/" + source + "/quarantine"));
  }

  /** Where the table is, for messages and readers. */
  String location() {
    return address.location();
  }

  TableReader reader(SparkSession spark) {
    return format.reader(spark, address);
  }

  /**
   * Appends the records, unless the table already holds the batch.
   *
   * @param records rows with the columns position, raw_value and reason
   */
  Optional<Commit> append(SparkSession spark, String source, Dataset<Row> records, BatchMarker marker,
      CommitContext context) {
    if (marker.heldBy(reader(spark).latestCommit(), source)) {
      return Optional.empty();
    }
    return append(spark, source, records, lit(marker.batchId()), context);
  }

  /**
   * Appends the records of a batch run, whose batch_id is null, in place of those that earlier runs of the same logical
   * time appended: a run killed after its quarantine append, then retried, leaves its records there once. (A retry
   * killed between the delete and the append leaves none, until its own retry appends them.)
   *
   * @param records rows with the columns position, raw_value and reason
   */
  Optional<Commit> append(SparkSession spark, String source, Dataset<Row> records, CommitContext context) {
    TableReader reader = reader(spark);
    List<String> earlierRuns = !reader.exists() ? List.of() : reader.commits().stream().map(Commit::properties)
        .filter(p -> context.logicalTime().toString().equals(p.get(CommitContext.LOGICAL_TIME)))
        .map(p -> p.get(CommitContext.RUN_ID)).distinct().toList();
    if (!earlierRuns.isEmpty()) {
      format.writer(spark, address, new TableLayout(List.of(RUN_ID), Optional.empty(), List.of()))
          .delete(spark.createDataset(earlierRuns, Encoders.STRING()).toDF(RUN_ID), context);
    }
    return append(spark, source, records, lit(null).cast(DataTypes.LongType), context);
  }

  private Optional<Commit> append(SparkSession spark, String source, Dataset<Row> records, Column batchId,
      CommitContext context) {
    Column[] columns = {lit(source).as("source"), records.col("position"), records.col("raw_value"),
        records.col("reason"), batchId.as("batch_id"), lit(context.runId()).as(RUN_ID),
        current_timestamp().as("quarantined_at")};
    return Optional.of(format.writer(spark, address, TableLayout.unkeyed(List.of()))
        .append(records.select(columns), context));
  }
}
