package dev.lakepipe.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lakepipe.format.TableFormats;
import dev.lakepipe.plan.Plan;
import dev.lakepipe.spec.InvalidSpecException;
import dev.lakepipe.spec.JobSpec;
import dev.lakepipe.spec.SpecLoader;
import dev.lakepipe.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * A full run writes an upsert target's rows without its latest-wins pass exactly when the declared source keys (or
 * a GROUP BY) prove them unique by the target's keys, and the rows are right either way.
 */
class UniqueRowsTest {
  private static final Path SPEC = Path.of("src/test/resources/specs/run/unique-rows.conf");

  @Test
  void declaredSourceKeysSpareTheLatestWinsPassOnlyWhereTheyProveTheRowsUnique()
      throws IOException, InvalidSpecException {
    SparkSession spark = TestSpark.session();
    Path input = TestSpark.newFolder("unique-rows-");
    Path warehouse = TestSpark.newFolder("unique-rows-warehouse-");
    Path orders = write(input, "orders.json",
        "{\"order_id\":1,\"shop_id\":10,\"status\":\"paid\",\"updated_at\":\"2026-11-20T09:00:00Z\","
            + "\"order_date\":\"2026-11-20\"}",
        "{\"order_id\":2,\"shop_id\":10,\"status\":\"created\",\"updated_at\":\"2026-11-20T10:00:00Z\","
            + "\"order_date\":\"2026-11-20\"}",
        "{\"order_id\":3,\"shop_id\":20,\"status\":\"cancelled\",\"updated_at\":\"2026-11-21T08:00:00Z\","
            + "\"order_date\":\"2026-11-21\"}");
    Path shops = write(input, "shops.json", "{\"shop_id\":10,\"shop_name\":\"alpha\"}",
        "{\"shop_id\":20,\"shop_name\":\"beta\"}");
    // Shop 10 has two promotions, so each of its orders joins twice: only the latest may stay.
    Path promos = write(input, "promos.json",
        "{\"shop_id\":10,\"promo\":\"p1\",\"updated_at\":\"2026-11-20T09:00:00Z\"}",
        "{\"shop_id\":10,\"promo\":\"p2\",\"updated_at\":\"2026-11-20T11:00:00Z\"}");
    JobSpec job = new SpecLoader(TableFormats.all(), System::getenv).load(SPEC, new SpecLoader.Options(
        Optional.empty(), Optional.empty(), List.of("warehouse=\"" + warehouse + "\"",
            "sources.orders.path=\"" + orders + "\"", "sources.shops.path=\"" + shops + "\"",
            "sources.promos.path=\"" + promos + "\"")));

    Map<String, String> writes = new TreeMap<>();
    new PipelineRunner(spark).run(Plan.of(job), RunOptions.of(Instant.parse("2026-11-22T00:00:00Z"), RunMode.FULL),
        node -> {
          if (node.kind() == NodeResult.Kind.WRITE) {
            writes.put(node.name(), node.detail());
          }
        });

    Map<String, Boolean> spared = new TreeMap<>();
    writes.forEach((target, detail) -> spared.put(target, detail.endsWith(BatchRun.UNIQUE_BY_KEYS)));
    assertEquals(Map.of("paid", true, "detail", true, "promoted", false, "promo_count", true), spared,
        writes.toString());
    assertEquals(List.of("1|paid|2026-11-20", "2|created|2026-11-20"),
        rows(spark, warehouse, "paid", "order_id", "status", "order_date"));
    assertEquals(List.of("1|alpha|2026-11-20", "2|alpha|2026-11-20", "3|beta|2026-11-21"),
        rows(spark, warehouse, "detail", "order_id", "shop_name", "order_date"));
    assertEquals(List.of("1|p2", "2|p2"), rows(spark, warehouse, "promoted", "order_id", "promo"));
    assertEquals(List.of("10|2"), rows(spark, warehouse, "promo_count", "shop_id", "promos"));
  }

  private static Path write(Path folder, String name, String... lines) throws IOException {
    return Files.write(folder.resolve(name), List.of(lines));
  }

  private static List<String> rows(SparkSession spark, Path warehouse, String table, String... columns) {
    List<String> lines = new ArrayList<>();
    for (Row row : spark.read().format("delta").load(warehouse + "/unique/" + table)
        .selectExpr(columns).collectAsList()) {
      List<String> values = new ArrayList<>();
      for (int i = 0; i < row.size(); i++) {
        values.add(String.valueOf(row.get(i)));
      }
      lines.add(values.stream().collect(Collectors.joining("|")));
    }
    return lines.stream().sorted().toList();
  }
}
