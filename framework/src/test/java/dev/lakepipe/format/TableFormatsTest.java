package dev.lakepipe.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.run.SparkSessions;
import dev.lakepipe.testing.TestSpark;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The adapters are found by name and their session settings combine; no Spark session is started. */
class TableFormatsTest {
  @Test
  void everyFormatIsRegistered() {
    assertEquals(List.of("csv", "delta", "hudi", "iceberg", "json", "kafka", "orc", "parquet"),
        List.copyOf(TableFormats.all().keySet()));
    assertEquals(Addressing.CATALOG, TableFormats.get("iceberg").addressing());
  }

  @Test
  void sessionSettingsOfAllFormatsCombine() {
    Map<String, String> conf = SparkSessions.conf(TestSpark.settings());

    assertEquals("io.delta.sql.DeltaSparkSessionExtension,org.apache.spark.sql.hudi.HoodieSparkSessionExtension,"
        + "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions", conf.get("spark.sql.extensions"));
    assertEquals("org.apache.iceberg.spark.SparkCatalog", conf.get("spark.sql.catalog.lakepipe"));
    assertEquals(TestSpark.warehouse().toString(), conf.get("spark.sql.catalog.lakepipe.warehouse"));
    assertTrue(conf.containsKey("spark.kryo.registrator"));
    assertEquals("1000", conf.get("spark.sql.codegen.cache.maxEntries"));
  }
}
