package dev.lakepipe.pipelines.bench;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The files below a folder, by path with their size and modification time, so that what a piece of work wrote
 * there can be told afterwards, whatever the table format: data files, delete files, logs and metadata alike.
 */
final class WrittenFiles {
  /** What was written: files that are new or changed, and their bytes. */
  record Written(long files, long bytes) {}

  private record Version(long bytes, long modified) {}

  private final Map<String, Version> files;

  private WrittenFiles(Map<String, Version> files) {
    this.files = files;
  }

  /**
   * The files below the folder now (none when it does not exist).
   *
   * @param folder a path or URI that Hadoop's file systems can list
   * @throws UncheckedIOException when listing fails
   */
  static WrittenFiles below(String folder, Configuration hadoop) {
    Map<String, Version> files = new HashMap<>();
    try {
      Path root = new Path(folder);
      FileSystem fs = root.getFileSystem(hadoop);
      String prefix = fs.makeQualified(root).toString() + "/";
      RemoteIterator<LocatedFileStatus> listing = fs.listFiles(root, true);
      while (listing.hasNext()) {
        LocatedFileStatus file = listing.next();
        String path = file.getPath().toString();
        files.put(path.startsWith(prefix) ? path.substring(prefix.length()) : path,
            new Version(file.getLen(), file.getModificationTime()));
      }
    } catch (FileNotFoundException e) {
      // Nothing written there yet.
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + folder, e);
    }
    return new WrittenFiles(files);
  }

  /** The files here that {@code before} did not hold, or held with another size or modification time. */
  Written since(WrittenFiles before) {
    return bySubfolder(before).values().stream().reduce(new Written(0, 0),
        (left, right) -> new Written(left.files() + right.files(), left.bytes() + right.bytes()));
  }

  /**
   * {@link #since(WrittenFiles)} per folder right below the listed one (a table's folder, when the listed folder
   * holds tables), in the folders' order.
   */
  Map<String, Written> bySubfolder(WrittenFiles before) {
    Map<String, Written> written = new TreeMap<>();
    for (Map.Entry<String, Version> file : files.entrySet()) {
      if (!file.getValue().equals(before.files.get(file.getKey()))) {
        int slash = file.getKey().indexOf('/');
        written.merge(slash < 0 ? "" : file.getKey().substring(0, slash), new Written(1, file.getValue().bytes()),
            (left, right) -> new Written(left.files() + right.files(), left.bytes() + right.bytes()));
      }
    }
    return written;
  }
}
