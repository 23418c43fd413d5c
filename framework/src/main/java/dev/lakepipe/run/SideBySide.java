package dev.lakepipe.run;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** Work on several items at once, where each item's work stands alone and all of it must end before going on. */
final class SideBySide {
  private static final AtomicInteger POOLS = new AtomicInteger();

  private SideBySide() {}

  /**
   * Does the work for every item, up to {@code atOnce} items at a time, in the items' order when one at a time,
   * and returns when all of it has ended. A failure does not stop the other items' work.
   *
   * @throws RuntimeException the first failure in the items' order, the later ones suppressed in it
   * @throws Error the first error, as soon as all work has ended
   */
  static <T> void each(List<T> items, int atOnce, Consumer<T> work) {
    if (atOnce == 1 || items.size() <= 1) {
      items.forEach(work);
      return;
    }
    int pool = POOLS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    // Threads made by the caller's thread inherit its context class loader and Spark's local properties.
    ExecutorService executor = Executors.newFixedThreadPool(Math.min(atOnce, items.size()), task -> {
      Thread thread = new Thread(task, "lakepipe-side-by-side-" + pool + "-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<Future<?>> futures = new ArrayList<>();
      items.forEach(item -> futures.add(executor.submit(() -> work.accept(item))));
      Throwable first = null;
      for (Future<?> future : futures) {
        Throwable failure = outcome(future);
        if (failure != null && first == null) {
          first = failure;
        } else if (failure != null) {
          first.addSuppressed(failure);
        }
      }
      if (first instanceof Error error) {
        throw error;
      }
      if (first != null) {
        throw (RuntimeException) first;
      }
    } finally {
      executor.shutdown();
    }
  }

  /** The failure of a piece of work once it has ended, null when it succeeded. */
  private static Throwable outcome(Future<?> future) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          future.get();
          return null;
        } catch (ExecutionException e) {
          return e.getCause();
        } catch (InterruptedException e) {
          // The work goes on, and its commits must end whole: wait for it, and pass the interrupt on afterwards.
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
