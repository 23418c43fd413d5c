package dev.lakepipe.run;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.apache.spark.SparkContext;

/**
 * Runs a micro-batch's write out of reach of its query's stop. Structured Streaming stops a query by cancelling the
 * query's Spark jobs and interrupting the thread that runs its batches, whoever calls {@code stop()}: a write cut
 * there can leave a format's commit or inline table service half done and fail the run (Hudi's inline clean failed
 * "to apply clean commit to metadata"). The write runs in a thread of its own, under a job group of its own, and the
 * batch's thread waits for it through interrupts; the stop then takes effect once the batch is written.
 */
final class UninterruptedWrite {
  private UninterruptedWrite() {}

  /**
   * @param name names the thread and the job group, e.g. {@code lakepipe pipeline.target batch 7}
   * @throws RuntimeException what the write threw
   */
  static void run(SparkContext spark, String name, Runnable write) {
    // Created by the batch's thread, the new thread inherits its Spark local properties (query id, SQL execution).
    FutureTask<Void> task = new FutureTask<>(() -> {
      spark.setJobGroup(name, name, false);
      try {
        write.run();
      } finally {
        spark.clearJobGroup();
      }
      return null;
    });
    Thread thread = new Thread(task, name);
    thread.start();
    boolean interrupted = false;
    try {
      while (true) {
        try {
          task.get();
          return;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException failure) {
            throw failure;
          }
          if (e.getCause() instanceof Error error) {
            throw error;
          }
          throw new IllegalStateException(e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        // The stop goes on once the batch is written.
        Thread.currentThread().interrupt();
      }
    }
  }
}
