package dev.lakepipe.run;

import static dev.lakepipe.run.OrderStream.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.cli.ExitCodes;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Event-time watermarks on a real broker: the first micro-batch has no watermark; later ones drop rows more than the
 * delay older than the newest event written before, quarantined with the reason or, with {@code late = drop},
 * counted only. The watermark survives between runs, because it is kept in the target's commits.
 */
class StreamWatermarkTest {
  private static final String SPEC = "src/test/resources/specs/streaming/orders-watermark.conf";

  @Test
  void lateEventsAreCountedAndQuarantinedOrDropped() {
    OrderStream stream = new OrderStream("watermark", SPEC, List.of("delta"));
    stream.send(0, event(1, "created", "10.00", 1), event(2, "created", "20.00", 5), event(3, "created", "30.00", 3));
    String first = stream.run(ExitCodes.OK);
    assertTrue(first.matches("(?s).*batch  delta +#0 +3 in, 3 out, 0 quarantined  .*"), first);

    // Newest written: hour 5, so the watermark is hour 3: hour 4 and hour 3 pass, hour 2 is late.
    stream.send(0, event(4, "created", "40.00", 4), event(5, "created", "50.00", 2), event(6, "created", "60.00", 3));
    String second = stream.run(ExitCodes.OK);
    assertTrue(second.matches("(?s).*batch  delta +#1 +3 in, 2 out, 1 quarantined, 1 late  .*watermark"
        + " 2026-11-22T03:00:00Z.*"), second);
    assertEquals(List.of(stream.topic + "/0/4|late: updated_at 2026-11-22 02:00:00 is before the watermark"
            + " 2026-11-22T03:00:00Z"),
        stream.quarantine("delta").collectAsList().stream()
            .map(r -> r.getAs("position") + "|" + r.getAs("reason")).toList());

    // With late = drop, a late event is counted and not written; a new one moves the watermark on.
    stream.send(0, event(7, "created", "70.00", 0), event(8, "created", "80.00", 9));
    String third = stream.run(ExitCodes.OK, "sources.orders.watermark.late=drop");
    assertTrue(third.matches("(?s).*batch  delta +#2 +2 in, 1 out, 0 quarantined, 1 late  .*watermark"
        + " 2026-11-22T03:00:00Z.*"), third);
    assertEquals(1, stream.quarantine("delta").count());
    assertEquals(List.of("1|created|10.00|1", "2|created|20.00|5", "3|created|30.00|3", "4|created|40.00|4",
        "6|created|60.00|3", "8|created|80.00|9"), stream.rows("delta"));
  }
}
