package dev.lakepipe.run;

import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableAddresses;
import dev.lakepipe.format.TableFormat;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.format.TableServices;
import dev.lakepipe.format.TableWriter;
import dev.lakepipe.spec.EngineSettings;
import dev.lakepipe.spec.QueryType;
import dev.lakepipe.spec.SourceSpec;
import dev.lakepipe.spec.TargetSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The tables of a run's sources and targets, resolved from their specs. */
public final class Tables {
  private final SparkSession spark;
  private final EngineSettings settings;
  private final Map<String, TableServices> services;

  Tables(SparkSession spark, EngineSettings settings) {
    this(spark, settings, Map.of());
  }

  /** @param services by target name, the services its writers leave to them (others run them in the writes) */
  Tables(SparkSession spark, EngineSettings settings, Map<String, TableServices> services) {
    this.spark = spark;
    this.settings = settings;
    this.services = Map.copyOf(services);
  }

  SparkSession session() {
    return spark;
  }

  /** The same tables, read and written through another session (one of {@link SparkSession#cloneSession()}). */
  Tables in(SparkSession session) {
    return new Tables(session, settings, services);
  }

  /**
   * The rows as a dataset of this run's session: a temporary view is registered in the session of its dataset,
   * and SQL run in this session must find it. Cached data is shared by all sessions of a Spark context.
   */
  Dataset<Row> own(Dataset<Row> rows) {
    return rows.sparkSession() == spark ? rows : Dataset.ofRows(spark, rows.logicalPlan());
  }

  /** Where a source's table is, with its options and declared schema. */
  public static TableAddress address(EngineSettings settings, SourceSpec source) {
    Map<String, String> options = new LinkedHashMap<>(source.options());
    source.schema().ifPresent(schema -> options.put(TableFormat.SCHEMA_OPTION, schema));
    if (source.queryType() != QueryType.SNAPSHOT) {
      options.put(TableFormat.QUERY_TYPE_OPTION, source.queryType().specName());
    }
    return TableAddresses.resolve(settings, TableFormats.get(source.format()), source.name(), source.path(),
        source.table(), options);
  }

  /** Where a target's table is, with its options. */
  public static TableAddress address(EngineSettings settings, TargetSpec target) {
    return TableAddresses.resolve(settings, TableFormats.get(target.format()), target.name(), target.path(),
        target.table(), target.options());
  }

  TableReader reader(SourceSpec source) {
    return TableFormats.get(source.format()).reader(spark, address(settings, source));
  }

  TableReader reader(TargetSpec target) {
    return TableFormats.get(target.format()).reader(spark, address(settings, target));
  }

  TableWriter writer(TargetSpec target) {
    return TableFormats.get(target.format()).writer(spark, address(settings, target), TableLayout.of(target),
        services.getOrDefault(target.name(), TableServices.IN_WRITES));
  }

  /** The services of a target that a streaming query writes (see {@link TableFormat#services}). */
  TableServices services(TargetSpec target) {
    return TableFormats.get(target.format()).services(spark, address(settings, target), TableLayout.of(target));
  }

  /** Format and location, for progress lines. */
  String describe(SourceSpec source) {
    return source.format() + " " + address(settings, source).location();
  }

  /** Format, mode and location, for progress lines. */
  String describe(TargetSpec target) {
    return target.format() + " " + target.mode().specName() + " " + address(settings, target).location();
  }
}
