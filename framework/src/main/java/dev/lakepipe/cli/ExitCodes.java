package dev.lakepipe.cli;

/** The exit codes lakepipe returns: the contract with orchestrators. */
public final class ExitCodes {
  /** Success, including "nothing new to do". */
  public static final int OK = 0;
  /** Any failure not listed below. */
  public static final int FAILURE = 1;
  /**
   * An invalid spec or invalid arguments, or a run that cannot go ahead as the spec asks (a target an incremental run
   * cannot compute, a merge-on-read source whose changes cannot be read, a target naming columns its rows do not
   * have); nothing was written. Also a write whose rows change the table's schema in a way the target's
   * {@code schema-evolution} refuses; nothing was committed to that table.
   */
  public static final int INVALID = 2;
  /** A data-quality check of level error failed; nothing was published. */
  public static final int QUALITY = 3;
  /**
   * Another run holds the pipeline's or a table's lock (nothing ran), or, on a warehouse without locks, another
   * writer's commit conflicted with a write, which committed nothing to its table: run it again.
   */
  public static final int CONFLICT = 4;
  /** {@code status}: the logical time is not (yet) published; a sensor asks again later. */
  public static final int NOT_PUBLISHED = 5;

  private ExitCodes() {}
}
