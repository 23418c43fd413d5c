package dev.lakepipe.format.file;

import dev.lakepipe.format.Addressing;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableFormat;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.format.TableWriter;
import dev.lakepipe.spec.EngineSettings;
import dev.lakepipe.spec.WriteMode;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * Plain files of one Spark file source ({@code parquet}, {@code json}, ...), addressed by path: no keys, no
 * history, no commits. The spec's options go to Spark's reader and writer, over the format's defaults;
 * the option {@link TableFormat#SCHEMA_OPTION} is not passed on but declares the schema of the files to read.
 */
public class FileFormat implements TableFormat {
  private final String type;
  private final Map<String, String> defaults;
  private final BadInput badInput;

  /** What of a format's files a batch read can find bad and set aside before the steps see it. */
  enum BadInput {
    /** Nothing: a bad file fails the read. */
    NONE,
    /** Text parsed into rows (JSON, CSV): a record that does not fit the declared schema. */
    TEXT_RECORDS,
    /** A Parquet file whose footer cannot be read: truncated, or not Parquet at all. */
    PARQUET_FILES
  }

  /**
   * @param type the Spark data source name, also the format's name in specs
   * @param defaults options used unless the spec sets them
   */
  protected FileFormat(String type, Map<String, String> defaults, BadInput badInput) {
    this.type = type;
    this.defaults = Map.copyOf(defaults);
    this.badInput = badInput;
  }

  @Override
  public String name() {
    return type;
  }

  @Override
  public Set<WriteMode> writeModes() {
    return EnumSet.of(WriteMode.APPEND, WriteMode.OVERWRITE, WriteMode.OVERWRITE_PARTITIONS);
  }

  @Override
  public Addressing addressing() {
    return Addressing.PATH;
  }

  @Override
  public boolean acceptsSchema() {
    return true;
  }

  @Override
  public boolean findsBadRecords(boolean schemaDeclared) {
    return badInput == BadInput.PARQUET_FILES || (badInput == BadInput.TEXT_RECORDS && schemaDeclared);
  }

  @Override
  public boolean supportsStreamingReads() {
    return true;
  }

  @Override
  public Map<String, String> sessionConf(EngineSettings settings) {
    return Map.of();
  }

  @Override
  public TableReader reader(SparkSession spark, TableAddress address) {
    return new FileReader(spark, address, type, sparkOptions(address), badInput);
  }

  @Override
  public TableWriter writer(SparkSession spark, TableAddress address, TableLayout layout) {
    return new FileWriter(address, layout, type, sparkOptions(address));
  }

  private Map<String, String> sparkOptions(TableAddress address) {
    Map<String, String> options = new HashMap<>(defaults);
    options.putAll(address.options());
    options.remove(SCHEMA_OPTION);
    return options;
  }
}
