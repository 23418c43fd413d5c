package dev.lakepipe.run;

/** A pipeline has a target that an incremental run cannot compute; nothing ran. Exit code 2. */
public class IncrementalNotSupportedException extends RuntimeException {
  /** @param message why, from {@link dev.lakepipe.plan.RunRefusals#incremental} */
  public IncrementalNotSupportedException(String message) {
    super(message + ". Run with --mode full");
  }
}
