package dev.lakepipe.format.delta;

import dev.lakepipe.format.HistoryUnavailableException;
import dev.lakepipe.format.TableAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddCDCFile;
import org.apache.spark.sql.delta.actions.DeletionVectorDescriptor;
import org.apache.spark.sql.delta.actions.FileAction;
import org.apache.spark.sql.delta.actions.Metadata;
import scala.Option;
import scala.Tuple2;
import scala.collection.Iterator;
import scala.collection.JavaConverters;

/**
 * Whether Delta's change data feed can serve a range of versions. Delta finds out only while reading: a
 * version missing from the log, a version written without the feed, or a data file removed by VACUUM fails the
 * query half-way. Checked here up front, from the log alone, so the caller gets a {@link
 * HistoryUnavailableException} instead.
 */
final class DeltaChangeFeed {
  /** The table property that makes Delta record the change data feed. */
  static final String ENABLE = "delta.enableChangeDataFeed";

  private DeltaChangeFeed() {}

  static boolean enabled(Metadata metadata) {
    Option<String> value = metadata.configuration().get(ENABLE);
    return value.isDefined() && "true".equalsIgnoreCase(value.get());
  }

  /**
   * Checks versions {@code from} to {@code to} the way the change data feed reads them: the snapshot at {@code
   * from} must be rebuildable with the feed enabled; every version must still be in the log, must not disable the
   * feed, and the files the feed reads for it must still exist (its change files when it has any, else its added
   * and removed data files, with their deletion vectors).
   *
   * @param since the commit the changes are asked since ({@code from - 1}), for messages
   * @throws HistoryUnavailableException when a version cannot be served
   * @throws UncheckedIOException when the file system cannot be asked
   */
  static void check(SparkSession spark, TableAddress address, String since, long from, long to) {
    DeltaLog log = DeltaLog.forTable(spark, address.requirePath());
    Metadata start;
    try {
      start = log.getSnapshotAt(from, Option.empty(), Option.empty()).metadata();
    } catch (RuntimeException e) {
      throw new HistoryUnavailableException(address, since, "version " + from + " is no longer in the Delta log", e);
    }
    if (!enabled(start)) {
      throw new HistoryUnavailableException(address, since, "version " + from + " was written without " + ENABLE);
    }
    List<Path> needed = new ArrayList<>();
    long expected = from;
    Iterator<Tuple2<Object, scala.collection.Seq<Action>>> versions;
    try {
      versions = log.getChanges(from, to, true);
    } catch (RuntimeException e) {
      throw new HistoryUnavailableException(address, since, "versions after " + since + " are no longer in the Delta log", e);
    }
    while (versions.hasNext()) {
      Tuple2<Object, scala.collection.Seq<Action>> version;
      try {
        version = versions.next();
      } catch (RuntimeException e) {
        throw new HistoryUnavailableException(address, since, "version " + expected + " is no longer in the Delta log", e);
      }
      long number = (Long) version._1();
      if (number != expected) {
        throw new HistoryUnavailableException(address, since, "version " + expected + " is no longer in the Delta log");
      }
      expected++;
      List<Action> actions = JavaConverters.seqAsJavaList(version._2());
      for (Action action : actions) {
        if (action instanceof Metadata metadata && !enabled(metadata)) {
          throw new HistoryUnavailableException(address, since, "version " + number + " disabled " + ENABLE);
        }
      }
      boolean hasChangeFiles = actions.stream().anyMatch(action -> action instanceof AddCDCFile);
      for (Action action : actions) {
        if (!(action instanceof FileAction file)) {
          continue;
        }
        boolean read = hasChangeFiles ? file instanceof AddCDCFile : !(file instanceof AddCDCFile) && file.dataChange();
        if (read) {
          needed.add(file.absolutePath(log));
          DeletionVectorDescriptor vector = file.deletionVector();
          if (vector != null && vector.isOnDisk()) {
            needed.add(vector.absolutePath(log.dataPath()));
          }
        }
      }
    }
    if (expected != to + 1) {
      throw new HistoryUnavailableException(address, since, "versions " + expected + " to " + to + " are missing from the Delta log");
    }
    try {
      FileSystem files = log.dataPath().getFileSystem(spark.sessionState().newHadoopConf());
      for (Path path : needed) {
        if (!files.exists(path)) {
          throw new HistoryUnavailableException(address, since,
              "file " + path + " that its changes are read from was removed (VACUUM)");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look for the files of Delta table " + address.location(), e);
    }
  }
}
