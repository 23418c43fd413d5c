package dev.lakepipe.format;

import dev.lakepipe.spec.MaintenanceOption;
import dev.lakepipe.spec.Storage;
import dev.lakepipe.spec.TargetSpec;
import dev.lakepipe.spec.WriteMode;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the table formats with commits (Hudi, Delta, Iceberg) have in common as descriptors: every write mode, a
 * history to read as of a version or as changes, tables that carry their own schema, a choice of storage. They differ
 * in name, in how tables are addressed, in whether they read the changes of merge-on-read tables, and in everything
 * behind {@link #sessionConf}, {@link #reader} and {@link #writer}.
 */
public abstract class LakeTableFormat implements TableFormat {
  private final String name;
  private final Addressing addressing;
  private final Optional<String> mergeOnReadChangeLimit;
  private final Map<MaintenanceOption, String> maintenanceLimits;

  /**
   * @param mergeOnReadChangeLimit why the format cannot read the changes of its merge-on-read tables; empty when
   *     it can
   * @param maintenanceLimits the keys of a {@code maintenance} block the format's maintenance lacks, each with why
   */
  protected LakeTableFormat(String name, Addressing addressing, Optional<String> mergeOnReadChangeLimit,
      Map<MaintenanceOption, String> maintenanceLimits) {
    this.name = name;
    this.addressing = addressing;
    this.mergeOnReadChangeLimit = mergeOnReadChangeLimit;
    this.maintenanceLimits = Map.copyOf(maintenanceLimits);
  }

  @Override
  public final Optional<String> maintenanceLimit(MaintenanceOption option) {
    return Optional.ofNullable(maintenanceLimits.get(option));
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final Set<WriteMode> writeModes() {
    return EnumSet.allOf(WriteMode.class);
  }

  @Override
  public final Addressing addressing() {
    return addressing;
  }

  @Override
  public final boolean supportsTimeTravel() {
    return true;
  }

  @Override
  public final boolean supportsChangeReads() {
    return true;
  }

  @Override
  public final boolean supportsMergeOnRead() {
    return true;
  }

  @Override
  public final Optional<String> changeReadLimit(Storage storage) {
    return storage == Storage.MERGE_ON_READ ? mergeOnReadChangeLimit : Optional.empty();
  }

  /** Deletion vectors (Delta, Iceberg v3); a format whose merge-on-read tables compact otherwise says how. */
  @Override
  public Optional<String> compaction(TargetSpec target) {
    return target.storage() == Storage.MERGE_ON_READ
        ? Optional.of("deletion vectors mark the rows updated and deleted until a maintenance (`lakepipe maintain`,"
            + " or after runs as `maintenance.every` says) rewrites the files they mark")
        : Optional.empty();
  }

  @Override
  public final boolean evolvesSchema() {
    return true;
  }

  @Override
  public final boolean supportsStreamingReads() {
    return true;
  }
}
