package dev.lakepipe.run.maintenance;

import dev.lakepipe.format.TableAddress;
import dev.lakepipe.plan.Plan;
import dev.lakepipe.run.PipelineLocks;
import dev.lakepipe.run.Tables;
import dev.lakepipe.spec.SourceSpec;
import dev.lakepipe.spec.TargetSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Which tables of a warehouse keep incremental checkpoints of which other tables: one small file per target
 * table under {@code <warehouse>/_lakepipe/checkpoint-readers}, written by every run of a pipeline whose target
 * records checkpoints. It says only who reads what; the checkpoints themselves stay in the targets' commits, so this
 * index cannot disagree with them, at worst it names a target that no longer exists.
 */
public final class CheckpointReaders {
  private static final String FOLDER = "_lakepipe/checkpoint-readers";

  private final SparkSession spark;
  private final Path folder;

  public CheckpointReaders(SparkSession spark, String warehouse) {
    this.spark = spark;
    this.folder = new Path(warehouse, FOLDER);
  }

  /**
   * A target whose commits hold the checkpoint of a source table.
   *
   * @param pipeline the pipeline that writes the target
   * @param target the target table, whose latest commit holds the checkpoint
   * @param source the source's name in that pipeline (the key of its checkpoint)
   * @param sourceTable the table the source reads
   */
  public record Reader(String pipeline, TableRef target, String source, TableRef sourceTable) {}

  /**
   * Records, for each target of the plan that keeps checkpoints, which tables its sources read.
   *
   * @throws UncheckedIOException when the folder cannot be written
   */
  public void register(Plan plan) {
    for (TargetSpec target : plan.writes()) {
      List<SourceSpec> sources = plan.incrementalSources(target);
      if (sources.isEmpty()) {
        continue;
      }
      TableRef targetTable = TableRef.of(target.format(), Tables.address(plan.spec().settings(), target));
      Properties entry = new Properties();
      entry.setProperty("pipeline", plan.spec().name());
      put(entry, "target", targetTable);
      for (SourceSpec source : sources) {
        TableAddress address = Tables.address(plan.spec().settings(), source);
        put(entry, "source." + source.name(), TableRef.of(source.format(), address));
      }
      write(spark.sparkContext().hadoopConfiguration(), new Path(folder, PipelineLocks.tableLock(targetTable.toString()) + ".properties"), entry,
          "tables whose checkpoints this target's commits hold; written by lakepipe runs");
    }
  }

  /**
   * Every target of the warehouse that keeps a checkpoint of the table.
   *
   * @throws UncheckedIOException when the folder cannot be read
   */
  public List<Reader> of(TableRef table) {
    List<Reader> readers = new ArrayList<>();
    try {
      FileSystem files = folder.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!files.exists(folder)) {
        return readers;
      }
      for (FileStatus file : files.listStatus(folder)) {
        Properties entry = new Properties();
        try (InputStream in = files.open(file.getPath())) {
          entry.load(in);
        }
        TableRef target = get(entry, "target");
        for (String key : entry.stringPropertyNames()) {
          if (key.startsWith("source.") && key.endsWith(".format")) {
            String source = key.substring("source.".length(), key.length() - ".format".length());
            TableRef read = get(entry, "source." + source);
            if (read.sameTable(table)) {
              readers.add(new Reader(entry.getProperty("pipeline"), target, source, read));
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + folder, e);
    }
    return readers;
  }

  static void put(Properties entry, String prefix, TableRef table) {
    entry.setProperty(prefix + ".format", table.format());
    entry.setProperty(prefix + ".table", table.table());
    entry.setProperty(prefix + ".location", table.location());
  }

  static TableRef get(Properties entry, String prefix) {
    return new TableRef(entry.getProperty(prefix + ".format"), entry.getProperty(prefix + ".table"),
        entry.getProperty(prefix + ".location"));
  }

  /** @throws UncheckedIOException when the file cannot be written */
  static void write(Configuration hadoop, Path file, Properties entry, String comment) {
    try {
      FileSystem files = file.getFileSystem(hadoop);
      try (OutputStream out = files.create(file, true)) {
        entry.store(out, comment);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
