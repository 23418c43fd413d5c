package dev.lakepipe.run;

/** A run that failed at a named node; the message says which and why. */
public class RunFailedException extends RuntimeException {
  public RunFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
