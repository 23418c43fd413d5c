package dev.lakepipe.format;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lakepipe.testing.TestSpark;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * A tally sums columns over all the rows and names the partitions their keys fall in, as {@link
 * KeyPartitions#named} does: only when the keys include every partition column, never a null, and not past 1,000
 * partitions.
 */
class KeyPartitionsTest {
  private static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.LongType)
      .add("day", DataTypes.DateType)
      .add("deleted", DataTypes.IntegerType);
  private static final TableLayout BY_DAY = new TableLayout(List.of("id", "day"), Optional.empty(), List.of("day"));

  @Test
  void aTallySumsEveryRowAndNamesThePartitionsTheKeysFallIn() {
    Dataset<Row> rows = rows(row(1, 1, 0), row(2, 1, 1), row(3, 2, 0), row(4, null, 1), row(5, 2, 1));
    List<Column> summed = List.of(lit(1L), col("deleted"));

    KeyPartitions.Tally tally = KeyPartitions.tally(rows, BY_DAY, summed);

    assertEquals(List.of(5L, 3L), tally.sums());
    assertEquals(Optional.of(Map.of("day", List.of(day(1), day(2)))), sortedDays(tally));
    assertEquals(KeyPartitions.named(rows, BY_DAY).map(KeyPartitionsTest::sorted), sortedDays(tally));
    // Keys without the partition column could be stored in any partition; an unpartitioned table has none.
    TableLayout byId = new TableLayout(List.of("id"), Optional.empty(), List.of("day"));
    assertEquals(new KeyPartitions.Tally(List.of(5L, 3L), Optional.empty()), KeyPartitions.tally(rows, byId, summed));
    TableLayout unpartitioned = new TableLayout(List.of("id"), Optional.empty(), List.of());
    assertEquals(new KeyPartitions.Tally(List.of(5L, 3L), Optional.empty()),
        KeyPartitions.tally(rows, unpartitioned, summed));
    // No rows: nothing to sum, no partition.
    assertEquals(new KeyPartitions.Tally(List.of(0L, 0L), Optional.empty()),
        KeyPartitions.tally(rows.limit(0), BY_DAY, summed));
  }

  @Test
  void moreThanAThousandPartitionsAreNotNamedButStillSummed() {
    Dataset<Row> rows = TestSpark.session().createDataFrame(LongStream.range(0, 1_001)
        .mapToObj(i -> RowFactory.create(i, Date.valueOf(LocalDate.of(2020, 1, 1).plusDays(i)), 1))
        .toList(), SCHEMA);

    assertEquals(new KeyPartitions.Tally(List.of(1_001L), Optional.empty()),
        KeyPartitions.tally(rows, BY_DAY, List.of(col("deleted"))));
    assertEquals(1_000, KeyPartitions.tally(rows.limit(1_000), BY_DAY, List.of(col("deleted"))).partitions()
        .orElseThrow().get("day").size());
  }

  private static Optional<Map<String, List<Literal>>> sortedDays(KeyPartitions.Tally tally) {
    return tally.partitions().map(KeyPartitionsTest::sorted);
  }

  private static Map<String, List<Literal>> sorted(Map<String, List<Literal>> named) {
    return Map.of("day", named.get("day").stream().sorted((a, b) -> a.sql().compareTo(b.sql())).toList());
  }

  private static Literal day(int day) {
    return Literal.create(Date.valueOf("2026-01-0" + day), DataTypes.DateType);
  }

  private static Row row(long id, Integer day, int deleted) {
    return RowFactory.create(id, day == null ? null : Date.valueOf("2026-01-0" + day), deleted);
  }

  private static Dataset<Row> rows(Row... rows) {
    return TestSpark.session().createDataFrame(List.of(rows), SCHEMA);
  }
}
