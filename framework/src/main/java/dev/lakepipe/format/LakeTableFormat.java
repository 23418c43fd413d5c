package dev.lakepipe.format;

import dev.lakepipe.spec.WriteMode;
import java.util.EnumSet;
import java.util.Set;

/**
 * What the table formats with commits (Hudi, Delta, Iceberg) have in common as descriptors: every write mode, a
 * history to read as of a version or as changes, tables that carry their own schema. They differ in name, in
 * how tables are addressed, and in everything behind {@link #sessionConf}, {@link #reader} and {@link #writer}.
 */
public abstract class LakeTableFormat implements TableFormat {
  private final String name;
  private final Addressing addressing;

  protected LakeTableFormat(String name, Addressing addressing) {
    this.name = name;
    this.addressing = addressing;
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
  public final boolean supportsStreamingReads() {
    return true;
  }
}
