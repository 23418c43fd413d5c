package dev.lakepipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lakepipe.testing.TestSpark;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** A target that names columns its rows lack is refused once the steps are analysed, before anything is written. */
class WriteColumnsTest {
  @Test
  void aMissingKeyOrPartitionColumnExitsTwoAndWritesNothing() throws IOException {
    Path data = TestSpark.newFolder("columns-input").resolve("orders.json");
    Files.write(data, List.of(
        "{\"order_id\":1,\"status\":\"paid\",\"updated_at\":\"2026-11-20T10:00:00\",\"order_date\":\"2026-11-20\"}"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Lakepipe.execute(new PrintWriter(out), new PrintWriter(err), "run",
        "src/test/resources/specs/run/missing-columns.conf", "--set", "warehouse=" + TestSpark.warehouse(),
        "--set", "sources.changes.path=" + data);
    assertEquals(ExitCodes.INVALID, code, out + "\n" + err);
    assertEquals(List.of("lakepipe: target typo names columns that its rows do not have: keys order_idx,"
        + " partition-by order_day; the rows of orders have order_id, status, updated_at, order_date; nothing was"
        + " written"), err.toString().lines().toList());
    try (Stream<Path> files = Files.walk(TestSpark.warehouse())) {
      assertEquals(List.of(), files.filter(f -> f.toString().contains("cols")).toList());
    }
  }
}
