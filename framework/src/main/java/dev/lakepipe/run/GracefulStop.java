package dev.lakepipe.run;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.spark.sql.streaming.StreamingQuery;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Stops a streaming run on SIGTERM or SIGINT between micro-batches: the batch being written finishes, a batch not
 * yet started is abandoned before it writes anything, and the run then ends as usual (recorded in the history, exit
 * code 0). The signals are caught rather than left to start the JVM's shutdown, because the formats cannot commit
 * once it has begun (Hudi registers shutdown hooks while it writes). A second signal gets the JVM's own handling:
 * the process exits at once, its batch uncommitted, to be redone by the next run.
 */
final class GracefulStop implements AutoCloseable {
  private static final List<String> SIGNALS = List.of("TERM", "INT");

  private final ReentrantLock gate = new ReentrantLock();
  private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
  private volatile List<StreamingQuery> queries = List.of();
  private volatile boolean stopping;

  GracefulStop() {
    for (String name : SIGNALS) {
      try {
        Signal signal = new Signal(name);
        previous.put(signal, Signal.handle(signal, caught -> onSignal()));
      } catch (IllegalArgumentException unsupported) {
        // No such signal on this platform (INT under some launchers): the JVM's own handling stays.
      }
    }
  }

  /** Held by a micro-batch while it writes. */
  ReentrantLock gate() {
    return gate;
  }

  /** The queries to stop; stops them at once when a signal came while they started. */
  void watch(List<StreamingQuery> started) {
    this.queries = List.copyOf(started);
    if (stopping) {
      stopQueries();
    }
  }

  /** Whether the run ends because it was told to stop. */
  boolean stopping() {
    return stopping;
  }

  private void onSignal() {
    restore();
    stopping = true;
    Thread stopper = new Thread(this::stopQueries, "lakepipe-graceful-stop");
    stopper.setDaemon(true);
    stopper.start();
  }

  private void stopQueries() {
    gate.lock();
    try {
      for (StreamingQuery query : queries) {
        try {
          query.stop();
        } catch (TimeoutException e) {
          // The query did not end in time; its batch never committed, and the next run redoes it.
        }
      }
    } finally {
      gate.unlock();
    }
  }

  private synchronized void restore() {
    previous.forEach(Signal::handle);
    previous.clear();
  }

  @Override
  public void close() {
    restore();
  }
}
