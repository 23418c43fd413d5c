package dev.lakepipe.run;

import static dev.lakepipe.format.ChangeSet.CHANGE_TYPE;
import static dev.lakepipe.format.ChangeSet.COMMIT_SEQ;
import static dev.lakepipe.format.ChangeSet.INSERT;
import static dev.lakepipe.format.ChangeSet.UPDATE_POSTIMAGE;
import static dev.lakepipe.format.ChangeSet.UPDATE_PREIMAGE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import dev.lakepipe.format.ChangeSet;
import dev.lakepipe.format.SqlMerge;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * The net effect of a change set per key: the last image of each key that exists after the changes, and the keys
 * that no longer exist. A key deleted and then inserted again is upserted; one inserted and then deleted is
 * deleted (deleting a key that is not stored does nothing).
 *
 * @param upserts the latest row of each key that exists after the changes, with the table's columns only
 * @param deletedKeys the keys that do not exist after the changes, key columns only
 */
record NetChanges(Dataset<Row> upserts, Dataset<Row> deletedKeys) {
  private static final String RANK = "__lakepipe_net_rank";

  /** @param changes rows of a {@link ChangeSet}, read with these keys */
  static NetChanges of(Dataset<Row> changes, List<String> keys) {
    return of(changes, keys, UnaryOperator.identity());
  }

  /**
   * @param changes rows of a {@link ChangeSet}, read with these keys
   * @param keep applied to the last change of each key, which the upserts and the deleted keys are both read from
   *     (one sort of the changes for both, when it keeps the rows)
   */
  static NetChanges of(Dataset<Row> changes, List<String> keys, UnaryOperator<Dataset<Row>> keep) {
    Column[] keyColumns = keys.stream().map(key -> col(SqlMerge.quote(key))).toArray(Column[]::new);
    // The last commit of a key decides; within a commit, an update's post-image comes after its pre-image.
    Column imageOrder = when(col(CHANGE_TYPE).equalTo(UPDATE_PREIMAGE), 0).otherwise(1);
    Dataset<Row> last = keep.apply(changes
        .withColumn(RANK, row_number().over(Window.partitionBy(keyColumns)
            .orderBy(col(COMMIT_SEQ).desc(), imageOrder.desc())))
        .where(col(RANK).equalTo(1))
        .drop(RANK, COMMIT_SEQ));
    Column exists = col(CHANGE_TYPE).isin(INSERT, UPDATE_POSTIMAGE);
    return new NetChanges(last.where(exists).drop(CHANGE_TYPE), last.where(not(exists)).select(keyColumns));
  }
}
