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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.plans.logical.LocalRelation;
import org.apache.spark.sql.delta.DeltaConcurrentModificationException;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.execution.columnar.InMemoryRelation;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import scala.Option;
import scala.collection.JavaConverters;

/**
 * Writes a Delta table by path: appends and overwrites with the DataFrame writer, upserts and deletes with SQL
 * MERGE, or, into a table with deletion vectors, upserts and key replacements with {@link DeltaKeyReplacement}.
 * Each commit carries the lakepipe properties as JSON user metadata. The first write creates the table with deletion
 * vectors on for a merge-on-read layout, off for copy-on-write; the spec's options win.
 */
final class DeltaWriter extends SqlMergeTableWriter {
  /**
   * Delta's session setting whether a MERGE first copies its source (unless it reads only Delta tables), so that its
   * two passes over the source, finding the files to change and writing them, see the same rows.
   */
  private static final String MATERIALIZE_SOURCE = "spark.databricks.delta.merge.materializeSource";
  /** Delta's session setting for the user metadata of commits made by SQL statements. */
  private static final String USER_METADATA_CONF = "spark.databricks.delta.commitInfo.userMetadata";
  /**
   * Merge-on-read: an update or delete marks the rows it replaces in a deletion vector instead of rewriting their
   * file; the change data feed stays complete.
   */
  private static final String DELETION_VECTORS = "delta.enableDeletionVectors";
  /** The table property of the type widening table feature (a reader-writer feature, set at the first widening). */
  private static final String TYPE_WIDENING = "delta.enableTypeWidening";

  private final SparkSession spark;

  DeltaWriter(SparkSession spark, TableAddress address, TableLayout layout, TableReader reader) {
    super(address, reader, layout, new SqlMerge(spark, sqlName(address), layout,
        (properties, source, statement) -> SessionSetting.with(spark, MATERIALIZE_SOURCE,
            readsTheSameTwice(source) ? "none" : null, () -> withUserMetadata(spark, properties, statement))));
    this.spark = spark;
  }

  private static String sqlName(TableAddress address) {
    return "delta." + SqlMerge.quote(address.requirePath());
  }

  /**
   * A table with deletion vectors takes upserts without a MERGE ({@link DeltaKeyReplacement#upsert}); other tables
   * MERGE.
   */
  @Override
  protected void writeUpsert(Dataset<Row> rows, CommitContext context) {
    replacingOrMerging(rows, replacement -> replacement.upsert(rows, context.properties()),
        () -> super.writeUpsert(rows, context));
  }

  /**
   * A table with deletion vectors takes the keys' rows without a MERGE: one query marks their stored rows in
   * deletion vectors, one writes the new rows ({@link DeltaKeyReplacement#commit}). Other tables MERGE.
   */
  @Override
  protected void writeReplaceKeys(Dataset<Row> rows, Dataset<Row> keys, CommitContext context) {
    replacingOrMerging(rows, replacement -> replacement.commit(rows, keys, context.properties()),
        () -> super.writeReplaceKeys(rows, keys, context));
  }

  private void replacingOrMerging(Dataset<Row> rows, Consumer<DeltaKeyReplacement> replace, Runnable merge) {
    SessionSetting.active(spark, () -> {
      DeltaKeyReplacement replacement = new DeltaKeyReplacement(spark,
          DeltaLog.forTable(spark, address.requirePath()).startTransaction(), layout);
      if (replacement.applies(rows.schema())) {
        replace.accept(replacement);
      } else {
        merge.run();
      }
    });
  }

  /** Delta's optimistic concurrency: a concurrent commit changed what the write read (its log has no locks). */
  @Override
  protected boolean isCommitConflict(Throwable failure) {
    return failure instanceof DeltaConcurrentModificationException;
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
   * ALTER TABLE statements, each a metadata-only commit that carries the table's latest lakepipe properties, so the
   * table's checkpoints stay where they are until the write commits (and if it fails). A MERGE with explicit column
   * lists, as {@link SqlMerge} writes, cannot add columns itself. A widening first turns on the type widening table
   * feature, which readers must support.
   */
  @Override
  protected void evolveSchema(SchemaChanges changes) {
    List<String> alterations = new ArrayList<>();
    Option<String> widening = DeltaLog.forTable(spark, address.requirePath())
        .update(false, Option.empty(), Option.empty()).metadata().configuration().get(TYPE_WIDENING);
    if (!changes.widened().isEmpty() && !(widening.isDefined() && "true".equalsIgnoreCase(widening.get()))) {
      alterations.add("SET TBLPROPERTIES ('" + TYPE_WIDENING + "' = 'true')");
    }
    if (!changes.added().isEmpty()) {
      alterations.add("ADD COLUMNS (" + changes.added().stream()
          .map(column -> SqlMerge.quote(column.name()) + " " + column.dataType().sql())
          .collect(Collectors.joining(", ")) + ")");
    }
    changes.widened().forEach(change -> alterations.add("ALTER COLUMN " + SqlMerge.quote(change.column()) + " TYPE "
        + change.rows().sql()));
    Map<String, String> latest = reader.latestCommit().map(Commit::properties).orElse(Map.of());
    withUserMetadata(spark, latest, () -> alterations.forEach(alteration -> spark.sql("ALTER TABLE "
        + sqlName(address) + " " + alteration)));
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
        .option("userMetadata", UserMetadata.encode(context.properties()));
    if (!reader.exists()) {
      // Options named delta.* become table properties of the table a write creates; later writes keep the table's.
      writer.option(DELETION_VECTORS, layout.storage() == Storage.MERGE_ON_READ);
    }
    return writer.options(address.options()).partitionBy(layout.partitionBy().toArray(String[]::new));
  }

  /**
   * Whether every row of {@code source} comes from persisted or literal rows (an incremental run caches the rows it
   * merges) through deterministic operators: a second read gives the same rows, and a copy would only cost Spark
   * jobs.
   */
  private static boolean readsTheSameTwice(Dataset<Row> source) {
    if (!source.queryExecution().analyzed().deterministic()) {
      return false;
    }
    return JavaConverters.seqAsJavaList(source.queryExecution().withCachedData().collectLeaves()).stream()
        .allMatch(leaf -> leaf instanceof InMemoryRelation || leaf instanceof LocalRelation);
  }

  /** SQL takes no write options, so the user metadata is set in the session for the one statement. */
  static void withUserMetadata(SparkSession spark, Map<String, String> properties, Runnable statement) {
    SessionSetting.with(spark, USER_METADATA_CONF, UserMetadata.encode(properties), statement);
  }

}
