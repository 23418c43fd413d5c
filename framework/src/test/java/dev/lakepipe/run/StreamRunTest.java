package dev.lakepipe.run;

import static dev.lakepipe.run.OrderStream.FORMATS;
import static dev.lakepipe.run.OrderStream.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.format.Commit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Kafka into Hudi, Delta and Iceberg through streaming runs on a real broker: out-of-order events inside and across
 * micro-batches end in the latest state of each order, malformed records are quarantined with their position and
 * reason (consumed = written + quarantined), and each {@code available-now} run picks up exactly what arrived since
 * the last one. The Hudi target hashes its keys into buckets.
 */
class StreamRunTest {
  private static final String BUCKETS = "targets.hudi.buckets=2";

  @Test
  void kafkaUpsertsEndInTheLatestStateOfEachKey() throws IOException {
    OrderStream stream = new OrderStream("stream");
    // Order 1's newest event comes first; order 2 arrives on two partitions; three malformed records.
    stream.send(0, event(1, "paid", "10.00", 3), event(1, "created", "10.00", 1), event(2, "created", "20.00", 1),
        "not json", "{\"order_id\":\"abc\",\"status\":\"paid\",\"amount\":1.00,\"updated_at\":\"2026-11-22T01:00:00Z\"}",
        "{\"order_id\":null,\"status\":\"paid\",\"amount\":1.00,\"updated_at\":\"2026-11-22T01:00:00Z\"}");
    stream.send(1, event(2, "shipped", "20.00", 4), event(3, "created", "30.00", 2));
    String first = stream.run(ExitCodes.OK, BUCKETS);
    for (String format : FORMATS) {
      assertTrue(first.matches("(?s).*batch  " + format + " +#0 +8 in, 5 out, 3 quarantined.*"), first);
      assertEquals(List.of("1|paid|10.00|3", "2|shipped|20.00|4", "3|created|30.00|2"), stream.rows(format), format);
      assertEquals(List.of(
              stream.topic + "/0/3|not json|not a JSON object",
              stream.topic + "/0/4|{\"order_id\":\"abc\",|wrong type: order_id: 'abc' is not bigint",
              stream.topic + "/0/5|{\"order_id\":null,\"|null key: order_id"),
          stream.quarantine(format).orderBy("position").collectAsList().stream()
              .map(r -> r.getAs("position") + "|" + r.<String>getAs("raw_value").substring(0,
                  Math.min(18, r.<String>getAs("raw_value").length())) + "|" + r.getAs("reason")).toList(), format);
    }

    // Late events: order 2's older update loses to the stored one; order 1 moves on; order 4 is new.
    stream.send(0, event(2, "created", "20.00", 2), event(1, "delivered", "10.00", 5));
    stream.send(1, event(4, "created", "40.00", 6));
    String second = stream.run(ExitCodes.OK, BUCKETS);
    for (String format : FORMATS) {
      assertTrue(second.matches("(?s).*batch  " + format + " +#1 +3 in, 3 out, 0 quarantined.*"), second);
      assertEquals(List.of("1|delivered|10.00|5", "2|shipped|20.00|4", "3|created|30.00|2", "4|created|40.00|6"),
          stream.rows(format), format);
    }
    // The batch's records came from two partitions, and went through one task: one new file.
    assertEquals(1, newDeltaFiles(stream), "data files the Delta commit of batch #1 added");
    assertEquals(Set.of("00000000", "00000001"), hudiFileGroupBuckets(stream));

    // Nothing arrived: no batch, no commit.
    List<Optional<Commit>> before = FORMATS.stream().map(stream::latestCommit).toList();
    String third = stream.run(ExitCodes.OK, BUCKETS);
    assertFalse(third.contains(" in, "), third);
    assertEquals(before, FORMATS.stream().map(stream::latestCommit).toList());
    FORMATS.forEach(format -> assertEquals(3, stream.quarantine(format).count(), format));
  }

  /** The bucket numbers that start the names of the Hudi target's data files (base and log files). */
  private static Set<String> hudiFileGroupBuckets(OrderStream stream) throws IOException {
    try (Stream<Path> files = Files.list(Path.of(stream.target("hudi").requirePath()))) {
      return files.map(file -> file.getFileName().toString()).filter(name -> !name.endsWith(".crc")
          && (name.contains(".parquet") || name.contains(".log.")))
          .map(name -> name.replaceFirst("^\\.", "").substring(0, 8))
          .collect(Collectors.toSet());
    }
  }

  /** The data files the Delta target's latest commit added, not counting those given a deletion vector. */
  private static long newDeltaFiles(OrderStream stream) throws IOException {
    long version = Long.parseLong(stream.latestCommit("delta").orElseThrow().id());
    return Files.readAllLines(Path.of(stream.target("delta").requirePath(), "_delta_log",
            String.format("%020d.json", version))).stream()
        .filter(action -> action.startsWith("{\"add\"") && !action.contains("\"deletionVector\"")).count();
  }
}
