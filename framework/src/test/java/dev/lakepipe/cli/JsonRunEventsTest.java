package dev.lakepipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakepipe.format.Commit;
import dev.lakepipe.run.NodeResult;
import dev.lakepipe.run.RunMode;
import dev.lakepipe.run.RunOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON event log line by line, without Spark: what a log collector parses. */
class JsonRunEventsTest {
  private static final String SECRET = "s3cr3t-in-a-message";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path folder;

  @Test
  void oneJsonObjectPerEventAppendedWithSecretsMasked() throws IOException {
    Path log = folder.resolve("events.jsonl");
    RunOptions first = new RunOptions(Instant.parse("2026-11-22T03:00:00Z"), "run-1", RunMode.INCREMENTAL);
    try (JsonRunEvents events = JsonRunEvents.open(log.toString(), null, Set.of(SECRET), "orders", first)) {
      events.started();
      events.node(new NodeResult(NodeResult.Kind.READ, "orders", "delta /wh/orders changes", OptionalLong.of(7), 1.5,
          Optional.of(new Commit("12", Instant.EPOCH, Map.of())), Optional.of("9")));
      events.node(new NodeResult(NodeResult.Kind.STEP, "open_orders", "sql", OptionalLong.empty(), 0.25,
          Optional.empty(), Optional.empty()));
      events.failed(new IllegalStateException("cannot connect with password " + SECRET), 2.0);
    }
    RunOptions second = new RunOptions(Instant.parse("2026-11-22T04:00:00Z"), "run-2", RunMode.FULL);
    try (JsonRunEvents events = JsonRunEvents.open(log.toString(), null, Set.of(SECRET), "orders", second)) {
      events.started();
    }

    String text = Files.readString(log);
    assertFalse(text.contains(SECRET), text);
    List<JsonNode> lines = new ArrayList<>();
    for (String line : text.lines().toList()) {
      lines.add(JSON.readTree(line));
    }
    assertEquals(List.of("run_started", "node", "node", "run_finished", "run_started"),
        lines.stream().map(l -> l.get("event").asText()).toList());
    assertEquals(List.of("run-1", "run-1", "run-1", "run-1", "run-2"),
        lines.stream().map(l -> l.get("run_id").asText()).toList());
    assertEquals(List.of("incremental", "incremental", "incremental", "incremental", "full"),
        lines.stream().map(l -> l.get("mode").asText()).toList());
    JsonNode read = lines.get(1);
    assertEquals("orders|read|7|1.5|12|9|2026-11-22T03:00:00Z", read.get("pipeline").asText() + "|"
        + read.get("kind").asText() + "|" + read.get("rows").asLong() + "|" + read.get("seconds").asDouble() + "|"
        + read.get("commit").asText() + "|" + read.get("since").asText() + "|" + read.get("logical_time").asText());
    JsonNode step = lines.get(2);
    assertEquals(List.of(true, true), List.of(step.get("rows").isNull(), step.get("commit").isNull()));
    JsonNode failed = lines.get(3);
    assertEquals("error|failed|IllegalStateException: cannot connect with password ***", failed.get("level").asText()
        + "|" + failed.get("outcome").asText() + "|" + failed.get("error").asText());
  }

  @Test
  void aDashWritesToStandardError() {
    StringWriter err = new StringWriter();
    RunOptions options = new RunOptions(Instant.parse("2026-11-22T03:00:00Z"), "run-1", RunMode.FULL);
    try (JsonRunEvents events = JsonRunEvents.open("-", new PrintWriter(err), Set.of(), "orders", options)) {
      events.started();
    }
    assertEquals(1, err.toString().lines().count(), err.toString());
    assertEquals("run_started", err.toString().replaceAll(".*\"event\":\"([a-z_]+)\".*\\s*", "$1"));
  }
}
