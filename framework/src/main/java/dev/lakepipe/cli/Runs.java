package dev.lakepipe.cli;

import dev.lakepipe.plan.Plan;
import dev.lakepipe.run.PipelineRunner;
import dev.lakepipe.run.RunMode;
import dev.lakepipe.run.RunOptions;
import dev.lakepipe.run.RunResult;
import dev.lakepipe.run.SparkSessions;
import dev.lakepipe.run.SparkWork;
import dev.lakepipe.spec.EngineSettings;
import dev.lakepipe.spec.JobSpec;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/** Runs a spec from the command line: one session for the run, progress printed as it goes. */
public final class Runs {
  private static final String CONSOLE_PROGRESS = "spark.ui.showConsoleProgress";

  private Runs() {}

  /**
   * Runs a spec in full in this JVM's session (created if needed) and prints its progress and summary.
   *
   * @throws dev.lakepipe.run.RunFailedException naming the node that failed
   */
  public static RunResult run(JobSpec spec, Instant logicalTime, PrintWriter out) {
    return run(spec, logicalTime, RunMode.FULL, out);
  }

  /**
   * Runs a spec in this JVM's session (created if needed) and prints its progress and summary.
   *
   * @throws dev.lakepipe.run.IncrementalNotSupportedException for an incremental run of a spec with a target
   *     that is not row-wise
   * @throws dev.lakepipe.run.RunFailedException naming the node that failed
   */
  public static RunResult run(JobSpec spec, Instant logicalTime, RunMode mode, PrintWriter out) {
    return run(spec, RunOptions.of(logicalTime, mode), out, RunEvents.NONE);
  }

  /**
   * Runs a spec in this JVM's session (created if needed), prints its progress and summary, and reports it to
   * {@code events}, failures included.
   *
   * @throws dev.lakepipe.run.IncrementalNotSupportedException for an incremental run of a spec with a target
   *     that is not row-wise
   * @throws dev.lakepipe.format.ChangesNotReadableException for an incremental run of a spec that reads a
   *     merge-on-read table whose changes its format cannot read (nothing ran)
   * @throws dev.lakepipe.run.LockHeldException when another run holds one of the run's locks
   * @throws dev.lakepipe.run.RunFailedException naming the node that failed
   */
  public static RunResult run(JobSpec spec, RunOptions options, PrintWriter out, RunEvents events) {
    return run(spec, options, out, events, false);
  }

  /**
   * {@link #run(JobSpec, RunOptions, PrintWriter, RunEvents)}, each node's line also saying what Spark did for it
   * when {@code countWork}: its jobs, tasks, and the rows and bytes they read ({@link SparkWork}).
   */
  public static RunResult run(JobSpec spec, RunOptions options, PrintWriter out, RunEvents events,
      boolean countWork) {
    RunPrinter printer = new RunPrinter(out);
    printer.start(spec.name(), options.runId(), options.logicalTime().toString());
    events.started();
    long start = System.nanoTime();
    try {
      SparkSession spark = SparkSessions.getOrCreate(withConsoleProgress(spec.settings()));
      try (SparkWork work = countWork ? SparkWork.listeningTo(spark.sparkContext()) : null) {
        RunResult result = new PipelineRunner(spark).run(Plan.of(spec), options,
            node -> {
              printer.node(node, work == null ? Optional.empty() : Optional.of(work.takeNode(node.kind(),
                  node.name())));
              events.node(node);
            }, printer::batch);
        printer.summary(result, work == null ? Optional.empty() : Optional.of(work.startsOver()));
        events.finished(result);
        return result;
      }
    } catch (RuntimeException e) {
      events.failed(e, (System.nanoTime() - start) / 1e9);
      throw e;
    }
  }

  /**
   * Spark's progress bar helps at a terminal and garbles logs and pipes, so it is on only in interactive use,
   * unless the spec decides.
   */
  public static EngineSettings withConsoleProgress(EngineSettings settings) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put(CONSOLE_PROGRESS, String.valueOf(System.console() != null));
    conf.putAll(settings.sparkConf());
    return new EngineSettings(settings.warehouse(), settings.master(), settings.appName(), conf, settings.catalog(),
        settings.profile());
  }
}
