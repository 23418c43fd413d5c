package dev.lakepipe.format.file;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import dev.lakepipe.format.AbstractTableReader;
import dev.lakepipe.format.Commit;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableFormat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Reads the files under a path, with the declared schema when the spec gives one. */
final class FileReader extends AbstractTableReader {
  private final SparkSession spark;
  private final String type;
  private static final String CORRUPT = "_lakepipe_corrupt";

  private final Map<String, String> options;
  private final FileFormat.BadInput badInput;
  /** Listed and checked once, for both the rows and the bad records of a read. */
  private ParquetFiles parquetFiles;

  FileReader(SparkSession spark, TableAddress address, String type, Map<String, String> options,
      FileFormat.BadInput badInput) {
    super(address);
    this.badInput = badInput;
    this.spark = spark;
    this.type = type;
    this.options = Map.copyOf(options);
  }

  /** @throws UncheckedIOException when the file system cannot be asked */
  @Override
  public boolean exists() {
    Path path = new Path(address.requirePath());
    try {
      return path.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look for files at " + path, e);
    }
  }

  /**
   * @throws IllegalStateException when no Parquet file of the source is readable and it declares no schema, so
   *     that its columns are unknown
   */
  @Override
  protected Dataset<Row> readSnapshot() {
    String schema = address.options().get(TableFormat.SCHEMA_OPTION);
    DataFrameReader reader = spark.read().format(type).options(options);
    DataFrameReader declared = schema == null ? reader : reader.schema(schema);
    if (badInput == FileFormat.BadInput.PARQUET_FILES && !parquetFiles().corrupt().isEmpty()) {
      ParquetFiles files = parquetFiles();
      if (!files.readable().isEmpty()) {
        // The partition columns of a folder come from the paths under the base path.
        return (files.folder() ? declared.option("basePath", files.root().toString()) : declared)
            .load(files.readable().toArray(String[]::new));
      }
      if (schema == null) {
        Map.Entry<String, String> first = files.corrupt().entrySet().iterator().next();
        throw new IllegalStateException("source " + address.name() + " has no readable Parquet file to take its"
            + " columns from: " + first.getKey() + " is " + first.getValue());
      }
      return spark.createDataFrame(List.of(), StructType.fromDDL(schema));
    }
    return parsed().map(rows -> rows.where(col(CORRUPT).isNull().and(readsEveryColumn(rows))).drop(CORRUPT))
        .orElseGet(() -> declared.load(address.requirePath()));
  }

  @Override
  public Optional<Dataset<Row>> badRecords() {
    if (badInput == FileFormat.BadInput.PARQUET_FILES) {
      // A file whose footer cannot be read has no rows to read: it is one bad record, with no raw value.
      List<Row> files = parquetFiles().corrupt().entrySet().stream()
          .map(e -> RowFactory.create(e.getKey(), null, e.getValue())).toList();
      return files.isEmpty() ? Optional.empty() : Optional.of(spark.createDataFrame(files,
          StructType.fromDDL("position STRING, raw_value STRING, reason STRING")));
    }
    String reason = "not " + type.toUpperCase(Locale.ROOT) + " of the declared schema ("
        + address.options().get(TableFormat.SCHEMA_OPTION) + ")";
    return parsed().map(rows -> rows.where(col(CORRUPT).isNotNull().and(readsEveryColumn(rows)))
        .select(input_file_name().as("position"), col(CORRUPT).as("raw_value"), lit(reason).as("reason")));
  }

  /**
   * Spark refuses a scan of text files that reads the corrupt-record column alone (counting the good rows, or
   * selecting the bad ones); this condition, always true, makes the scan read the declared columns too, so the
   * files need not be cached first.
   */
  private static Column readsEveryColumn(Dataset<Row> rows) {
    Column[] declared = Arrays.stream(rows.columns()).filter(c -> !c.equals(CORRUPT))
        .map(functions::col).toArray(Column[]::new);
    return length(to_json(struct(declared))).geq(0);
  }

  /**
   * Text files with a declared schema, read in Spark's PERMISSIVE mode: a line that is not JSON, a CSV row with
   * the wrong number of fields and a value that does not fit its type keep their raw text in the corrupt-record
   * column instead of being dropped or nulled. Deterministic (no file name column): a MERGE refuses a source that
   * is not.
   */
  private Optional<Dataset<Row>> parsed() {
    String schema = address.options().get(TableFormat.SCHEMA_OPTION);
    if (badInput != FileFormat.BadInput.TEXT_RECORDS || schema == null) {
      return Optional.empty();
    }
    return Optional.of(spark.read().format(type).options(options).option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", CORRUPT)
        .schema(StructType.fromDDL(schema).add(CORRUPT, DataTypes.StringType)).load(address.requirePath()));
  }

  /** @throws UncheckedIOException when the files cannot be listed */
  private ParquetFiles parquetFiles() {
    if (parquetFiles == null) {
      try {
        parquetFiles = ParquetFiles.under(new Path(address.requirePath()), spark.sparkContext().hadoopConfiguration());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list the files of " + address.name() + " at " + address.requirePath(),
            e);
      }
    }
    return parquetFiles;
  }

  /**
   * The files as they arrive in the folder, each read once.
   *
   * @throws IllegalArgumentException when the source declares no schema: a stream cannot infer one up front
   */
  @Override
  protected Dataset<Row> readStream() {
    String schema = address.options().get(TableFormat.SCHEMA_OPTION);
    if (schema == null) {
      throw new IllegalArgumentException("source " + address.name() + " is read as a stream of " + type
          + " files and needs a declared schema (schema = \"id BIGINT, ...\")");
    }
    return spark.readStream().format(type).options(options).schema(schema).load(address.requirePath());
  }

  /** @throws UnsupportedOperationException always: plain files keep no history */
  @Override
  protected Dataset<Row> readVersion(String version) {
    throw noHistory();
  }

  /** @throws UnsupportedOperationException always: plain files keep no history */
  @Override
  protected Dataset<Row> readTimestamp(Instant timestamp) {
    throw noHistory();
  }

  @Override
  protected Optional<Commit> readLatestCommit() {
    return Optional.empty();
  }

  @Override
  protected List<Commit> readCommits() {
    return List.of();
  }

  /** @throws UnsupportedOperationException always: plain files keep no history */
  @Override
  protected void requireChangesRecorded() {
    throw noHistory();
  }

  /** @throws UnsupportedOperationException always: plain files keep no history */
  @Override
  protected Dataset<Row> readChanges(String since, Commit until) {
    throw noHistory();
  }

  private UnsupportedOperationException noHistory() {
    return new UnsupportedOperationException(
        type + " files keep no history, so " + address.name() + " has no versions and no changes to read");
  }
}
