package dev.lakepipe.format;

/**
 * A merge-on-read table whose format cannot read the changes such a table holds, so an incremental run cannot
 * follow it. Nothing was read; the message names the table, why, and what to do.
 */
public class ChangesNotReadableException extends UnsupportedOperationException {
  /**
   * @param format the format's name as users know it, e.g. {@code Iceberg}
   * @param why what keeps the format from reading the changes of merge-on-read tables
   */
  public ChangesNotReadableException(String format, TableAddress address, String why) {
    super("cannot read the changes of " + format + " table " + address.name() + " at " + address.location()
        + ": it is merge-on-read, and " + why + ". Write it with storage = copy-on-write (a table keeps the storage"
        + " it was created with: drop it and run --mode full), or read it with read = snapshot");
  }
}
