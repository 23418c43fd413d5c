package dev.lakepipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.testing.TestSpark;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Records of JSON and CSV files that do not fit the declared schema are quarantined with why, or fail the run. */
class BadRecordsTest {
  @Test
  void badRecordsAreQuarantinedAndCountedOrFailTheRun() throws IOException {
    Path folder = TestSpark.newFolder("bad-records");
    Path json = folder.resolve("events.json");
    Files.write(json, List.of("{\"id\":1,\"amount\":2.5}", "{\"id\":2,", "{\"id\":\"x\",\"amount\":1}",
        "{\"id\":4,\"amount\":4.0}"));
    Path csv = folder.resolve("prices.csv");
    Files.write(csv, List.of("id,price", "10,1.5", "11,2.5,extra", "12", "13,cheap", "14,3.0"));

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertEquals(ExitCodes.FAILURE, run(out, err, json, csv, "fail"), out + "\n" + err);
    assertTrue(err.toString().contains("read events failed: 2 bad record(s) in events, the first in file://" + json
        + ": not JSON of the declared schema (id BIGINT, amount DOUBLE): {\"id\":2,"), out + "\n" + err);
    try (Stream<Path> files = Files.walk(TestSpark.warehouse())) {
      assertEquals(List.of(), files.filter(f -> f.toString().contains("bad_records")
          || f.toString().contains("out")).toList());
    }

    out = new StringWriter();
    err = new StringWriter();
    assertEquals(ExitCodes.OK, run(out, err, json, csv, "quarantine"), out + "\n" + err);
    long written = TestSpark.session().sql("SELECT * FROM delta.`" + find("out") + "`").count();
    List<Row> quarantined = TestSpark.session().read().format("delta")
        .load(TestSpark.warehouse() + "/_lakepipe/batch/bad_records/events/quarantine")
        .unionByName(TestSpark.session().read().format("delta")
            .load(TestSpark.warehouse() + "/_lakepipe/batch/bad_records/prices/quarantine"))
        .orderBy("source", "raw_value").collectAsList();
    assertEquals(List.of("events|{\"id\":\"x\",\"amount\":1}|not JSON of the declared schema (id BIGINT, amount DOUBLE)",
        "events|{\"id\":2,|not JSON of the declared schema (id BIGINT, amount DOUBLE)",
        "prices|11,2.5,extra|not CSV of the declared schema (id BIGINT, price DOUBLE)",
        "prices|12|not CSV of the declared schema (id BIGINT, price DOUBLE)",
        "prices|13,cheap|not CSV of the declared schema (id BIGINT, price DOUBLE)"),
        quarantined.stream().map(r -> r.getAs("source") + "|" + r.getAs("raw_value") + "|" + r.getAs("reason"))
            .toList());
    assertEquals(4 + 5, written + quarantined.size());
    assertEquals(4, written);
    assertTrue(out.toString().contains("2 used, 2 quarantined"), out.toString());
    assertTrue(out.toString().contains("2 used, 3 quarantined"), out.toString());
  }

  private static int run(StringWriter out, StringWriter err, Path json, Path csv, String onBadRecord) {
    return Lakepipe.execute(new PrintWriter(out), new PrintWriter(err), "run",
        "src/test/resources/specs/run/bad-records.conf", "--set", "warehouse=" + TestSpark.warehouse(),
        "--set", "sources.events.path=" + json, "--set", "sources.prices.path=" + csv,
        "--set", "sources.events.on-bad-record=" + onBadRecord, "--set", "sources.prices.on-bad-record=" + onBadRecord);
  }

  private static Path find(String name) throws IOException {
    try (Stream<Path> files = Files.walk(TestSpark.warehouse())) {
      return files.filter(f -> f.getFileName().toString().equals(name) && Files.isDirectory(f.resolve("_delta_log")))
          .findFirst().orElseThrow();
    }
  }
}
