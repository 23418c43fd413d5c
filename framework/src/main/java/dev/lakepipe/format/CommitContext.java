package dev.lakepipe.format;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What lakepipe records in every commit it makes, inside the table's own commit metadata (Hudi extra
 * metadata, Delta user metadata, Iceberg snapshot summary), so the table itself says which run wrote it.
 */
public record CommitContext(String pipeline, String runId, Instant logicalTime) {
  public static final String PREFIX = "lakepipe.";

  /** The properties to store with the commit, keys prefixed with {@value #PREFIX}. */
  public Map<String, String> properties() {
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put(PREFIX + "pipeline", pipeline);
    properties.put(PREFIX + "run-id", runId);
    properties.put(PREFIX + "logical-time", logicalTime.toString());
    return properties;
  }
}
