package dev.lakepipe.run;

/** Another run holds a lock this run needs; the message names the holder. Exit code 4. */
public class LockHeldException extends RuntimeException {
  public LockHeldException(String lock, String holder) {
    super("lock " + lock + " is held by " + holder);
  }
}
