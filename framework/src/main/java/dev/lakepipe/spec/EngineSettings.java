package dev.lakepipe.spec;

import java.util.Map;
import java.util.Optional;

/**
 * Where and how a pipeline runs: the warehouse root, the Spark master and settings, and the name of the Spark
 * catalog that holds catalog-addressed tables.
 *
 * @param warehouse absolute path or URI of the warehouse root
 * @param master the Spark master for local runs; ignored when launched by spark-submit, which sets its own
 * @param sparkConf Spark settings from the spec and environment profile; they win over the formats' defaults
 * @param catalog the Spark catalog of catalog-addressed tables
 */
public record EngineSettings(
    String warehouse, Optional<String> master, Optional<String> appName, Map<String, String> sparkConf, String catalog) {
  public EngineSettings {
    sparkConf = Map.copyOf(sparkConf);
  }
}
