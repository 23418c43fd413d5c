package dev.lakepipe.spec;

import java.util.Arrays;
import java.util.List;

/**
 * A key of a target's {@code maintenance} block. Every key means the same on every format that has the operation
 * behind it; {@link FormatTraits#maintenanceOptions()} says which a format has.
 */
public enum MaintenanceOption {
  /** The size compaction aims at for each data file, e.g. {@code 128MB}. */
  TARGET_FILE_SIZE("target-file-size"),
  /** Columns whose values compaction clusters rows by, along a Z-order curve. */
  Z_ORDER("z-order"),
  /** How long history is kept, e.g. {@code 7d}: older snapshots, commits and unreferenced files may go. */
  RETAIN("retain"),
  /** How many of the latest commits keep their history. */
  RETAIN_COMMITS("retain-commits"),
  /** How often maintenance is due: a run does it after its own work when the last maintenance is this old. */
  EVERY("every");

  private final String specName;

  MaintenanceOption(String specName) {
    this.specName = specName;
  }

  public String specName() {
    return specName;
  }

  public static List<String> specNames() {
    return Arrays.stream(values()).map(MaintenanceOption::specName).toList();
  }
}
