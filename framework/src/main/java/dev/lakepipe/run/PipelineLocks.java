package dev.lakepipe.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Locks that keep two runs of one pipeline, or two pipelines writing one table, from interleaving their
 * commits. A lock is a file under {@code <warehouse>/_lakepipe/locks}, created atomically, that says who holds
 * it; the holder touches it while it runs. A lock not touched for longer than its time to live, or held by a process
 * of this host that is gone, belongs to a crashed run and is taken over: renamed away atomically (one taker wins),
 * then created anew.
 *
 * <p>Needs a warehouse on a local or shared POSIX file system (atomic create and rename); on object stores,
 * where neither is atomic, let the orchestrator run one instance of a pipeline at a time.
 */
public final class PipelineLocks {
  /** What {@link #take} writes into a lock: {@code <holder> on <host> (pid <pid>) since <time>}. */
  private static final Pattern HOLDER = Pattern.compile(".* on (.+) \\(pid (\\d+)\\) since .*");

  private final Path folder;
  private final Duration timeToLive;
  private final Clock clock;

  /**
   * Set to {@code off}, this environment variable makes lakepipe take no locks on a local warehouse either, as on an
   * object store: for an orchestrator that already runs one writer per table at a time, and to test what the formats
   * do with concurrent writers.
   */
  public static final String SWITCH = "LAKEPIPE_LOCKS";

  /**
   * The locks of a warehouse, or empty when the warehouse is not on a local file system (see above) or {@value
   * #SWITCH} is {@code off}.
   */
  public static Optional<PipelineLocks> of(String warehouse, Duration timeToLive) {
    boolean local = !warehouse.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*") || warehouse.startsWith("file:");
    return local && !"off".equals(System.getenv(SWITCH))
        ? Optional.of(new PipelineLocks(warehouse, timeToLive, Clock.systemUTC())) : Optional.empty();
  }

  /**
   * @param warehouse the warehouse root, a local path
   * @param timeToLive how long a lock lives without being touched; the holder touches it three times as often
   */
  public PipelineLocks(String warehouse, Duration timeToLive, Clock clock) {
    this.folder = Path.of(warehouse.replaceFirst("^file:(//)?", "")).resolve("_lakepipe").resolve("locks");
    this.timeToLive = timeToLive;
    this.clock = clock;
  }

  /** The lock of a pipeline. */
  public static String pipelineLock(String pipeline) {
    return "pipeline-" + pipeline;
  }

  /** The lock of a table, by its location. */
  public static String tableLock(String location) {
    return "table-" + location.replaceAll("[^A-Za-z0-9_.-]+", "_").replaceAll("^_+", "");
  }

  /**
   * Takes all the named locks or none, without waiting.
   *
   * @param holder who takes them, written into each lock (a run id)
   * @throws LockHeldException when another live holder has one of them; any already taken are released
   * @throws UncheckedIOException when the lock folder cannot be written
   */
  public Lease acquire(List<String> names, String holder) {
    List<Path> taken = new ArrayList<>();
    try {
      Files.createDirectories(folder);
      for (String name : new TreeSet<>(names)) {
        taken.add(take(folder.resolve(name + ".lock"), name, holder));
      }
    } catch (IOException e) {
      release(taken);
      throw new UncheckedIOException("cannot write locks under " + folder, e);
    } catch (RuntimeException e) {
      release(taken);
      throw e;
    }
    return new Lease(taken, timeToLive.dividedBy(3));
  }

  private Path take(Path lock, String name, String holder) throws IOException {
    String content = holder + " on " + host() + " (pid " + ProcessHandle.current().pid() + ") since "
        + clock.instant() + "\n";
    try {
      Files.writeString(Files.createFile(lock), content, StandardCharsets.UTF_8);
      return lock;
    } catch (FileAlreadyExistsException held) {
      Instant touched;
      String current;
      try {
        touched = Files.getLastModifiedTime(lock).toInstant();
        current = Files.readString(lock, StandardCharsets.UTF_8).strip();
      } catch (NoSuchFileException released) {
        return take(lock, name, holder);
      }
      if (Duration.between(touched, clock.instant()).compareTo(timeToLive) <= 0 && !deadOnThisHost(current)) {
        throw new LockHeldException(name, current.isEmpty() ? "a run that is starting" : current);
      }
      // A crashed holder: whoever renames the stale lock away takes it over; the others find the new one held.
      try {
        Files.move(lock, lock.resolveSibling(lock.getFileName() + ".stale-" + UUID.randomUUID()),
            StandardCopyOption.ATOMIC_MOVE);
      } catch (NoSuchFileException | AtomicMoveNotSupportedException lost) {
        // Another run took it over first.
      }
      return take(lock, name, holder);
    }
  }

  /**
   * Whether the holder ran on this host in a process that no longer exists (killed, crashed): its lock need not
   * wait for its time to live, so an orchestrator's retry right after a kill goes ahead.
   */
  private static boolean deadOnThisHost(String holder) {
    Matcher matcher = HOLDER.matcher(holder);
    return matcher.matches() && matcher.group(1).equals(host())
        && ProcessHandle.of(Long.parseLong(matcher.group(2))).map(p -> !p.isAlive()).orElse(true);
  }

  private static void release(List<Path> locks) {
    for (Path lock : locks) {
      try {
        Files.deleteIfExists(lock);
      } catch (IOException e) {
        // The lock expires after its time to live; nothing else to do here.
      }
    }
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown host";
    }
  }

  /** Held locks, touched in the background until closed. */
  public static final class Lease implements AutoCloseable {
    private final List<Path> locks;
    private final ScheduledExecutorService heartbeat;

    private Lease(List<Path> locks, Duration every) {
      this.locks = List.copyOf(locks);
      this.heartbeat = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "lakepipe-lock-heartbeat");
        thread.setDaemon(true);
        return thread;
      });
      long millis = Math.max(1, every.toMillis());
      heartbeat.scheduleAtFixedRate(this::touch, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void touch() {
      FileTime now = FileTime.from(Instant.now());
      for (Path lock : locks) {
        try {
          Files.setLastModifiedTime(lock, now);
        } catch (IOException e) {
          // A missed beat only brings the expiry closer; the next one retries.
        }
      }
    }

    /** The lock files held, for messages and tests. */
    public List<String> names() {
      return locks.stream().map(p -> p.getFileName().toString().replaceFirst("\\.lock$", "")).toList();
    }

    /** Stops the heartbeat and deletes the locks. */
    @Override
    public void close() {
      heartbeat.shutdownNow();
      release(locks);
    }
  }
}
