package dev.lakepipe.run;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;

/**
 * Counts the Spark jobs that a piece of work starts: every job started between its beginning and its end, in any
 * thread, so nothing else may run Spark jobs meanwhile (a run, a benchmark, one thing at a time). Listener events
 * arrive asynchronously; the count is taken after the listener bus has delivered every event posted before it.
 */
public final class SparkJobCounter extends SparkListener implements AutoCloseable {
  private static final long DRAIN_MILLIS = TimeUnit.MINUTES.toMillis(1);

  private final SparkContext context;
  private final AtomicLong started = new AtomicLong();

  private SparkJobCounter(SparkContext context) {
    this.context = context;
  }

  /** A counter listening to this context's jobs from now on. */
  public static SparkJobCounter listeningTo(SparkContext context) {
    SparkJobCounter counter = new SparkJobCounter(context);
    context.addSparkListener(counter);
    return counter;
  }

  /** What some work returned, its wall-clock seconds, and how many Spark jobs it started. */
  public record Counted<T>(T result, double seconds, long jobs) {}

  /**
   * Runs the work, timing it and counting its jobs.
   *
   * @throws IllegalStateException when the listener bus does not deliver its events within a minute
   */
  public <T> Counted<T> count(Supplier<T> work) {
    startsOver();
    long start = System.nanoTime();
    T result = work.get();
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Counted<>(result, seconds, startsOver());
  }

  /**
   * The jobs started since the counter was made or this was last called, and counting starts over.
   *
   * @throws IllegalStateException when the listener bus does not deliver its events within a minute
   */
  public long startsOver() {
    drain();
    return started.getAndSet(0);
  }

  /** Stops listening. */
  @Override
  public void close() {
    context.removeSparkListener(this);
  }

  @Override
  public void onJobStart(SparkListenerJobStart jobStart) {
    started.incrementAndGet();
  }

  private void drain() {
    try {
      // Scala's private[spark] is public in the byte code; there is no public way to wait for the bus.
      context.listenerBus().waitUntilEmpty(DRAIN_MILLIS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Spark's listener bus did not empty within a minute", e);
    }
  }
}
