package dev.lakepipe.format;

/** A table that should exist does not: nothing was ever committed at its path or identifier. */
public class TableNotFoundException extends RuntimeException {
  public TableNotFoundException(TableAddress address) {
    super("table " + address.name() + " does not exist at " + address.location());
  }

  /** The table was not found by the format's own API, which says so with {@code cause}. */
  public TableNotFoundException(TableAddress address, Throwable cause) {
    this(address);
    initCause(cause);
  }
}
