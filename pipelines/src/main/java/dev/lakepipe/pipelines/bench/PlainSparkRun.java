package dev.lakepipe.pipelines.bench;

import static org.apache.spark.sql.functions.col;

import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableAddresses;
import dev.lakepipe.format.TableFormat;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.plan.Plan;
import dev.lakepipe.spec.JobSpec;
import dev.lakepipe.spec.SourceSpec;
import dev.lakepipe.spec.StepSpec;
import dev.lakepipe.spec.TargetSpec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.CreateTableWriter;
import org.apache.spark.sql.DataFrameWriterV2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * A spec's full run as a plain Spark job would do it, without lakepipe: each source read as a snapshot with Spark's
 * own reader, the SQL steps as temporary views, and each target's rows written with a plain overwrite of the same
 * format, partitioning and table options into a table of {@code <outputDatabase>.<target>}. No locks, checkpoints,
 * run history or counts: what is left of lakepipe's full run is its framework's cost.
 */
final class PlainSparkRun {
  private final SparkSession spark;
  private final JobSpec job;
  private final String outputDatabase;

  PlainSparkRun(SparkSession spark, JobSpec job, String outputDatabase) {
    this.spark = spark;
    this.job = job;
    this.outputDatabase = outputDatabase;
  }

  /**
   * Reads, computes and overwrites every target.
   *
   * @throws IllegalArgumentException when a step of the spec is a Java class, which this run does not load
   */
  void run() {
    Plan plan = Plan.of(job);
    for (SourceSpec source : plan.reads()) {
      TableAddress address = TableAddresses.resolve(job.settings(), TableFormats.get(source.format()), source.name(),
          source.path(), source.table(), source.options());
      read(source.format(), address).createOrReplaceTempView(source.name());
    }
    for (StepSpec step : plan.steps()) {
      String sql = step.sql().orElseThrow(() -> new IllegalArgumentException("step " + step.name()
          + " is a Java class; the plain Spark run runs SQL steps only"));
      spark.sql(sql).createOrReplaceTempView(step.name());
    }
    for (TargetSpec target : plan.writes()) {
      TableFormat format = TableFormats.get(target.format());
      TableAddress address = TableAddresses.resolve(job.settings(), format, target.name(), Optional.empty(),
          Optional.of(outputDatabase + "." + target.name()), target.options());
      overwrite(spark.table(target.from()), target, address);
    }
  }

  private Dataset<Row> read(String format, TableAddress address) {
    if (address.identifier().isPresent()) {
      return spark.table(address.requireIdentifier());
    }
    return spark.read().format(format).options(address.options()).load(address.requirePath());
  }

  private void overwrite(Dataset<Row> rows, TargetSpec target, TableAddress address) {
    if (address.identifier().isPresent()) {
      replaceCatalogTable(rows, target, address);
      return;
    }
    rows.write().format(target.format()).mode(SaveMode.Overwrite)
        .partitionBy(target.partitionBy().toArray(String[]::new))
        .options(writeOptions(target, address)).save(address.requirePath());
  }

  /** Creates or replaces the table, partitioned by identity as lakepipe creates it, in one commit. */
  private static void replaceCatalogTable(Dataset<Row> rows, TargetSpec target, TableAddress address) {
    DataFrameWriterV2<Row> table = rows.writeTo(address.requireIdentifier());
    CreateTableWriter<Row> writer = table;
    if (!target.partitionBy().isEmpty()) {
      // Only DataFrameWriterV2 itself has the Java varargs form of partitionedBy.
      Column[] columns = target.partitionBy().stream().map(name -> col(name)).toArray(Column[]::new);
      writer = table.partitionedBy(columns[0], Arrays.copyOfRange(columns, 1, columns.length));
    }
    for (Map.Entry<String, String> option : address.options().entrySet()) {
      writer = writer.tableProperty(option.getKey(), option.getValue());
    }
    writer.createOrReplace();
  }

  /**
   * The target's options; for Hudi also the record key, ordering field, partition path and index that lakepipe's
   * Hudi writer gives its tables, without which Hudi could not tell the rows apart as lakepipe's tables do.
   */
  private static Map<String, String> writeOptions(TargetSpec target, TableAddress address) {
    Map<String, String> options = new LinkedHashMap<>();
    if (target.format().equals("hudi")) {
      options.put("hoodie.table.name", address.table().replace('.', '_'));
      options.put("hoodie.datasource.write.operation", "insert_overwrite_table");
      options.put("hoodie.datasource.write.table.type", "COPY_ON_WRITE");
      options.put("hoodie.datasource.write.recordkey.field", String.join(",", target.keys()));
      target.orderBy().ifPresent(orderBy -> options.put("hoodie.datasource.write.precombine.field", orderBy));
      if (!target.partitionBy().isEmpty()) {
        options.put("hoodie.datasource.write.partitionpath.field", String.join(",", target.partitionBy()));
        options.put("hoodie.datasource.write.hive_style_partitioning", "true");
        options.put("hoodie.index.type", "GLOBAL_SIMPLE");
      }
    }
    options.putAll(address.options());
    return options;
  }
}
