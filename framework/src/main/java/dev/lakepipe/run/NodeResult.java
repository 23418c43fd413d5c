package dev.lakepipe.run;

import dev.lakepipe.format.Commit;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one node of a run did.
 *
 * @param detail format and location for reads and writes, kind for steps
 * @param rows rows read, computed or written; empty for a step that is not cached (not counted)
 * @param commit the commit a write made, the latest commit of a source when a snapshot read started, or the last
 *     commit whose changes a read of changes covers; empty for a step, a source without commits, or a write that
 *     committed nothing
 * @param since for a read of changes, the commit they come after (the checkpoint); empty otherwise
 */
public record NodeResult(Kind kind, String name, String detail, OptionalLong rows, double seconds,
    Optional<Commit> commit, Optional<String> since) {
  /** The kind of node. */
  public enum Kind {
    READ, STEP,
    /** The data-quality checks of a target, before it is written; rows = rows audited. */
    AUDIT,
    WRITE,
    /** A target's maintenance after the run, when its {@code every} was due. */
    MAINTAIN
  }
}
