package dev.lakepipe.format.hudi;

import dev.lakepipe.format.Addressing;
import dev.lakepipe.format.LakeTableFormat;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.format.TableWriter;
import dev.lakepipe.spec.EngineSettings;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Apache Hudi tables, addressed by path. */
public final class HudiFormat extends LakeTableFormat {
  public HudiFormat() {
    super("hudi", Addressing.PATH);
  }

  @Override
  public Map<String, String> sessionConf(EngineSettings settings) {
    return Map.of(
        "spark.sql.extensions", "org.apache.spark.sql.hudi.HoodieSparkSessionExtension",
        "spark.serializer", "org.apache.spark.serializer.KryoSerializer",
        "spark.kryo.registrator", "org.apache.spark.HoodieSparkKryoRegistrar");
  }

  @Override
  public TableReader reader(SparkSession spark, TableAddress address) {
    return new HudiReader(spark, address);
  }

  @Override
  public TableWriter writer(SparkSession spark, TableAddress address, TableLayout layout) {
    return new HudiWriter(address, layout, new HudiReader(spark, address));
  }
}
