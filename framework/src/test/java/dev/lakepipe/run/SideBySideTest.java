package dev.lakepipe.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SideBySideTest {
  private static Optional<String> queueOf(String item) {
    return item.startsWith("hudi") ? Optional.of("hudi") : Optional.empty();
  }

  @Test
  void itemsOfAQueueRunOneAfterAnotherInOrderBesideTheOthers() {
    // The two free items meet at a barrier, which only items worked on side by side can pass.
    CyclicBarrier free = new CyclicBarrier(2);
    AtomicInteger inQueue = new AtomicInteger();
    AtomicInteger mostInQueue = new AtomicInteger();
    List<String> queueOrder = Collections.synchronizedList(new ArrayList<>());
    SideBySide.each(List.of("hudi-1", "delta", "hudi-2", "iceberg", "hudi-3"), 4, SideBySideTest::queueOf,
        item -> {
          if (queueOf(item).isPresent()) {
            mostInQueue.accumulateAndGet(inQueue.incrementAndGet(), Math::max);
            pause();
            queueOrder.add(item);
            inQueue.decrementAndGet();
          } else {
            await(free);
          }
        });
    assertEquals(1, mostInQueue.get());
    assertEquals(List.of("hudi-1", "hudi-2", "hudi-3"), queueOrder);
  }

  @Test
  void aFailureStopsNoOtherItemAndTheFirstInTheItemsOrderIsThrown() {
    for (int atOnce : new int[] {1, 4}) {
      List<String> done = Collections.synchronizedList(new ArrayList<>());
      RuntimeException thrown = assertThrows(RuntimeException.class, () -> SideBySide.each(
          List.of("hudi-1", "hudi-2", "delta", "hudi-3"), atOnce, SideBySideTest::queueOf, item -> {
            if (item.equals("hudi-1") || item.equals("delta")) {
              throw new IllegalStateException(item + " failed");
            }
            done.add(item);
          }));
      assertEquals("hudi-1 failed", thrown.getMessage(), "at once: " + atOnce);
      assertArrayEquals(new String[] {"delta failed"},
          List.of(thrown.getSuppressed()).stream().map(Throwable::getMessage).toArray(), "at once: " + atOnce);
      assertEquals(List.of("hudi-2", "hudi-3"), done.stream().sorted().toList(), "at once: " + atOnce);
    }
  }

  @Test
  void oneAtATimeWorksOnEveryItemInOrder() {
    List<String> order = new ArrayList<>();
    SideBySide.each(List.of("delta", "hudi-1", "iceberg"), 1, SideBySideTest::queueOf, order::add);
    assertEquals(List.of("delta", "hudi-1", "iceberg"), order);
  }

  private static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
      throw new IllegalStateException("the free items were not worked on side by side", e);
    }
  }
}
