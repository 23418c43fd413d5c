package dev.lakepipe.spec;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A named input of a pipeline. It is visible to SQL steps as a view of the same name.
 *
 * @param table logical table name {@code db.name}; for path-addressed formats it defaults the path
 * @param schema a Spark DDL schema for file sources, e.g. {@code "id BIGINT, name STRING"}
 * @param asOf present when the source is read as of a version or timestamp instead of its latest snapshot
 * @param incremental whether incremental runs read only what changed in the source since their checkpoint
 *     ({@code read = incremental}); full runs read its latest snapshot
 * @param streamed whether streaming runs read it as a stream ({@code read = stream}, the default of stream formats
 *     such as Kafka); they read the other sources' snapshots at every micro-batch
 * @param watermark for a streamed source, how late its rows may come
 * @param queryType which view of a merge-on-read table it reads ({@link QueryType#SNAPSHOT} unless the spec says)
 * @param quarantineBadRecords whether a batch run quarantines the records of a JSON or CSV source that do not fit
 *     its declared schema ({@code on-bad-record = quarantine}, the default) rather than failing
 * @param keys columns no two of its rows share, as the spec declares them (not checked, as a database's informational
 *     key): a full run writes the rows of an upsert target as they are, without keeping the latest row of each key,
 *     when these keys prove the rows unique by the target's keys (see dev.lakepipe.run.UniqueRows); empty when none
 *     are declared
 */
public record SourceSpec(
    String name,
    String format,
    Optional<String> path,
    Optional<String> table,
    Optional<String> schema,
    Optional<AsOf> asOf,
    boolean incremental,
    Map<String, String> options,
    boolean streamed,
    Optional<WatermarkSpec> watermark,
    QueryType queryType,
    boolean quarantineBadRecords,
    List<String> keys) {
  public SourceSpec {
    options = Map.copyOf(options);
    keys = List.copyOf(keys);
  }

  /** A source that streaming runs do not stream. */
  public SourceSpec(String name, String format, Optional<String> path, Optional<String> table, Optional<String> schema,
      Optional<AsOf> asOf, boolean incremental, Map<String, String> options) {
    this(name, format, path, table, schema, asOf, incremental, options, false, Optional.empty(), QueryType.SNAPSHOT,
        true, List.of());
  }
}
