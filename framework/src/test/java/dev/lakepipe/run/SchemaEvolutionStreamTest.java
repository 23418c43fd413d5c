package dev.lakepipe.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.format.Commit;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.testing.TestSpark;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A Kafka source whose declared schema changes between streaming runs, into an Iceberg table: a column the schema
 * adds reaches the table (the rows written before read null in it); a column it drops fails the run with exit code 2
 * before the micro-batch commits anything.
 */
class SchemaEvolutionStreamTest {
  private static final String SPEC = "src/test/resources/specs/schema/orders-stream.conf";
  private static final String SCHEMA = "order_id BIGINT, status STRING, amount DECIMAL(12,2), updated_at TIMESTAMP";

  @Test
  void aDeclaredSchemaThatAddsAColumnEvolvesTheTargetAndOneThatDropsAColumnFails() {
    OrderStream stream = new OrderStream("evolving_stream", SPEC, List.of("iceberg"));
    stream.send(0, OrderStream.event(1, "created", "10.00", 1), OrderStream.event(2, "created", "20.00", 1));
    stream.run(ExitCodes.OK);

    stream.send(0, "{\"order_id\":3,\"status\":\"created\",\"amount\":30.00,\"updated_at\":\"2026-11-22T02:00:00Z\","
        + "\"channel\":\"web\"}");
    stream.run(ExitCodes.OK, "sources.orders.schema=\"" + SCHEMA + ", channel STRING\"");
    assertEquals(List.of("1|created|null", "2|created|null", "3|created|web"), rows(stream));

    Optional<Commit> before = stream.latestCommit("iceberg");
    stream.send(0, OrderStream.event(4, "created", "40.00", 3));
    String refused = stream.run(ExitCodes.INVALID,
        "sources.orders.schema=\"order_id BIGINT, amount DECIMAL(12,2), updated_at TIMESTAMP, channel STRING\"");
    assertTrue(refused.contains("write iceberg failed: schema-evolution = add-columns refuses the rows for "
        + stream.target("iceberg").location() + ": column status (STRING) is in the table but not in the rows: no"
        + " schema-evolution drops or renames a column; nothing was committed to it"), refused);
    assertEquals(before, stream.latestCommit("iceberg"));
  }

  private static List<String> rows(OrderStream stream) {
    stream.target("iceberg").identifier().ifPresent(table -> TestSpark.session().catalog().refreshTable(table));
    return TableFormats.get("iceberg").reader(TestSpark.session(), stream.target("iceberg")).snapshot()
        .selectExpr("concat_ws('|', order_id, status, coalesce(channel, 'null'))").collectAsList().stream()
        .map(row -> row.getString(0)).sorted().toList();
  }
}
