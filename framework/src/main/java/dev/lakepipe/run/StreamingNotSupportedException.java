package dev.lakepipe.run;

/** A pipeline has a target that a streaming run cannot compute; nothing ran. Exit code 2. */
public class StreamingNotSupportedException extends RuntimeException {
  /** @param message why, from {@link dev.lakepipe.plan.RunRefusals#streaming} */
  public StreamingNotSupportedException(String message) {
    super(message);
  }
}
