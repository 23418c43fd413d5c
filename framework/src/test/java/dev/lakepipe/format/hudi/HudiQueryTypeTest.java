package dev.lakepipe.format.hudi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.cli.Lakepipe;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableWriter;
import dev.lakepipe.spec.Storage;
import dev.lakepipe.testing.TestSpark;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The two views of a Hudi merge-on-read table with updates not yet compacted: a source with {@code query-type =
 * snapshot} (the default) reads them, one with {@code query-type = read-optimized} reads the base files only, as of
 * the last compaction; {@code plan} shows which view each source reads.
 */
class HudiQueryTypeTest {
  private static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.LongType, false)
      .add("status", DataTypes.StringType)
      .add("version", DataTypes.IntegerType);

  @Test
  void snapshotSeesUncompactedUpdatesAndReadOptimizedDoesNot() throws IOException {
    Path folder = TestSpark.newFolder("mor-queries-");
    String table = folder.resolve("orders").toString();
    TableWriter writer = TableFormats.get("hudi").writer(TestSpark.session(),
        new TableAddress("orders", "mor.orders", Optional.of(table), Optional.empty(), Map.of()),
        new TableLayout(List.of("id"), Optional.of("version"), List.of(), Storage.MERGE_ON_READ));
    writer.upsert(rows(RowFactory.create(1L, "created", 1), RowFactory.create(2L, "created", 1)), context(1));
    // An update of a stored key goes to a log file; compaction runs only after ten delta commits.
    writer.upsert(rows(RowFactory.create(1L, "paid", 2)), context(2));

    Path spec = folder.resolve("views.conf");
    Files.writeString(spec, String.join("\n",
        "name = mor_views",
        "sources {",
        "  live { format = hudi, path = \"" + table + "\" }",
        "  compacted { format = hudi, path = \"" + table + "\", query-type = read-optimized }",
        "}",
        "targets {",
        "  live_copy { from = live, format = parquet, path = \"" + folder.resolve("live") + "\", mode = overwrite }",
        "  compacted_copy { from = compacted, format = parquet, path = \"" + folder.resolve("compacted") + "\","
            + " mode = overwrite }",
        "}"));
    String plan = lakepipe(ExitCodes.OK, "plan", spec.toString());
    assertTrue(plan.contains("  live                 hudi     " + table + "  query snapshot\n"), plan);
    assertTrue(plan.contains("  compacted            hudi     " + table + "  query read-optimized\n"), plan);

    lakepipe(ExitCodes.OK, "run", spec.toString(), "--set", "warehouse=" + TestSpark.warehouse());
    assertEquals(List.of("1|paid|2", "2|created|1"), parquet(folder.resolve("live")));
    assertEquals(List.of("1|created|1", "2|created|1"), parquet(folder.resolve("compacted")));
  }

  private static org.apache.spark.sql.Dataset<Row> rows(Row... rows) {
    return TestSpark.session().createDataFrame(List.of(rows), SCHEMA);
  }

  private static CommitContext context(int n) {
    return new CommitContext("writer", "write-" + n, Instant.parse("2026-11-22T00:00:00Z").plusSeconds(n));
  }

  private static List<String> parquet(Path folder) {
    return TestSpark.session().read().parquet(folder.toString()).selectExpr("concat_ws('|', id, status, version)")
        .collectAsList().stream().map(row -> row.getString(0)).sorted().toList();
  }

  private static String lakepipe(int expectedCode, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Lakepipe.execute(new PrintWriter(out), new PrintWriter(err), args);
    assertEquals(expectedCode, code, out + "\n" + err);
    return out.toString();
  }
}
