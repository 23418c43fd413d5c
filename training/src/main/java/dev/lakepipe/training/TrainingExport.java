package dev.lakepipe.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lakepipe.format.Commit;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.run.RunHistory;
import dev.lakepipe.run.RunRecord;
import dev.lakepipe.run.Tables;
import dev.lakepipe.run.maintenance.HistoryPins;
import dev.lakepipe.run.maintenance.TableRef;
import dev.lakepipe.spec.AsOf;
import dev.lakepipe.spec.JobSpec;
import dev.lakepipe.spec.TargetSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.StructField;

/**
 * Exports one target table, as of one of its commits, into a folder a training job reads: {@code data.parquet},
 * a NumPy file per column (see {@link NpyColumns}) and {@code manifest.json} with the schema, the row count, a
 * checksum of the content and the commits read: the table's, and the commit of each table the run that wrote it read
 * (from the run history). The rows are in a fixed order and nothing in the files depends on when or where the export
 * ran, so the same commit gives the same files. The rows are collected on the driver: an export is a training set
 * that fits in its memory.
 */
public final class TrainingExport {
  static final String MANIFEST = "manifest.json";
  static final String PINS = "pins.json";
  static final String PARQUET = "data.parquet";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private final SparkSession spark;

  public TrainingExport(SparkSession spark) {
    this.spark = spark;
  }

  /**
   * What an export wrote.
   *
   * @param commit the commit of the target table it read
   * @param checksum SHA-256 over the NumPy files, in column order and, within a column, in the order of their roles
   *     (lengths, valid, values)
   * @param pins the pins it holds on the commits it read; empty when not pinned
   */
  public record Result(Path dir, long rows, String commit, String checksum, List<String> pins) {}

  /**
   * @param commit the target's commit to read; empty for its latest
   * @param pin whether to pin the commit read, so that table maintenance keeps it until {@link #release}
   * @throws IllegalArgumentException when the spec has no such target, or a column has no NumPy form
   * @throws IllegalStateException when the target table has no commit yet
   * @throws UncheckedIOException when the folder cannot be written
   */
  public Result export(JobSpec spec, String targetName, Optional<String> commit, Path dir, boolean pin) {
    TargetSpec target = Optional.ofNullable(spec.targets().get(targetName)).orElseThrow(() ->
        new IllegalArgumentException("not a target of " + spec.name() + ": " + targetName + " (targets: "
            + String.join(", ", spec.targets().keySet()) + ")"));
    TableAddress address = Tables.address(spec.settings(), target);
    TableReader reader = TableFormats.get(target.format()).reader(spark, address);
    Commit read = commit.map(id -> reader.commits().stream().filter(c -> c.id().equals(id)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no commit " + id + " in the history of "
                + address.location())))
        .or(reader::latestCommit)
        .orElseThrow(() -> new IllegalStateException("target " + targetName + " has no commit yet; run it first"));
    Dataset<Row> rows = reader.asOf(AsOf.version(read.id()));
    List<Row> collected = rows.orderBy(order(rows, target)).collectAsList();
    try {
      Files.createDirectories(dir);
      writeParquet(rows.sparkSession().createDataFrame(collected, rows.schema()), dir);
      Map<String, Object> manifest = new LinkedHashMap<>();
      manifest.put("target", targetName);
      manifest.put("table", Map.of("format", target.format(), "location", address.location(), "commit",
          read.id()));
      manifest.put("sources", sourceCommits(spec, read));
      manifest.put("rows", collected.size());
      List<Map<String, Object>> columns = new ArrayList<>();
      Map<String, String> files = new TreeMap<>();
      MessageDigest content = sha256();
      StructField[] fields = rows.schema().fields();
      for (int i = 0; i < fields.length; i++) {
        NpyColumns.Written written = NpyColumns.write(dir, fields[i], i, collected);
        Map<String, Object> column = new LinkedHashMap<>();
        column.put("name", written.column());
        column.put("type", written.type());
        column.put("dtype", written.dtype());
        column.put("shape", written.shape());
        column.put("files", written.files());
        columns.add(column);
        for (String file : written.files().values()) {
          byte[] bytes = Files.readAllBytes(dir.resolve(file));
          files.put(file, hex(sha256().digest(bytes)));
          content.update(bytes);
        }
      }
      files.put(PARQUET, hex(sha256().digest(Files.readAllBytes(dir.resolve(PARQUET)))));
      String checksum = hex(content.digest());
      manifest.put("columns", columns);
      manifest.put("parquet", PARQUET);
      manifest.put("files", files);
      manifest.put("checksum", checksum);
      JSON.writeValue(dir.resolve(MANIFEST).toFile(), manifest);
      List<String> pins = new ArrayList<>();
      if (pin) {
        HistoryPins.Pin held = pins(spec.settings().warehouse()).pin(TableRef.of(target.format(), address), read.id(),
            "export " + dir.toAbsolutePath().normalize());
        pins.add(held.id());
        JSON.writeValue(dir.resolve(PINS).toFile(), Map.of("warehouse", spec.settings().warehouse(), "pins", pins));
      }
      return new Result(dir, collected.size(), read.id(), checksum, pins);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the export to " + dir, e);
    }
  }

  /**
   * Releases the pins an export holds: table maintenance may then clean the history it read.
   *
   * @return the pins released; empty when the export held none
   * @throws UncheckedIOException when the export's pins cannot be read or removed
   */
  public List<String> release(Path dir) {
    Path file = dir.resolve(PINS);
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    try {
      Map<?, ?> held = JSON.readValue(file.toFile(), Map.class);
      HistoryPins pins = pins((String) held.get("warehouse"));
      List<String> released = ((List<?>) held.get("pins")).stream().map(String::valueOf).filter(pins::release)
          .toList();
      Files.delete(file);
      return released;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release the pins of " + dir, e);
    }
  }

  private HistoryPins pins(String warehouse) {
    return new HistoryPins(spark.sparkContext().hadoopConfiguration(), warehouse);
  }

  /** The target's keys, then every other column that can be ordered: a total order for keyed tables. */
  private static Column[] order(Dataset<Row> rows, TargetSpec target) {
    Stream<String> others = Arrays.stream(rows.schema().fields())
        .filter(f -> !(f.dataType() instanceof ArrayType) && !target.keys().contains(f.name())).map(StructField::name);
    return Stream.concat(target.keys().stream(), others).map(c -> functions.col("`" + c + "`").asc_nulls_first())
        .toArray(Column[]::new);
  }

  /**
   * The commit of each table the run that made the commit read, as the run history recorded it; for a commit no
   * recorded run made, the checkpoints it holds.
   */
  private Map<String, String> sourceCommits(JobSpec spec, Commit commit) {
    Map<String, String> properties = commit.properties();
    Optional<String> runId = Optional.ofNullable(properties.get(CommitContext.PREFIX + "run-id"));
    Optional<String> pipeline = Optional.ofNullable(properties.get(CommitContext.PREFIX + "pipeline"));
    Optional<String> logicalTime = Optional.ofNullable(properties.get(CommitContext.LOGICAL_TIME));
    if (runId.isPresent() && pipeline.isPresent() && logicalTime.isPresent()) {
      Optional<RunRecord> run = new RunHistory(spark, spec.settings()).of(pipeline.get(),
          Instant.parse(logicalTime.get())).stream().filter(r -> r.runId().equals(runId.get())).findFirst();
      if (run.isPresent()) {
        return new TreeMap<>(run.get().reads());
      }
    }
    Map<String, String> sources = new TreeMap<>();
    properties.forEach((key, value) -> {
      if (key.startsWith(CommitContext.CHECKPOINT)) {
        sources.put(key.substring(CommitContext.CHECKPOINT.length()), value);
      }
    });
    return sources;
  }

  /** One Parquet file: the rows in one partition, written by Spark, moved out of its folder. */
  private static void writeParquet(Dataset<Row> rows, Path dir) throws IOException {
    Path staging = dir.resolve("_parquet");
    rows.coalesce(1).write().mode("overwrite").parquet(staging.toUri().toString());
    try (Stream<Path> files = Files.list(staging)) {
      Path part = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst()
          .orElseThrow(() -> new IOException("Spark wrote no Parquet file to " + staging));
      Files.move(part, dir.resolve(PARQUET), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    try (Stream<Path> left = Files.list(staging)) {
      for (Path file : left.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(staging);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
