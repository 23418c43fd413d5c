package dev.lakepipe.format;

import static dev.lakepipe.format.ChangeSet.CHANGE_TYPE;
import static dev.lakepipe.format.ChangeSet.COMMIT_SEQ;
import static dev.lakepipe.format.ChangeSet.INSERT;
import static dev.lakepipe.format.ChangeSet.UPDATE_POSTIMAGE;
import static dev.lakepipe.format.ChangeSet.UPDATE_PREIMAGE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * The shape of {@link ChangeSet} rows, shared by the formats: each format turns its own change feed into rows of
 * the table's columns, {@link ChangeSet#CHANGE_TYPE} and {@link ChangeSet#COMMIT_SEQ}, and {@link
 * AbstractTableReader} finishes them here the same way for all.
 */
public final class ChangeRows {
  private static final String PREFIX = "__lakepipe_change_";
  private static final String SIGN = PREFIX + "sign";
  private static final String IMAGE = PREFIX + "image";
  private static final String PLUS = PREFIX + "plus";
  private static final String MINUS = PREFIX + "minus";
  private static final String RANK = PREFIX + "rank";

  private ChangeRows() {}

  /**
   * {@link ChangeSet#COMMIT_SEQ} from a column holding a commit id: the position of that id in {@code commits}
   * (oldest first, the commits after {@code since}), from 1. An id not in the list fails the query.
   */
  public static Column sequence(Column commitId, List<?> commits) {
    List<Column> entries = new ArrayList<>();
    for (int i = 0; i < commits.size(); i++) {
      entries.add(lit(commits.get(i)));
      entries.add(lit(i + 1L));
    }
    Column position = commits.isEmpty()
        ? lit(null).cast(DataTypes.LongType)
        : element_at(functions.map(entries.toArray(Column[]::new)), commitId);
    return orFail(position, "a change belongs to a commit outside the change set");
  }

  /** {@code value}, or a failed query when it is null: for invariants that hold unless the format misbehaves. */
  public static Column orFail(Column value, String message) {
    return when(value.isNull(), raise_error(lit("lakepipe change read: " + message))).otherwise(value);
  }

  /** No changes, in the shape of a change set of a table whose snapshot is {@code table}. */
  static Dataset<Row> none(Dataset<Row> table) {
    return table.limit(0)
        .withColumn(CHANGE_TYPE, lit(null).cast(DataTypes.StringType))
        .withColumn(COMMIT_SEQ, lit(null).cast(DataTypes.LongType));
  }

  /**
   * Finishes a format's change rows: a delete and an insert of identical rows in one commit cancel out (a
   * copy-on-write carry-over, or an update that changed nothing), and with keys a remaining delete and insert of
   * one key in one commit become pre- and post-image. Ends with the table's columns, then the two change columns.
   *
   * @throws IllegalArgumentException when a key is not a column of the table
   */
  static Dataset<Row> normalize(Dataset<Row> changes, List<String> keys, TableAddress address) {
    Set<String> bookkeeping = Set.of(CHANGE_TYPE, COMMIT_SEQ);
    List<String> columns = Arrays.stream(changes.columns()).filter(column -> !bookkeeping.contains(column)).toList();
    for (String key : keys) {
      if (!columns.contains(key)) {
        throw new IllegalArgumentException("key " + key + " is not a column of table " + address.name() + ": " + columns);
      }
    }
    Column[] tableColumns = columns.stream().map(ChangeRows::column).toArray(Column[]::new);
    Column type = col(CHANGE_TYPE);
    Column seq = col(COMMIT_SEQ);

    // +1 adds a row to the table, -1 takes one away.
    Dataset<Row> signed = changes
        .withColumn(SIGN, when(type.isin(INSERT, UPDATE_POSTIMAGE), 1).otherwise(-1))
        // Rows are compared by value through JSON, which also works for types Spark cannot group by (maps).
        .withColumn(IMAGE, to_json(struct(tableColumns)));
    WindowSpec sameRow = Window.partitionBy(col(IMAGE), seq);
    WindowSpec sameRowAndSign = Window.partitionBy(col(IMAGE), seq, col(SIGN)).orderBy(type);
    Dataset<Row> net = signed
        .withColumn(PLUS, count(1, sameRow))
        .withColumn(MINUS, count(-1, sameRow))
        .withColumn(RANK, row_number().over(sameRowAndSign))
        .where(col(SIGN).equalTo(1).and(col(RANK).gt(col(MINUS)))
            .or(col(SIGN).equalTo(-1).and(col(RANK).gt(col(PLUS)))))
        .drop(IMAGE, PLUS, MINUS, RANK);

    return pair(net.drop(SIGN), keys);
  }

  /**
   * Pairs, in finished change rows, the delete and the insert of one key in one commit as pre- and post-image.
   * Pairing already paired rows changes nothing, so rows finished without keys can be paired for any keys later.
   *
   * @throws IllegalArgumentException when a key is not a column of the rows
   */
  static Dataset<Row> pair(Dataset<Row> changes, List<String> keys) {
    Set<String> bookkeeping = Set.of(CHANGE_TYPE, COMMIT_SEQ);
    List<String> columns = Arrays.stream(changes.columns()).filter(column -> !bookkeeping.contains(column)).toList();
    Dataset<Row> net = changes;
    if (!keys.isEmpty()) {
      keys.stream().filter(key -> !columns.contains(key)).findFirst().ifPresent(key -> {
        throw new IllegalArgumentException("key " + key + " is not a column of the changed rows: " + columns);
      });
      Column[] keyColumns = keys.stream().map(ChangeRows::column).toArray(Column[]::new);
      WindowSpec sameKey = Window.partitionBy(concat(keyColumns, col(COMMIT_SEQ)));
      net = net
          .withColumn(SIGN, when(col(CHANGE_TYPE).isin(INSERT, UPDATE_POSTIMAGE), 1).otherwise(-1))
          .withColumn(PLUS, count(1, sameKey))
          .withColumn(MINUS, count(-1, sameKey))
          .withColumn(CHANGE_TYPE, when(col(PLUS).equalTo(1).and(col(MINUS).equalTo(1)),
                  when(col(SIGN).equalTo(1), lit(UPDATE_POSTIMAGE)).otherwise(lit(UPDATE_PREIMAGE)))
              .otherwise(col(CHANGE_TYPE)))
          .drop(SIGN, PLUS, MINUS);
    }
    List<Column> result = new ArrayList<>(columns.stream().map(ChangeRows::column).toList());
    result.add(col(CHANGE_TYPE));
    result.add(col(COMMIT_SEQ).cast(DataTypes.LongType).as(COMMIT_SEQ));
    return net.select(result.toArray(Column[]::new));
  }

  private static Column count(int sign, WindowSpec window) {
    return sum(when(col(SIGN).equalTo(sign), 1).otherwise(0)).over(window);
  }

  private static Column[] concat(Column[] columns, Column last) {
    Column[] all = Arrays.copyOf(columns, columns.length + 1);
    all[columns.length] = last;
    return all;
  }

  private static Column column(String name) {
    return col(SqlMerge.quote(name));
  }
}
