package dev.lakepipe.pipelines.bench;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
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
      RemoteIterator<LocatedFileStatus> listing = root.getFileSystem(hadoop).listFiles(root, true);
      while (listing.hasNext()) {
        LocatedFileStatus file = listing.next();
        files.put(file.getPath().toString(), new Version(file.getLen(), file.getModificationTime()));
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
    long count = 0;
    long bytes = 0;
    for (Map.Entry<String, Version> file : files.entrySet()) {
      if (!file.getValue().equals(before.files.get(file.getKey()))) {
        count++;
        bytes += file.getValue().bytes();
      }
    }
    return new Written(count, bytes);
  }
}
