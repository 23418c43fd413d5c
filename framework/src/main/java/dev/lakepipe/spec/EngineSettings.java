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
 * @param profile the environment profile file the settings were merged over, as shown to the user; empty when none
 *     was found or the settings come from elsewhere
 */
public record EngineSettings(String warehouse, Optional<String> master, Optional<String> appName,
    Map<String, String> sparkConf, String catalog, Optional<String> profile) {
  public EngineSettings {
    sparkConf = Map.copyOf(sparkConf);
  }

  /** Settings that no environment profile contributed to. */
  public EngineSettings(String warehouse, Optional<String> master, Optional<String> appName,
      Map<String, String> sparkConf, String catalog) {
    this(warehouse, master, appName, sparkConf, catalog, Optional.empty());
  }
}
