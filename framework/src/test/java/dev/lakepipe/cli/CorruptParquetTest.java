package dev.lakepipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.testing.TestSpark;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * A truncated Parquet file in a batch source is one bad record naming the file, quarantined or failing the run as
 * {@code on-bad-record} says; the readable files' rows are all written.
 */
class CorruptParquetTest {
  @Test
  void aTruncatedFileIsQuarantinedWithWhyOrFailsTheRunNamingIt() throws IOException {
    Path orders = TestSpark.newFolder("corrupt-parquet").resolve("orders");
    TestSpark.session().range(0, 10).selectExpr("id", "id * 2 AS amount").repartition(2).write()
        .parquet(orders.toString());
    Path sample;
    try (Stream<Path> files = Files.list(orders)) {
      sample = files.filter(f -> f.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(sample);
    Path truncated = orders.resolve("part-99999-truncated.parquet");
    Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertEquals(ExitCodes.FAILURE, run(out, err, orders, "fail"), out + "\n" + err);
    assertTrue(err.toString().contains("read orders failed: 1 bad record(s) in orders, the first in file:" + truncated
        + ": not a readable Parquet file (" + bytes.length / 2 + " bytes): "), out + "\n" + err);
    try (Stream<Path> files = Files.walk(TestSpark.warehouse())) {
      assertEquals(List.of(), files.filter(f -> f.toString().contains("corrupt/out")
          || f.toString().contains("corrupt_parquet")).toList());
    }

    out = new StringWriter();
    err = new StringWriter();
    assertEquals(ExitCodes.OK, run(out, err, orders, "quarantine"), out + "\n" + err);
    List<Row> written = TestSpark.session().read().format("delta").load(TestSpark.warehouse() + "/corrupt/out")
        .orderBy("id").collectAsList();
    assertEquals(10, written.size());
    assertEquals("[0,0] [9,18]", written.get(0) + " " + written.get(9));
    List<Row> quarantined = TestSpark.session().read().format("delta")
        .load(TestSpark.warehouse() + "/_lakepipe/batch/corrupt_parquet/orders/quarantine").collectAsList();
    assertEquals(1, quarantined.size());
    Row record = quarantined.get(0);
    assertEquals("orders|file:" + truncated + "|null", record.getAs("source") + "|" + record.getAs("position") + "|"
        + record.getAs("raw_value"));
    assertTrue(record.<String>getAs("reason").startsWith("not a readable Parquet file (" + bytes.length / 2
        + " bytes): "), record.<String>getAs("reason"));
    assertTrue(out.toString().contains("10 used, 1 quarantined"), out.toString());
  }

  private static int run(StringWriter out, StringWriter err, Path orders, String onBadRecord) {
    return Lakepipe.execute(new PrintWriter(out), new PrintWriter(err), "run",
        "src/test/resources/specs/run/corrupt-parquet.conf", "--set", "warehouse=" + TestSpark.warehouse(),
        "--set", "sources.orders.path=" + orders, "--set", "sources.orders.on-bad-record=" + onBadRecord);
  }
}
