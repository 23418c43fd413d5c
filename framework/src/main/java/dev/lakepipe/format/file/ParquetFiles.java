package dev.lakepipe.format.file;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * The Parquet files of a source, each footer read on the driver before the scan. A truncated or corrupt file has
 * no readable footer: it is named with why, rather than failing the scan without saying which file, or being dropped
 * silently as {@code spark.sql.files.ignoreCorruptFiles} would. A file whose footer reads but whose pages are
 * damaged still fails the scan.
 *
 * @param root the source's path, a folder or one file
 * @param readable the files to scan, sorted
 * @param corrupt the others, by file, with why each cannot be read
 */
record ParquetFiles(Path root, boolean folder, List<String> readable, Map<String, String> corrupt) {
  ParquetFiles {
    readable = List.copyOf(readable);
    corrupt = Map.copyOf(corrupt);
  }

  /**
   * Lists the data files under {@code root} as Spark does: names starting with {@code _} or {@code .} are not data
   * (markers, checksums, temporary folders), a partition folder ({@code day=1}) is.
   *
   * @throws IOException when the file system cannot be listed
   */
  static ParquetFiles under(Path root, Configuration conf) throws IOException {
    FileSystem fs = root.getFileSystem(conf);
    FileStatus top = fs.getFileStatus(root);
    List<FileStatus> files = new ArrayList<>();
    if (top.isFile()) {
      files.add(top);
    } else {
      String prefix = top.getPath().toString() + "/";
      for (RemoteIterator<LocatedFileStatus> all = fs.listFiles(root, true); all.hasNext(); ) {
        LocatedFileStatus file = all.next();
        if (isData(file.getPath().toString().substring(prefix.length()))) {
          files.add(file);
        }
      }
    }
    List<String> readable = new ArrayList<>();
    Map<String, String> corrupt = new TreeMap<>();
    for (FileStatus file : files) {
      try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(file, conf))) {
        reader.getFooter();
        readable.add(file.getPath().toString());
      } catch (IOException | RuntimeException e) {
        corrupt.put(file.getPath().toString(), "not a readable Parquet file (" + file.getLen() + " bytes): "
            + e.getMessage());
      }
    }
    readable.sort(null);
    return new ParquetFiles(top.getPath(), top.isDirectory(), readable, corrupt);
  }

  private static boolean isData(String relative) {
    for (String part : relative.split("/")) {
      if ((part.startsWith("_") || part.startsWith(".")) && !part.contains("=")) {
        return false;
      }
    }
    return true;
  }
}
