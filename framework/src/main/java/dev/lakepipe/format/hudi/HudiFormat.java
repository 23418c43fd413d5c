package dev.lakepipe.format.hudi;

import dev.lakepipe.format.Addressing;
import dev.lakepipe.format.LakeTableFormat;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableMaintainer;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.format.TableServices;
import dev.lakepipe.format.TableWriter;
import dev.lakepipe.spec.EngineSettings;
import dev.lakepipe.spec.MaintenanceOption;
import dev.lakepipe.spec.Storage;
import dev.lakepipe.spec.TargetSpec;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/** Apache Hudi tables, addressed by path. */
public final class HudiFormat extends LakeTableFormat {
  /** Why the changes of a merge-on-read table cannot be read (apache/hudi issue 8616). */
  static final String MERGE_ON_READ_CHANGES =
      "Hudi's CDC query (through 1.1) loses DECIMAL values in the images it builds from log files";

  /** Hudi's clustering sorts by columns in its own ways (linear, Z-order, Hilbert); lakepipe clusters by size only. */
  private static final Map<MaintenanceOption, String> NOT_MAINTAINED = Map.of(
      MaintenanceOption.Z_ORDER, "lakepipe clusters Hudi tables by file size only");

  public HudiFormat() {
    super("hudi", Addressing.PATH, Optional.of(MERGE_ON_READ_CHANGES), NOT_MAINTAINED);
  }

  /** Log files compacted every few delta commits, by the runs' writes or, in a streaming run, beside them. */
  @Override
  public Optional<String> compaction(TargetSpec target) {
    if (target.storage() != Storage.MERGE_ON_READ) {
      return Optional.empty();
    }
    Map<String, String> options = target.options();
    Optional<Boolean> inline = HudiWriter.inlineCompaction(options);
    String batch = inline.orElse(true) ? "inline by batch and incremental runs"
        : "not by batch and incremental runs (" + HudiWriter.INLINE_COMPACTION + " = false: `lakepipe maintain` does)";
    String streaming = inline.orElse(false)
        ? "inline by streaming runs too (" + HudiWriter.INLINE_COMPACTION + " = true)"
        : HudiWriter.keepsMetadataTable(TableLayout.of(target))
            ? "inline by streaming runs too (the metadata table of the global index takes one writer)"
            : "beside the writes by streaming runs, in a thread of their own";
    return Optional.of("log files compacted every " + options.getOrDefault(HudiWriter.COMPACTION_DELTA_COMMITS_OPTION,
        Integer.toString(HudiWriter.COMPACTION_DELTA_COMMITS)) + " delta commits: " + batch + "; " + streaming);
  }

  /** Hudi's bucket index: a key's file group is its hash modulo the buckets of its partition. */
  @Override
  public boolean supportsBuckets() {
    return true;
  }

  @Override
  public boolean supportsReadOptimized() {
    return true;
  }

  @Override
  public Map<String, String> sessionConf(EngineSettings settings) {
    return Map.of(
        "spark.sql.extensions", "org.apache.spark.sql.hudi.HoodieSparkSessionExtension",
        "spark.serializer", "org.apache.spark.serializer.KryoSerializer",
        "spark.kryo.registrator", "org.apache.spark.HoodieSparkKryoRegistrar");
  }

  @Override
  public TableMaintainer maintainer(SparkSession spark, TableAddress address) {
    return new HudiMaintainer(spark, address, new HudiReader(spark, address));
  }

  @Override
  public TableReader reader(SparkSession spark, TableAddress address) {
    return new HudiReader(spark, address);
  }

  @Override
  public TableWriter writer(SparkSession spark, TableAddress address, TableLayout layout) {
    return writer(spark, address, layout, TableServices.IN_WRITES);
  }

  /**
   * A merge-on-read table without a metadata table is compacted in the background ({@link HudiBackgroundCompaction});
   * others, and tables whose options ask for inline compaction, compact in their writes.
   */
  @Override
  public TableServices services(SparkSession spark, TableAddress address, TableLayout layout) {
    if (layout.storage() != Storage.MERGE_ON_READ || HudiWriter.keepsMetadataTable(layout)
        || HudiWriter.inlineCompaction(address.options()).orElse(false)) {
      return TableServices.IN_WRITES;
    }
    HudiReader reader = new HudiReader(spark, address);
    return new HudiBackgroundCompaction(address, reader, new HudiMaintainer(spark, address, reader));
  }

  @Override
  public TableWriter writer(SparkSession spark, TableAddress address, TableLayout layout, TableServices services) {
    return new HudiWriter(spark, address, layout, new HudiReader(spark, address),
        services instanceof HudiBackgroundCompaction compaction ? Optional.of(compaction) : Optional.empty());
  }
}
