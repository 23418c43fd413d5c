package dev.lakepipe.format;

/**
 * The changes of a table since a commit cannot be read: the commit is not, or no longer, in the table's history
 * (unknown, newer than the latest commit, archived, expired, cleaned, vacuumed), or the changes after it were not
 * recorded. Only a full run can catch up.
 */
public class HistoryUnavailableException extends RuntimeException {
  private final String commitId;

  /**
   * @param commitId the commit the changes were asked since
   * @param reason why they cannot be read, in the format's own terms
   */
  public HistoryUnavailableException(TableAddress address, String commitId, String reason) {
    super("cannot read the changes of table " + address.name() + " (" + address.location() + ") since commit "
        + commitId + ": " + reason + ". Run with --mode full to recompute from the current snapshot.");
    this.commitId = commitId;
  }

  /** As above, with the format's own error. */
  public HistoryUnavailableException(TableAddress address, String commitId, String reason, Throwable cause) {
    this(address, commitId, reason);
    initCause(cause);
  }

  /** The commit the changes were asked since. */
  public String commitId() {
    return commitId;
  }
}
