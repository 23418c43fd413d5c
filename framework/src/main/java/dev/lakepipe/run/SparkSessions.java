package dev.lakepipe.run;

import dev.lakepipe.format.TableFormat;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.spec.EngineSettings;
import dev.lakepipe.storage.NioLocalFileSystem;
import dev.lakepipe.storage.NioLocalFs;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/** Builds the SparkSession a pipeline runs in: the formats' own settings, then the spec's, which win. */
public final class SparkSessions {
  static final String EXTENSIONS = "spark.sql.extensions";
  static final String LOCAL_FILE_SYSTEM = "spark.hadoop.fs.file.impl";
  static final String LOCAL_FILE_CONTEXT = "spark.hadoop.fs.AbstractFileSystem.file.impl";
  static final String CODEGEN_CACHE_ENTRIES = "spark.sql.codegen.cache.maxEntries";
  /**
   * Compiled query code kept per JVM. Spark keeps 100 classes, fewer than one increment generates (the formats'
   * MERGE and log queries included), so a JVM that runs the same queries again (hourly runs in one process,
   * streaming micro-batches, backfills, tests) compiled them again each time.
   */
  static final String CODEGEN_CACHE_SIZE = "1000";

  private SparkSessions() {}

  /** The settings a session gets for these engine settings, in the order they apply. */
  public static Map<String, String> conf(EngineSettings settings) {
    Map<String, String> conf = new LinkedHashMap<>();
    Set<String> extensions = new LinkedHashSet<>();
    for (TableFormat format : TableFormats.all().values()) {
      format.sessionConf(settings).forEach((key, value) -> {
        if (key.equals(EXTENSIONS)) {
          extensions.add(value);
        } else {
          String clash = conf.putIfAbsent(key, value);
          if (clash != null && !clash.equals(value)) {
            throw new IllegalStateException("table formats disagree on " + key + ": " + clash + " vs " + value);
          }
        }
      });
    }
    if (!extensions.isEmpty()) {
      conf.put(EXTENSIONS, String.join(",", extensions));
    }
    conf.put("spark.sql.warehouse.dir", settings.warehouse() + "/spark-warehouse");
    // Local files without a chmod, ls or readlink process per file (Spark ships no native Hadoop library).
    conf.put(LOCAL_FILE_SYSTEM, NioLocalFileSystem.class.getName());
    conf.put(LOCAL_FILE_CONTEXT, NioLocalFs.class.getName());
    conf.put(CODEGEN_CACHE_ENTRIES, CODEGEN_CACHE_SIZE);
    conf.putAll(settings.sparkConf());
    return conf;
  }

  /**
   * Returns the session for these settings, creating it if this JVM has none. The master is taken from the
   * settings only when spark-submit did not set one.
   */
  public static SparkSession getOrCreate(EngineSettings settings) {
    scala.Option<SparkSession> existing = SparkSession.getDefaultSession();
    if (existing.isDefined()) {
      checkStaticConf(existing.get(), settings);
    }
    SparkSession.Builder builder = SparkSession.builder().appName(settings.appName().orElse("lakepipe"));
    if (System.getProperty("spark.master") == null) {
      builder.master(settings.master().orElse("local[*]"));
    }
    conf(settings).forEach(builder::config);
    return builder.getOrCreate();
  }

  /**
   * Catalogs and extensions are fixed when a session starts; a second pipeline in the same JVM that needs others
   * (another warehouse, say) would silently write to the first one's tables.
   *
   * @throws IllegalStateException when the running session's catalogs or extensions differ from these settings'
   */
  private static void checkStaticConf(SparkSession session, EngineSettings settings) {
    conf(settings).forEach((key, value) -> {
      boolean fixedAtStart = key.startsWith("spark.sql.catalog.") || key.equals(EXTENSIONS);
      String current = session.conf().get(key, null);
      if (fixedAtStart && !value.equals(current)) {
        throw new IllegalStateException("this JVM's Spark session has " + key + " = " + current + ", but the pipeline"
            + " needs " + value + "; run pipelines with different catalogs or warehouses in separate processes");
      }
    });
  }
}
