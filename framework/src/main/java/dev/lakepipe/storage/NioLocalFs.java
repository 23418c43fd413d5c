package dev.lakepipe.storage;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFs;
import org.apache.hadoop.fs.DelegateToFileSystem;
import org.apache.hadoop.fs.FsServerDefaults;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.local.LocalConfigKeys;

/**
 * {@link NioLocalFileSystem} for Hadoop's {@code FileContext}, through which Delta writes its log and Spark its
 * streaming checkpoints: checksummed local files, no process started per rename. Spark sessions get it as {@code
 * spark.hadoop.fs.AbstractFileSystem.file.impl}.
 */
public final class NioLocalFs extends ChecksumFs {
  /** Hadoop creates it by reflection, with this signature. */
  public NioLocalFs(URI uri, Configuration conf) throws IOException, URISyntaxException {
    super(new Raw(uri, conf));
  }

  /** The unchecksummed file system under it, as Hadoop's {@code RawLocalFs} is to {@code LocalFs}. */
  private static final class Raw extends DelegateToFileSystem {
    Raw(URI uri, Configuration conf) throws IOException, URISyntaxException {
      super(uri, new NioRawLocalFileSystem(), conf, "file", false);
    }

    /** Local paths have no port. */
    @Override
    public int getUriDefaultPort() {
      return -1;
    }

    @Override
    public FsServerDefaults getServerDefaults(Path path) throws IOException {
      return LocalConfigKeys.getServerDefaults();
    }

    @Override
    @SuppressWarnings("deprecation")
    public FsServerDefaults getServerDefaults() throws IOException {
      return LocalConfigKeys.getServerDefaults();
    }

    /** Any local file name is valid, as for Hadoop's own local file system. */
    @Override
    public boolean isValidName(String src) {
      return true;
    }
  }
}
