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
   * and returns when all of it has ended. A failure does not stop the work on any other item, one at a time or not.
   *
   * @throws RuntimeException the first failure in the items' order, the later ones suppressed in it
   * @throws Error when that first failure is an error
   */
  static <T> void each(List<T> items, int atOnce, Consumer<T> work) {
    Throwable[] failures = new Throwable[items.size()];
    List<Runnable> lanes = lanes(items, atOnce, work, failures);
    if (lanes.size() <= 1) {
      lanes.forEach(Runnable::run);
    } else {
      runSideBySide(lanes, atOnce);
    }
    Throwable first = null;
    for (Throwable failure : failures) {
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
      throw first instanceof RuntimeException runtime ? runtime : new IllegalStateException(first);
    }
  }

  /** The items' work as lanes that may run side by side, each doing its items in order and noting their failures. */
  private static <T> List<Runnable> lanes(List<T> items, int atOnce, Consumer<T> work, Throwable[] failures) {
    List<List<Integer>> lanes = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      // One lane for everything when one at a time, otherwise one per item.
      if (atOnce > 1 || lanes.isEmpty()) {
        lanes.add(new ArrayList<>());
      }
      lanes.get(lanes.size() - 1).add(i);
    }
    List<Runnable> runs = new ArrayList<>();
    lanes.forEach(indexes -> runs.add(() -> {
      for (int i : indexes) {
        try {
          work.accept(items.get(i));
        } catch (Throwable failure) {
          failures[i] = failure;
        }
      }
    }));
    return runs;
  }

  private static void runSideBySide(List<Runnable> lanes, int atOnce) {
    int pool = POOLS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    // Threads made by the caller's thread inherit its context class loader and Spark's local properties.
    ExecutorService executor = Executors.newFixedThreadPool(Math.min(atOnce, lanes.size()), task -> {
      Thread thread = new Thread(task, "lakepipe-side-by-side-" + pool + "-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<Future<?>> futures = new ArrayList<>();
      lanes.forEach(lane -> futures.add(executor.submit(lane)));
      futures.forEach(SideBySide::awaitEnd);
    } finally {
      executor.shutdown();
    }
  }

  /** Waits for a lane to end; a lane notes its own failures, so only the wait itself can fail. */
  private static void awaitEnd(Future<?> future) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          future.get();
          return;
        } catch (ExecutionException e) {
          throw new IllegalStateException("a lane failed outside its items' work", e.getCause());
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
