package dev.lakepipe.run.maintenance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Commits that something outside the pipelines holds on to, such as an export that must be rebuilt exactly from
 * the commits it read: history cleanup keeps a pinned commit and every later one, as for an incremental checkpoint,
 * until the pin is released. One small file per pin under {@code <warehouse>/_lakepipe/pins}.
 */
public final class HistoryPins {
  private static final String FOLDER = "_lakepipe/pins";

  private final Configuration hadoop;
  private final Path folder;

  /**
   * @param id names the pin; the same table, commit and holder give the same id
   * @param holder who holds the pin, e.g. an export's folder
   */
  public record Pin(String id, TableRef table, String commitId, String holder) {}

  /** @param hadoop the configuration of the warehouse's file system */
  public HistoryPins(Configuration hadoop, String warehouse) {
    this.hadoop = hadoop;
    this.folder = new Path(warehouse, FOLDER);
  }

  /**
   * Pins a commit of a table.
   *
   * @throws UncheckedIOException when the pin cannot be written
   */
  public Pin pin(TableRef table, String commitId, String holder) {
    Pin pin = new Pin(idOf(table + "\n" + commitId + "\n" + holder), table, commitId, holder);
    Properties entry = new Properties();
    CheckpointReaders.put(entry, "table", table);
    entry.setProperty("commit", commitId);
    entry.setProperty("holder", holder);
    CheckpointReaders.write(hadoop, file(pin.id()), entry, "a commit whose history cleanup keeps; lakepipe export"
        + " --release removes it");
    return pin;
  }

  /**
   * @return whether there was such a pin
   * @throws UncheckedIOException when the pin cannot be removed
   */
  public boolean release(String id) {
    try {
      Path file = file(id);
      return file.getFileSystem(hadoop).delete(file, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove pin " + id, e);
    }
  }

  /**
   * The pins of a table.
   *
   * @throws UncheckedIOException when the folder cannot be read
   */
  public List<Pin> of(TableRef table) {
    List<Pin> pins = new ArrayList<>();
    try {
      FileSystem files = folder.getFileSystem(hadoop);
      if (!files.exists(folder)) {
        return pins;
      }
      for (FileStatus file : files.listStatus(folder)) {
        Properties entry = new Properties();
        try (InputStream in = files.open(file.getPath())) {
          entry.load(in);
        }
        TableRef pinned = CheckpointReaders.get(entry, "table");
        if (pinned.sameTable(table)) {
          String name = file.getPath().getName();
          pins.add(new Pin(name.substring(0, name.length() - ".properties".length()), pinned,
              entry.getProperty("commit"), entry.getProperty("holder")));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + folder, e);
    }
    return pins;
  }

  private Path file(String id) {
    return new Path(folder, id + ".properties");
  }

  private static String idOf(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
