package dev.lakepipe.audit;

import dev.lakepipe.spec.TargetSpec;
import java.time.Instant;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One target's rows of one run, to audit.
 *
 * @param target the target, with its checks
 * @param rows the rows the run is about to write
 * @param tableAfter given the rows that will be written (the audited rows less any quarantined ones), the target
 *     table as it will be after the write: the current snapshot without the rows the write replaces or deletes, plus
 *     the rows. Lazy: nothing is read until the result is.
 * @param warehouse the warehouse root, under which audits keep their records ({@code <warehouse>/_lakepipe/...})
 */
public record AuditRequest(SparkSession spark, String pipeline, String runId, Instant logicalTime, String warehouse,
    TargetSpec target, Dataset<Row> rows, UnaryOperator<Dataset<Row>> tableAfter) {
  public AuditRequest {
    Objects.requireNonNull(spark, "spark");
    Objects.requireNonNull(pipeline, "pipeline");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(logicalTime, "logicalTime");
    Objects.requireNonNull(warehouse, "warehouse");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(rows, "rows");
    Objects.requireNonNull(tableAfter, "tableAfter");
  }
}
