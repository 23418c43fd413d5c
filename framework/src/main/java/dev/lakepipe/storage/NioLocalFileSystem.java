package dev.lakepipe.storage;

import org.apache.hadoop.fs.LocalFileSystem;

/**
 * Hadoop's local file system (checksummed, as {@code file://} paths are by default) over {@link
 * NioRawLocalFileSystem}: the same files, the same checksums, no process started per file. Spark sessions get it as
 * {@code spark.hadoop.fs.file.impl}.
 */
public final class NioLocalFileSystem extends LocalFileSystem {
  public NioLocalFileSystem() {
    super(new NioRawLocalFileSystem());
  }
}
