package dev.lakepipe.format.hudi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.format.TableWriter;
import dev.lakepipe.spec.Storage;
import dev.lakepipe.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * A process killed while Hudi created a table leaves a metadata folder without the table's properties (or with an
 * empty file where they were being written), and the data files of its first attempt. The next write creates the
 * table afresh: none of the attempt's rows appear, and the write does not fail on the missing properties (as it did
 * in a streaming run killed at its first batch).
 */
class InterruptedCreationTest {
  private static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.LongType, false)
      .add("day", DataTypes.StringType);
  private static final TableLayout LAYOUT = new TableLayout(List.of("id"), Optional.empty(), List.of("day"),
      Storage.COPY_ON_WRITE);

  @Test
  void theNextWriteCreatesTheTableAfresh() throws IOException {
    Path folder = TestSpark.newFolder("interrupted-");
    Path attempt = folder.resolve("attempt");
    writer(attempt).append(rows(RowFactory.create(1L, "d1"), RowFactory.create(2L, "d2")), context(1));

    for (boolean emptyProperties : List.of(false, true)) {
      // The attempt's data files, and a metadata folder whose properties were never (or only partly) written.
      Path table = folder.resolve("table-" + emptyProperties);
      copyDataFiles(attempt, table);
      Path meta = Files.createDirectories(table.resolve(".hoodie").resolve(".aux"));
      if (emptyProperties) {
        Files.createFile(meta.getParent().resolve("hoodie.properties"));
      }
      TableReader reader = TableFormats.get("hudi").reader(TestSpark.session(), address(table));
      assertEquals(false, reader.exists());

      writer(table).append(rows(RowFactory.create(3L, "d1")), context(2));
      assertEquals(List.of("3|d1"), reader.snapshot().selectExpr("concat_ws('|', id, day)").collectAsList().stream()
          .map(row -> row.getString(0)).toList(), "empty properties: " + emptyProperties);
    }
  }

  private static void copyDataFiles(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      List<Path> parquet = files.filter(file -> file.toString().endsWith(".parquet")
          && !from.relativize(file).startsWith(".hoodie")).toList();
      assertTrue(parquet.size() >= 2, "the attempt wrote no data files: " + parquet);
      for (Path file : parquet) {
        Path copy = to.resolve(from.relativize(file));
        Files.createDirectories(copy.getParent());
        Files.copy(file, copy);
      }
    }
  }

  private static TableWriter writer(Path table) {
    return TableFormats.get("hudi").writer(TestSpark.session(), address(table), LAYOUT);
  }

  private static TableAddress address(Path table) {
    return new TableAddress("orders", "interrupted.orders", Optional.of(table.toString()), Optional.empty(), Map.of());
  }

  private static Dataset<Row> rows(Row... rows) {
    return TestSpark.session().createDataFrame(List.of(rows), SCHEMA);
  }

  private static CommitContext context(int n) {
    return new CommitContext("writer", "write-" + n, Instant.parse("2026-12-01T00:00:00Z").plusSeconds(n));
  }
}
