package dev.lakepipe.format.delta;

import dev.lakepipe.format.Commit;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.SchemaChanges;
import dev.lakepipe.format.SqlMerge;
import dev.lakepipe.format.SqlMergeTableWriter;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.spec.Storage;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import scala.Option;

/**
 * Writes a Delta table by path: appends and overwrites with the DataFrame writer, upserts and deletes with SQL
 * MERGE. Each commit carries the lakepipe properties as JSON user metadata. The first write creates the table with
 * deletion vectors on for a merge-on-read layout, off for copy-on-write; the spec's options win. A write that adds
 * or widens columns does so in its own commit, with Delta's schema evolution ({@code mergeSchema}, and {@code
 * autoMerge} for MERGE).
 */
final class DeltaWriter extends SqlMergeTableWriter {
  /** Delta's session setting for the user metadata of commits made by SQL statements. */
  private static final String USER_METADATA_CONF = "spark.databricks.delta.commitInfo.userMetadata";
  /** Delta's session setting that lets a MERGE add the source's new columns to the target (and widen types). */
  private static final String AUTO_MERGE_CONF = "spark.databricks.delta.schema.autoMerge.enabled";
  /** The table property of the type widening table feature (a reader-writer feature, set at the first widening). */
  private static final String TYPE_WIDENING = "delta.enableTypeWidening";
  /**
   * Merge-on-read: an update or delete marks the rows it replaces in a deletion vector instead of rewriting their
   * file; the change data feed stays complete.
   */
  private static final String DELETION_VECTORS = "delta.enableDeletionVectors";

  private final SparkSession spark;
  /** Whether this writer's write evolves the table's schema (set by {@link #evolveSchema}). */
  private final AtomicBoolean evolving;

  DeltaWriter(SparkSession spark, TableAddress address, TableLayout layout, TableReader reader) {
    this(spark, address, layout, reader, new AtomicBoolean());
  }

  private DeltaWriter(SparkSession spark, TableAddress address, TableLayout layout, TableReader reader,
      AtomicBoolean evolving) {
    super(address, reader, layout, new SqlMerge(spark, sqlName(address), layout, (properties, statement) ->
        withSession(spark, sessionConf(properties, evolving.get()), statement)));
    this.spark = spark;
    this.evolving = evolving;
  }

  private static String sqlName(TableAddress address) {
    return "delta." + SqlMerge.quote(address.requirePath());
  }

  private static Map<String, String> sessionConf(Map<String, String> properties, boolean evolving) {
    return evolving
        ? Map.of(USER_METADATA_CONF, UserMetadata.encode(properties), AUTO_MERGE_CONF, "true")
        : Map.of(USER_METADATA_CONF, UserMetadata.encode(properties));
  }

  /** Delta 3.3 on Spark 3.5 widens only what Spark 3.5's Parquet reader converts (see {@code TypeWideningShims}). */
  @Override
  protected Optional<String> wideningLimit(DataType from, DataType to) {
    boolean supported = (from.equals(DataTypes.ByteType) && to.equals(DataTypes.ShortType))
        || ((from.equals(DataTypes.ByteType) || from.equals(DataTypes.ShortType)) && to.equals(DataTypes.IntegerType));
    return supported ? Optional.empty() : Optional.of("Delta 3.3 on Spark 3.5 widens only TINYINT to SMALLINT to INT"
        + " (its Parquet reader lacks the other conversions, which come with Delta 4.0 on Spark 4.0)");
  }

  /**
   * The write that follows evolves the schema in its own commit. A widening needs the table's type widening feature
   * first: set in a commit of its own that carries the table's latest lakepipe properties, so that if the write
   * fails after it, the table's checkpoints stay where they were.
   */
  @Override
  protected void evolveSchema(SchemaChanges changes) {
    evolving.set(true);
    Option<String> widening = DeltaLog.forTable(spark, address.requirePath())
        .update(false, Option.empty(), Option.empty()).metadata().configuration().get(TYPE_WIDENING);
    if (!changes.widened().isEmpty() && !(widening.isDefined() && "true".equalsIgnoreCase(widening.get()))) {
      Map<String, String> latest = reader.latestCommit().map(Commit::properties).orElse(Map.of());
      withSession(spark, Map.of(USER_METADATA_CONF, UserMetadata.encode(latest)), () -> spark.sql("ALTER TABLE "
          + sqlName(address) + " SET TBLPROPERTIES ('" + TYPE_WIDENING + "' = 'true')"));
    }
  }

  @Override
  protected void writeAppend(Dataset<Row> rows, CommitContext context) {
    writer(rows, context).mode(SaveMode.Append).save(address.requirePath());
  }

  @Override
  protected void writeOverwrite(Dataset<Row> rows, CommitContext context) {
    writer(rows, context).mode(SaveMode.Overwrite).save(address.requirePath());
  }

  @Override
  protected void writeOverwritePartitions(Dataset<Row> rows, CommitContext context) {
    writer(rows, context).mode(SaveMode.Overwrite).option("partitionOverwriteMode", "dynamic").save(address.requirePath());
  }

  private DataFrameWriter<Row> writer(Dataset<Row> rows, CommitContext context) {
    DataFrameWriter<Row> writer = rows.write().format("delta")
        .option("userMetadata", UserMetadata.encode(context.properties()))
        .option("mergeSchema", evolving.get());
    if (!reader.exists()) {
      // Options named delta.* become table properties of the table a write creates; later writes keep the table's.
      writer.option(DELETION_VECTORS, layout.storage() == Storage.MERGE_ON_READ);
    }
    return writer.options(address.options()).partitionBy(layout.partitionBy().toArray(String[]::new));
  }

  /** SQL takes no write options, so the user metadata (and schema evolution) is set in the session for the one statement. */
  private static void withSession(SparkSession spark, Map<String, String> settings, Runnable statement) {
    RuntimeConfig conf = spark.conf();
    Map<String, Option<String>> previous = new HashMap<>();
    settings.forEach((key, value) -> {
      previous.put(key, conf.getOption(key));
      conf.set(key, value);
    });
    try {
      statement.run();
    } finally {
      previous.forEach((key, value) -> {
        if (value.isDefined()) {
          conf.set(key, value.get());
        } else {
          conf.unset(key);
        }
      });
    }
  }
}
