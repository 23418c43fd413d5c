package dev.lakepipe.format;

import java.time.Instant;
import java.util.Map;

/**
 * A commit of a table: its id in the format's own terms (Hudi instant time, Delta version, Iceberg snapshot
 * id), when it was made, and the lakepipe properties stored with it (empty for commits lakepipe did not make).
 */
public record Commit(String id, Instant timestamp, Map<String, String> properties) {
  public Commit {
    properties = Map.copyOf(properties);
  }
}
