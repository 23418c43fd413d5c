package dev.lakepipe.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * How a table format stores an update or a delete: the same rows are read either way, at a different cost.
 */
public enum Storage {
  /**
   * Rewrites the data files that hold an updated or deleted row: writes cost what the touched files hold, reads
   * cost nothing more.
   */
  COPY_ON_WRITE("copy-on-write"),
  /**
   * Writes only the change (Hudi log files, Delta deletion vectors, Iceberg delete files) and merges it on read
   * until compaction: writes cost what changed, reads a little more.
   */
  MERGE_ON_READ("merge-on-read");

  private final String specName;

  Storage(String specName) {
    this.specName = specName;
  }

  /** The name used in job specs, e.g. {@code merge-on-read}. */
  public String specName() {
    return specName;
  }

  public static Optional<Storage> fromSpecName(String name) {
    return Arrays.stream(values()).filter(s -> s.specName.equals(name)).findFirst();
  }

  public static List<String> specNames() {
    return Arrays.stream(values()).map(Storage::specName).toList();
  }
}
