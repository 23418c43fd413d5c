package dev.lakepipe.format;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The rows changed by the commits of a table after one commit, up to the latest commit ({@link #until()}),
 * as {@link TableReader#changes} returns them; the same shape for every format.
 *
 * <p>Each row holds the table's own columns (never a format's bookkeeping columns) and two more:
 * <ul>
 *   <li>{@value #CHANGE_TYPE}, a STRING: {@value #INSERT}, {@value #UPDATE_PREIMAGE} (the row before an update),
 *       {@value #UPDATE_POSTIMAGE} (the row after it) or {@value #DELETE};
 *   <li>{@value #COMMIT_SEQ}, a BIGINT: the position of the row's commit among the table's commits after the
 *       {@code since} commit, 1 for the first; {@link #until()} has the greatest. A key changed in several
 *       commits nets to its first pre-image (or nothing, if it was inserted) and its last post-image (or
 *       nothing, if it was deleted).
 * </ul>
 *
 * <p>Within one commit, a delete and an insert of identical rows cancel out (copy-on-write formats rewrite
 * unchanged rows), and, when the reader is given keys, a delete and an insert of the same key are reported as
 * an update: pre-image and post-image. Without keys a format reports an update either as pre- and post-image
 * (Delta, Hudi) or as a delete and an insert (Iceberg).
 *
 * @param rows the changed rows; empty when there is nothing new
 * @param until the latest commit the change set covers; empty when there was no commit after {@code since}
 */
public record ChangeSet(Dataset<Row> rows, Optional<Commit> until) {
  /** The column naming the kind of change of a row. */
  public static final String CHANGE_TYPE = "_change_type";
  /** The column ordering the commits of a change set. */
  public static final String COMMIT_SEQ = "_commit_seq";

  /** A row that did not exist before its commit. */
  public static final String INSERT = "insert";
  /** A row as it was before an update. */
  public static final String UPDATE_PREIMAGE = "update_preimage";
  /** A row as it is after an update. */
  public static final String UPDATE_POSTIMAGE = "update_postimage";
  /** A row that no longer exists after its commit. */
  public static final String DELETE = "delete";

  public ChangeSet {
    Objects.requireNonNull(rows, "rows");
    Objects.requireNonNull(until, "until");
  }

  /**
   * The same changes as a reader given these keys reports them: a delete and an insert of one key in one commit
   * become an update. Lets one change read, made without keys, serve readers that need different keys.
   *
   * @throws IllegalArgumentException when a key is not a column of the rows
   */
  public ChangeSet withKeys(List<String> keys) {
    return keys.isEmpty() ? this : new ChangeSet(ChangeRows.pair(rows, keys), until);
  }
}
