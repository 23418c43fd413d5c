package dev.lakepipe.run;

/** A target names columns that the rows it would write do not have; nothing was written. Exit code 2. */
public class ColumnsNotFoundException extends RuntimeException {
  public ColumnsNotFoundException(String message) {
    super(message);
  }
}
