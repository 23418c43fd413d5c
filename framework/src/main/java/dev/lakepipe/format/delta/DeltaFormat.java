package dev.lakepipe.format.delta;

import dev.lakepipe.format.Addressing;
import dev.lakepipe.format.LakeTableFormat;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableMaintainer;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.format.TableWriter;
import dev.lakepipe.spec.EngineSettings;
import dev.lakepipe.spec.MaintenanceOption;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/** Delta Lake tables, addressed by path. */
public final class DeltaFormat extends LakeTableFormat {
  public DeltaFormat() {
    super("delta", Addressing.PATH, Optional.empty(), Map.of(MaintenanceOption.RETAIN_COMMITS,
        "Delta's VACUUM keeps files by age only: give retain"));
  }

  @Override
  public Map<String, String> sessionConf(EngineSettings settings) {
    return Map.of(
        "spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension",
        "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog",
        // New tables keep a change data feed: incremental runs read update pre-images from it.
        "spark.databricks.delta.properties.defaults.enableChangeDataFeed", "true",
        // Delta drops commits that change no rows; lakepipe's commit properties (its checkpoint) must still land.
        "spark.databricks.delta.skipRecordingEmptyCommits", "false",
        // Each commit's checksum lists the table's files while they number at most this (Delta's default: 50): an
        // upsert finds the files its keys are in, and a read plans its scan, from it, instead of Spark jobs that
        // rebuild the table's state.
        "spark.databricks.delta.allFilesInCrc.thresholdNumFiles", "1000");
  }

  @Override
  public TableReader reader(SparkSession spark, TableAddress address) {
    return new DeltaReader(spark, address);
  }

  @Override
  public TableWriter writer(SparkSession spark, TableAddress address, TableLayout layout) {
    return new DeltaWriter(spark, address, layout, new DeltaReader(spark, address));
  }

  @Override
  public TableMaintainer maintainer(SparkSession spark, TableAddress address) {
    return new DeltaMaintainer(spark, address, new DeltaReader(spark, address));
  }
}
