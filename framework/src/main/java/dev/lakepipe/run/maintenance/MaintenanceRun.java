package dev.lakepipe.run.maintenance;

import dev.lakepipe.plan.Plan;
import dev.lakepipe.run.PipelineLocks;
import dev.lakepipe.run.PipelineRunner;
import dev.lakepipe.run.Tables;
import dev.lakepipe.spec.TargetSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Maintains the targets of a pipeline: {@code lakepipe maintain} under the same locks as a run, or after a run, the
 * targets whose {@code every} is due. When each table was last maintained is kept under {@code
 * <warehouse>/_lakepipe/maintained}.
 */
public final class MaintenanceRun {
  private static final String MAINTAINED = "_lakepipe/maintained";

  private final SparkSession spark;

  public MaintenanceRun(SparkSession spark) {
    this.spark = spark;
  }

  /**
   * Maintains the named targets (all when none is named), holding the pipeline's lock and its tables' locks.
   *
   * @param holder who holds the locks, written into them
   * @throws IllegalArgumentException when a name is not a target of the plan
   * @throws dev.lakepipe.run.LockHeldException when a run or maintenance holds a lock (nothing was done)
   */
  public List<MaintenanceReport> run(Plan plan, List<String> targets, boolean dryRun, boolean force, String holder) {
    Set<String> unknown = new TreeSet<>(targets);
    unknown.removeAll(plan.spec().targets().keySet());
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("not a target of " + plan.spec().name() + ": " + String.join(", ", unknown)
          + " (targets: " + String.join(", ", plan.spec().targets().keySet()) + ")");
    }
    Optional<PipelineLocks.Lease> lease = PipelineLocks.of(plan.spec().settings().warehouse(),
        PipelineRunner.LOCK_TIME_TO_LIVE).map(locks -> locks.acquire(PipelineRunner.lockNames(plan), holder));
    try {
      List<MaintenanceReport> reports = new ArrayList<>();
      for (TargetSpec target : plan.spec().targets().values()) {
        if (targets.isEmpty() || targets.contains(target.name())) {
          reports.add(maintain(plan, target, dryRun, force));
        }
      }
      return reports;
    } finally {
      lease.ifPresent(PipelineLocks.Lease::close);
    }
  }

  /**
   * Maintains the target when its {@code every} has passed since it was last maintained; the caller holds the
   * locks (a run, after its own work).
   *
   * @return the report; empty when maintenance was not due
   */
  public Optional<MaintenanceReport> runDue(Plan plan, TargetSpec target, Instant now) {
    Optional<Duration> every = target.maintenance().every();
    boolean due = every.isPresent() && lastMaintained(plan, target).map(last -> !last.plus(every.get()).isAfter(now))
        .orElse(true);
    return due ? Optional.of(maintain(plan, target, false, false)) : Optional.empty();
  }

  private MaintenanceReport maintain(Plan plan, TargetSpec target, boolean dryRun, boolean force) {
    String warehouse = plan.spec().settings().warehouse();
    MaintenanceReport report = new TableMaintenance(spark, plan.spec().settings(),
        new CheckpointReaders(spark, warehouse)).maintain(target, dryRun, force);
    if (!dryRun && report.before().isPresent()) {
      write(marker(plan, target), Instant.now().toString());
    }
    return report;
  }

  private Optional<Instant> lastMaintained(Plan plan, TargetSpec target) {
    Path marker = marker(plan, target);
    try {
      FileSystem files = marker.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!files.exists(marker)) {
        return Optional.empty();
      }
      try (InputStream in = files.open(marker)) {
        return Optional.of(Instant.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + marker, e);
    }
  }

  private static Path marker(Plan plan, TargetSpec target) {
    TableRef table = TableRef.of(target.format(), Tables.address(plan.spec().settings(), target));
    return new Path(new Path(plan.spec().settings().warehouse(), MAINTAINED),
        PipelineLocks.tableLock(table.toString()));
  }

  private void write(Path file, String content) {
    try {
      FileSystem files = file.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (OutputStream out = files.create(file, true)) {
        out.write(content.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
