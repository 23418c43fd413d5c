package dev.lakepipe.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class SideBySideTest {
  @Test
  void itemsAreWorkedOnSideBySide() {
    // Every item waits at a barrier that only items worked on at the same time can pass.
    CyclicBarrier together = new CyclicBarrier(3);
    List<String> done = Collections.synchronizedList(new ArrayList<>());
    SideBySide.each(List.of("a", "b", "c"), 4, item -> {
      await(together);
      done.add(item);
    });
    assertEquals(List.of("a", "b", "c"), done.stream().sorted().toList());
  }

  @Test
  void aFailureStopsNoOtherItemAndTheFirstInTheItemsOrderIsThrown() {
    for (int atOnce : new int[] {1, 4}) {
      List<String> done = Collections.synchronizedList(new ArrayList<>());
      RuntimeException thrown = assertThrows(RuntimeException.class, () -> SideBySide.each(
          List.of("a", "b", "c", "d"), atOnce, item -> {
            if (item.equals("a") || item.equals("c")) {
              throw new IllegalStateException(item + " failed");
            }
            done.add(item);
          }));
      assertEquals("a failed", thrown.getMessage(), "at once: " + atOnce);
      assertArrayEquals(new String[] {"c failed"},
          List.of(thrown.getSuppressed()).stream().map(Throwable::getMessage).toArray(), "at once: " + atOnce);
      assertEquals(List.of("b", "d"), done.stream().sorted().toList(), "at once: " + atOnce);
    }
  }

  @Test
  void oneAtATimeWorksOnEveryItemInOrder() {
    List<String> order = new ArrayList<>();
    SideBySide.each(List.of("c", "a", "b"), 1, order::add);
    assertEquals(List.of("c", "a", "b"), order);
    SideBySide.each(List.<String>of(), 4, order::add);
    assertEquals(3, order.size());
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
      throw new IllegalStateException("the items were not worked on side by side", e);
    }
  }
}
