package dev.lakepipe.format;

/**
 * Another writer committed to the table while a write was under way, in a way the format found to conflict with it
 * (the write read rows that the other commit changed or added); the format refused the write's commit, so nothing of
 * the write was committed. Running the write again, from the table as it now is, applies it on top of the other.
 */
public class CommitConflictException extends RuntimeException {
  public CommitConflictException(TableAddress address, Throwable conflict) {
    super("another writer committed to " + address.location() + " during this write, and " + firstLine(conflict)
        + "; nothing of this write was committed to the table, run it again", conflict);
  }

  private static String firstLine(Throwable conflict) {
    String message = String.valueOf(conflict.getMessage()).strip();
    int end = message.indexOf('\n');
    return conflict.getClass().getSimpleName() + ": " + (end < 0 ? message : message.substring(0, end).strip());
  }
}
