package dev.lakepipe.quality;

import static org.apache.spark.sql.functions.col;

import dev.lakepipe.audit.AuditRequest;
import dev.lakepipe.audit.TargetAuditor;
import dev.lakepipe.audit.Verdict;
import dev.lakepipe.spec.CheckSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The quality module's {@link TargetAuditor}: routes the rows that fail a quarantining row check to the
 * {@link QuarantineTable}, runs the other checks with one {@link QualityRunner} pass over the rows to write (and one
 * over the table as it will be, when a check has {@code scope = table}), keeps the metrics of each scope in its own
 * {@link MetricsHistory} ({@code <target>} and {@code <target>@table}), and writes a {@link RunReport}. Nothing is
 * quarantined when an error-level check fails: the run publishes nothing.
 */
public final class DeequAuditor implements TargetAuditor {
  /** The suffix of the metrics history of checks on the table after the write. */
  static final String TABLE_HISTORY_SUFFIX = "@table";

  @Override
  public Verdict audit(AuditRequest request) {
    List<CheckSpec> specs = request.target().checks();
    List<Check> quarantining = new ArrayList<>();
    List<Check> onRows = new ArrayList<>();
    List<Check> onTable = new ArrayList<>();
    for (CheckSpec spec : specs) {
      Check check = SpecChecks.of(spec);
      if (spec.onFail() == CheckSpec.OnFail.QUARANTINE) {
        quarantining.add(check);
      } else if (spec.scope() == CheckSpec.Scope.TABLE) {
        onTable.add(check);
      } else {
        onRows.add(check);
      }
    }
    Quarantine.Split split = Quarantine.split(request.rows(), quarantining);
    Map<String, Long> quarantinedBy = quarantining.isEmpty() ? Map.of() : countByCheck(split.quarantined());
    long quarantined = quarantinedBy.values().stream().mapToLong(Long::longValue).sum();
    Dataset<Row> valid = quarantined == 0 ? request.rows() : split.valid();
    long written = valid.count();

    List<CheckResult> results = new ArrayList<>();
    for (Check check : quarantining) {
      long count = quarantinedBy.getOrDefault(check.name(), 0L);
      results.add(new CheckResult(check, CheckResult.Status.PASSED, "Quarantined(" + check.name() + ")",
          OptionalDouble.of(count), "rows that fail go to the quarantine table", count + " rows quarantined"));
    }
    Map<CheckSpec.Scope, QualityReport> reports = new LinkedHashMap<>();
    if (!onRows.isEmpty()) {
      reports.put(CheckSpec.Scope.ROWS, runner(request, CheckSpec.Scope.ROWS).verify(valid, onRows,
          request.logicalTime()));
    }
    if (!onTable.isEmpty()) {
      reports.put(CheckSpec.Scope.TABLE, runner(request, CheckSpec.Scope.TABLE)
          .verify(request.tableAfter().apply(valid), onTable, request.logicalTime()));
    }
    reports.values().forEach(r -> results.addAll(r.results()));
    List<CheckResult> ordered = specs.stream().map(s -> results.stream().filter(r -> r.name().equals(s.name()))
        .findFirst().orElseThrow()).toList();

    Verdict.Outcome outcome = ordered.stream().anyMatch(CheckResult::blocksPublish) ? Verdict.Outcome.FAIL
        : ordered.stream().anyMatch(r -> r.status() == CheckResult.Status.FAILED) ? Verdict.Outcome.WARN
            : Verdict.Outcome.PASS;
    if (outcome != Verdict.Outcome.FAIL && quarantined > 0) {
      QuarantineTable.append(request.spark(), request.warehouse(), request.pipeline(), request.target().name(),
          split.quarantined(), request.runId(), request.logicalTime());
    }
    RunReport report = RunReport.of(request, outcome.name().toLowerCase(), written, quarantined, ordered, reports);
    String location = report.write(request.spark(), request.warehouse());
    List<String> findings = ordered.stream().filter(r -> r.status() != CheckResult.Status.PASSED)
        .map(DeequAuditor::finding).toList();
    return new Verdict(outcome, valid, written + quarantined, written, quarantined, summary(ordered), findings,
        location);
  }

  private static QualityRunner runner(AuditRequest request, CheckSpec.Scope scope) {
    return QualityRunner.create(request.spark(), history(request, scope));
  }

  /** Checks on the rows and on the table after the write measure different data: each scope has its history. */
  static MetricsHistory history(AuditRequest request, CheckSpec.Scope scope) {
    return MetricsHistory.forTarget(request.spark(), request.warehouse(), request.pipeline(),
        request.target().name() + (scope == CheckSpec.Scope.TABLE ? TABLE_HISTORY_SUFFIX : ""));
  }

  private static Map<String, Long> countByCheck(Dataset<Row> quarantined) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (Row row : quarantined.groupBy(col(Quarantine.CHECK_COLUMN)).count().collectAsList()) {
      counts.put(row.getString(0), row.getLong(1));
    }
    return counts;
  }

  /** One line about a check that did not pass: its name, level, metric value and bound. */
  static String finding(CheckResult result) {
    return "check " + result.name() + " (" + result.level().name().toLowerCase() + ") "
        + result.status().name().toLowerCase() + ": " + result.message()
        + (result.message().contains("expected") ? "" : "; bound: " + result.bound());
  }

  private static String summary(List<CheckResult> results) {
    long passed = results.stream().filter(r -> r.status() == CheckResult.Status.PASSED).count();
    long failed = results.stream().filter(CheckResult::blocksPublish).count();
    long warned = results.stream().filter(r -> r.status() == CheckResult.Status.FAILED && !r.blocksPublish()).count();
    long skipped = results.stream().filter(r -> r.status() == CheckResult.Status.SKIPPED).count();
    return results.size() + " checks: " + passed + " passed, " + failed + " failed, " + warned + " warned, " + skipped
        + " skipped";
  }
}
