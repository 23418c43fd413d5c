package dev.lakepipe.format;

import static org.apache.spark.sql.functions.input_file_name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.lakepipe.spec.Storage;
import dev.lakepipe.testing.TestSpark;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A MERGE into a table whose keys include its partition columns reads only the partitions its rows name: the data
 * files of the other partitions are never opened, so removing one from storage does not disturb the MERGE.
 */
class MergePartitionsTest {
  private static final TableLayout KEYED_BY_REGION =
      new TableLayout(List.of("id", "region"), Optional.of("updated_at"), List.of("region"), Storage.MERGE_ON_READ);

  @ParameterizedTest
  @ValueSource(strings = {"delta", "iceberg"})
  void anUpsertAndDeleteReadsOnlyThePartitionsItsRowsName(String formatName) throws IOException {
    TableFormat format = TableFormats.get(formatName);
    TableAddress address = Orders.newTable(format);
    TableReader reader = format.reader(TestSpark.session(), address);
    TableWriter writer = format.writer(TestSpark.session(), address, KEYED_BY_REGION);
    writer.upsert(Orders.rows("1|eu|created|1", "2|eu|created|1", "3|us|created|1", "4|us|created|1",
        "5|apac|created|1"), context(1));

    List<String> usFiles = reader.snapshot().where("region = 'us'").select(input_file_name()).distinct()
        .collectAsList().stream().map(row -> row.getString(0)).toList();
    assertFalse(usFiles.isEmpty());
    for (String file : usFiles) {
      Files.delete(file.startsWith("file:") ? Path.of(URI.create(file)) : Path.of(file));
    }

    writer.upsertAndDelete(Orders.rows("1|eu|paid|2", "6|eu|created|2", "7|apac|created|2"),
        Orders.rows("2|eu|-|0").select("id", "region"), context(2));

    assertEquals(List.of("1|eu|paid|2", "5|apac|created|1", "6|eu|created|2", "7|apac|created|2"),
        Orders.render(reader.snapshot().where("region <> 'us'")));
  }

  private static CommitContext context(int run) {
    return new CommitContext("merge-partitions-test", "run-" + run,
        Instant.parse("2026-01-01T00:00:00Z").plusSeconds(run * 3600L));
  }
}
