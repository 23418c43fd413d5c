package dev.lakepipe.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineLocksTest {
  @TempDir
  Path warehouse;

  private PipelineLocks locks(Duration timeToLive) {
    return new PipelineLocks(warehouse.toString(), timeToLive, Clock.systemUTC());
  }

  private Path lockFile(String name) {
    return warehouse.resolve("_lakepipe/locks/" + name + ".lock");
  }

  @Test
  void aHeldLockIsRefusedWithItsHolderNamed() {
    try (PipelineLocks.Lease lease = locks(Duration.ofMinutes(2)).acquire(List.of("pipeline-orders"), "run-1")) {
      assertEquals(List.of("pipeline-orders"), lease.names());
      LockHeldException held = assertThrows(LockHeldException.class,
          () -> locks(Duration.ofMinutes(2)).acquire(List.of("pipeline-orders"), "run-2"));
      assertTrue(held.getMessage().startsWith("lock pipeline-orders is held by run-1 on "), held.getMessage());
    }
    // Released: the next run gets it.
    locks(Duration.ofMinutes(2)).acquire(List.of("pipeline-orders"), "run-3").close();
  }

  @Test
  void allOrNothing() throws Exception {
    try (PipelineLocks.Lease held = locks(Duration.ofMinutes(2)).acquire(List.of("table-x"), "run-1")) {
      assertThrows(LockHeldException.class,
          () -> locks(Duration.ofMinutes(2)).acquire(List.of("pipeline-a", "table-x"), "run-2"));
      assertTrue(Files.notExists(lockFile("pipeline-a")), "the lock taken before the refusal is released");
    }
  }

  @Test
  void aCrashedHoldersLockIsTakenOverAfterItsTimeToLive() throws Exception {
    PipelineLocks.Lease crashed = locks(Duration.ofMinutes(2)).acquire(List.of("pipeline-orders"), "run-1");
    crashed.close();
    // A crash leaves the file behind, untouched since.
    Files.writeString(lockFile("pipeline-orders"), "run-1 on somewhere (pid 1) since long ago\n");
    Files.setLastModifiedTime(lockFile("pipeline-orders"), FileTime.from(Instant.now().minusSeconds(600)));
    try (PipelineLocks.Lease lease = locks(Duration.ofMinutes(2)).acquire(List.of("pipeline-orders"), "run-2")) {
      assertTrue(Files.readString(lockFile("pipeline-orders")).startsWith("run-2 on "));
    }
  }

  @Test
  void aLockOfAProcessOfThisHostThatIsGoneIsTakenOverAtOnce() throws Exception {
    try (PipelineLocks.Lease lease = locks(Duration.ofMinutes(2)).acquire(List.of("pipeline-orders"), "run-1")) {
      String alive = Files.readString(lockFile("pipeline-orders"));
      Process gone = new ProcessBuilder("true").start();
      gone.waitFor();
      // A killed run's lock, freshly touched: the same holder line, with the pid of a process that has ended.
      Files.writeString(lockFile("pipeline-orders"),
          alive.replaceFirst("\\(pid \\d+\\)", "(pid " + gone.pid() + ")"));
      try (PipelineLocks.Lease taken = locks(Duration.ofMinutes(2)).acquire(List.of("pipeline-orders"), "run-2")) {
        assertTrue(Files.readString(lockFile("pipeline-orders")).startsWith("run-2 on "));
      }
    }
  }

  @Test
  void theHolderKeepsItsLockAlive() throws Exception {
    try (PipelineLocks.Lease lease = locks(Duration.ofMillis(300)).acquire(List.of("pipeline-orders"), "run-1")) {
      FileTime old = FileTime.from(Instant.now().minusSeconds(600));
      Files.setLastModifiedTime(lockFile("pipeline-orders"), old);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (Files.getLastModifiedTime(lockFile("pipeline-orders")).equals(old) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(Files.getLastModifiedTime(lockFile("pipeline-orders")).compareTo(old) > 0, "touched by the holder");
    }
  }

  @Test
  void lockNamesAreSafeFileNames() {
    assertEquals("table-work_wh_dw_orders", PipelineLocks.tableLock("/work/wh/dw/orders"));
    assertEquals("table-lakepipe.dw.orders", PipelineLocks.tableLock("lakepipe.dw.orders"));
  }
}
