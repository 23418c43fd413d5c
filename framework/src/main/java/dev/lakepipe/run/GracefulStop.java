package dev.lakepipe.run;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * Stops a streaming run on SIGTERM (or any JVM shutdown) between micro-batches: the batch being written finishes
 * first (within a minute, or it is abandoned uncommitted), a batch waiting to start is abandoned before it writes
 * anything, and the run is recorded before Spark shuts down. The hook runs in Hadoop's shutdown hook manager ahead of Spark's own hooks, which stop the session.
 */
final class GracefulStop implements AutoCloseable {
  /** Above Spark's hooks (SparkContext at 50, all of Spark's within Hadoop's manager at 40). */
  private static final int PRIORITY = 100;
  private static final long TIMEOUT_SECONDS = 150;
  private static final long BATCH_GRACE_SECONDS = 60;

  private final ReentrantLock gate = new ReentrantLock();
  private final CountDownLatch recorded = new CountDownLatch(1);
  private final Runnable hook = this::stop;
  private volatile List<StreamingQuery> queries = List.of();
  private volatile boolean stopping;

  GracefulStop() {
    ShutdownHookManager.get().addShutdownHook(hook, PRIORITY, TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** Held by a micro-batch while it writes. */
  ReentrantLock gate() {
    return gate;
  }

  void watch(List<StreamingQuery> started) {
    this.queries = List.copyOf(started);
  }

  /** Whether the run ends because it was told to stop. */
  boolean stopping() {
    return stopping;
  }

  /** The run is recorded: the shutdown may go on. */
  void recorded() {
    recorded.countDown();
  }

  private void stop() {
    stopping = true;
    boolean between = false;
    try {
      // A batch that cannot finish (its format failing as the JVM shuts down) is abandoned after a while.
      between = gate.tryLock(BATCH_GRACE_SECONDS, TimeUnit.SECONDS);
      for (StreamingQuery query : queries) {
        try {
          query.stop();
        } catch (TimeoutException e) {
          // The query did not end in time; the JVM's exit ends it, and its batch was never committed.
        }
      }
      recorded.await(BATCH_GRACE_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (between) {
        gate.unlock();
      }
    }
  }

  @Override
  public void close() {
    recorded();
    if (!ShutdownHookManager.get().isShutdownInProgress()) {
      ShutdownHookManager.get().removeShutdownHook(hook);
    }
  }
}
