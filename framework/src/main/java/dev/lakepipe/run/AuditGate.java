package dev.lakepipe.run;

import dev.lakepipe.audit.AuditRequest;
import dev.lakepipe.audit.QualityGateException;
import dev.lakepipe.audit.TargetAuditor;
import dev.lakepipe.audit.Verdict;
import dev.lakepipe.plan.Plan;
import dev.lakepipe.spec.TargetSpec;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The write-audit-publish gate of a run: hands each target that declares checks to the {@link TargetAuditor} on the
 * class path before anything of it is written, records an {@code audit} node, and lets through only the rows the
 * verdict allows. Targets without checks pass untouched.
 */
final class AuditGate {
  private final SparkSession spark;
  private final Plan plan;
  private final RunOptions options;
  private final Optional<TargetAuditor> auditor;

  private AuditGate(SparkSession spark, Plan plan, RunOptions options, Optional<TargetAuditor> auditor) {
    this.spark = spark;
    this.plan = plan;
    this.options = options;
    this.auditor = auditor;
  }

  /**
   * @throws IllegalStateException when a target declares checks and no {@link TargetAuditor} is on the class path
   */
  static AuditGate of(SparkSession spark, Plan plan, RunOptions options) {
    boolean checked = plan.writes().stream().anyMatch(t -> !t.checks().isEmpty());
    Optional<TargetAuditor> auditor = checked
        ? ServiceLoader.load(TargetAuditor.class, AuditGate.class.getClassLoader()).findFirst() : Optional.empty();
    if (checked && auditor.isEmpty()) {
      throw new IllegalStateException("the spec declares checks, but no data-quality module is on the class path"
          + " (an implementation of " + TargetAuditor.class.getName() + ", such as lakepipe-quality); nothing ran");
    }
    return new AuditGate(spark, plan, options, auditor);
  }

  /**
   * Audits a target's rows, unless it declares no checks.
   *
   * @param tableAfter the table as the write would leave it, given the rows written (see {@link TableAfter})
   * @return the rows to write
   * @throws QualityGateException when an error-level check failed; the audit node is recorded first
   * @throws RunFailedException when the audit could not run
   */
  Dataset<Row> audit(TargetSpec target, Dataset<Row> rows, UnaryOperator<Dataset<Row>> tableAfter,
      Consumer<NodeResult> record) {
    if (target.checks().isEmpty()) {
      return rows;
    }
    AuditRequest request = new AuditRequest(spark, plan.spec().name(), options.runId(), options.logicalTime(),
        plan.spec().settings().warehouse(), target, rows, tableAfter);
    AtomicReference<Verdict> verdict = new AtomicReference<>();
    record.accept(Nodes.timed(NodeResult.Kind.AUDIT, target.name(), () -> {
      Verdict v = auditor.orElseThrow().audit(request);
      verdict.set(v);
      return new Nodes.Outcome(v.summary() + "; " + v.rowsWritten() + " to write, " + v.rowsQuarantined()
          + " quarantined; report " + v.report(), OptionalLong.of(v.rowsIn()), Optional.empty());
    }));
    if (verdict.get().outcome() == Verdict.Outcome.FAIL) {
      throw new QualityGateException(target.name(), verdict.get().findings(), verdict.get().report());
    }
    return verdict.get().rows();
  }
}
