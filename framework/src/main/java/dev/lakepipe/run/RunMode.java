package dev.lakepipe.run;

import java.util.Arrays;
import java.util.Optional;

/** How a run computes its targets. */
public enum RunMode {
  /** From the sources' snapshots; resets the checkpoints of the incremental sources. */
  FULL("full"),
  /** From the changes of the incremental sources since each target's checkpoint. */
  INCREMENTAL("incremental"),
  /** Micro-batches of the streamed sources as they arrive, each applied as an increment ({@link StreamRun}). */
  STREAMING("streaming");

  private final String specName;

  RunMode(String specName) {
    this.specName = specName;
  }

  /** The name used on the command line and in the run history. */
  public String specName() {
    return specName;
  }

  public static Optional<RunMode> fromSpecName(String name) {
    return Arrays.stream(values()).filter(m -> m.specName.equals(name)).findFirst();
  }
}
