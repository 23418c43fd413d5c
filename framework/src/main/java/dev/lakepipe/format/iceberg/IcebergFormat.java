package dev.lakepipe.format.iceberg;

import dev.lakepipe.format.Addressing;
import dev.lakepipe.format.LakeTableFormat;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableMaintainer;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.format.TableWriter;
import dev.lakepipe.spec.EngineSettings;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/** Apache Iceberg tables in lakepipe's Spark catalog, addressed by identifier ({@code <catalog>.db.name}). */
public final class IcebergFormat extends LakeTableFormat {
  public IcebergFormat() {
    super("iceberg", Addressing.CATALOG, Optional.empty(), Map.of());
  }

  @Override
  public Map<String, String> sessionConf(EngineSettings settings) {
    String catalog = "spark.sql.catalog." + settings.catalog();
    return Map.of(
        "spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
        catalog, "org.apache.iceberg.spark.SparkCatalog",
        catalog + ".type", "hadoop",
        catalog + ".warehouse", settings.warehouse(),
        // A table read again in the same session (every micro-batch of a stream) sees its newest snapshot.
        catalog + ".cache-enabled", "false");
  }

  @Override
  public TableReader reader(SparkSession spark, TableAddress address) {
    return new IcebergReader(spark, address);
  }

  @Override
  public TableWriter writer(SparkSession spark, TableAddress address, TableLayout layout) {
    return new IcebergWriter(spark, address, layout, new IcebergReader(spark, address));
  }

  @Override
  public TableMaintainer maintainer(SparkSession spark, TableAddress address) {
    return new IcebergMaintainer(spark, address, new IcebergReader(spark, address));
  }
}
