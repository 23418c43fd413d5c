package dev.lakepipe.format.hudi;

import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableServices;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Compacts a merge-on-read table in a thread of its own while a streaming query goes on writing it, as Hudi's own
 * streaming sink does: the query's writes only schedule a compaction every {@link HudiWriter#COMPACTION_DELTA_COMMITS}
 * delta commits (none while one is pending), and the next write hands it to this thread, so a micro-batch does not
 * wait for it. Writes go on into the log files of the file slices the compaction starts. Only for tables without a
 * metadata table, which two Hudi clients of one table could not both write without a lock provider.
 */
final class HudiBackgroundCompaction implements TableServices {
  private final TableAddress address;
  private final HudiReader reader;
  private final HudiMaintainer maintainer;
  private final ExecutorService thread;
  private Future<?> running;

  /** Starts the thread now, so that it takes no Spark job group or other thread-local property of a micro-batch. */
  HudiBackgroundCompaction(TableAddress address, HudiReader reader, HudiMaintainer maintainer) {
    this(address, reader, maintainer, thread(address));
  }

  /** @param thread runs the compactions, one at a time */
  HudiBackgroundCompaction(TableAddress address, HudiReader reader, HudiMaintainer maintainer,
      ExecutorService thread) {
    this.address = address;
    this.reader = reader;
    this.maintainer = maintainer;
    this.thread = thread;
  }

  private static ExecutorService thread(TableAddress address) {
    ThreadPoolExecutor thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
        task -> {
          Thread compaction = new Thread(task, "lakepipe-compaction-" + address.name());
          compaction.setDaemon(true);
          return compaction;
        });
    thread.prestartCoreThread();
    return thread;
  }

  /**
   * After each write: hands the pending compactions to the thread, unless it is compacting.
   *
   * @throws IllegalStateException when the last compaction failed
   */
  synchronized void afterWrite() {
    if (running != null && !running.isDone()) {
      return;
    }
    throwIfFailed();
    if (!reader.metaClient().orElseThrow().getActiveTimeline().filterPendingCompactionTimeline().empty()) {
      running = thread.submit(maintainer::compactPending);
    }
  }

  /** @throws IllegalStateException when the last compaction failed */
  @Override
  public synchronized void close() {
    thread.shutdown();
    try {
      thread.awaitTermination(Long.MAX_VALUE, TimeUnit.DAYS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    throwIfFailed();
  }

  private void throwIfFailed() {
    if (running == null) {
      return;
    }
    Future<?> done = running;
    running = null;
    try {
      done.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("the background compaction of Hudi table " + address.name() + " at "
          + address.location() + " failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
