package dev.lakepipe.format.hudi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableFormat;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableServices;
import dev.lakepipe.format.TableWriter;
import dev.lakepipe.spec.Storage;
import dev.lakepipe.testing.TestSpark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.hudi.common.table.HoodieTableMetaClient;
import org.apache.hudi.common.table.timeline.HoodieActiveTimeline;
import org.apache.hudi.common.table.timeline.HoodieTimeline;
import org.apache.hudi.hadoop.fs.HadoopFSUtils;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * A merge-on-read table that a streaming query writes is compacted beside the writes: the writes only schedule the
 * compaction and go on while it waits for the table's services, which run it; the rows are those the writes
 * committed, before and after. A compaction that a
 * stopped query left half-done is run by the services of the table's next streaming writer; one that fails fails the
 * services' close and stays scheduled.
 */
class HudiBackgroundCompactionTest {
  private static final TableFormat HUDI = TableFormats.get("hudi");
  private static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.LongType, false)
      .add("version", DataTypes.IntegerType);
  private static final TableLayout LAYOUT = new TableLayout(List.of("id"), Optional.of("version"), List.of(),
      Storage.MERGE_ON_READ).withBuckets(1);

  @Test
  void theWritesScheduleTheCompactionAndGoOnWhileTheServicesRunIt() throws InterruptedException {
    Path table = TestSpark.newFolder("hudi-background-").resolve("orders");
    TableAddress address = address(table, Map.of());
    HudiReader reader = new HudiReader(TestSpark.session(), address);
    CountDownLatch started = new CountDownLatch(1);
    // Holds the services' thread until the writes are done.
    ExecutorService thread = heldUntil(started);
    List<String> expected;
    try (TableServices services = new HudiBackgroundCompaction(address, reader,
        new HudiMaintainer(TestSpark.session(), address, reader), thread)) {
      expected = upsertInTurn(HUDI.writer(TestSpark.session(), address, LAYOUT, services), 12);
      HoodieTimeline scheduled = metaClient(table).getActiveTimeline();
      assertEquals(1, scheduled.filterPendingCompactionTimeline().countInstants(), "the tenth write scheduled it");
      assertEquals(0, compactions(scheduled), "no write ran it");
      assertEquals(12, scheduled.getDeltaCommitTimeline().filterCompletedInstants().countInstants());
      assertEquals(expected, stored(address));
      started.countDown();
    }

    assertEquals(expected, stored(address));
    HoodieTimeline timeline = metaClient(table).getActiveTimeline();
    assertTrue(timeline.filterPendingCompactionTimeline().empty(), "the services ran it");
    assertEquals(1, compactions(timeline));
  }

  @Test
  void aCompactionLeftHalfDoneIsRunByTheNextStreamingWritersServices() {
    Path table = TestSpark.newFolder("hudi-left-").resolve("orders");
    // As a query stopped before its services ran the compaction leaves the table.
    TableAddress scheduling = address(table, Map.of("hoodie.compact.inline", "false",
        "hoodie.compact.schedule.inline", "true"));
    List<String> written = upsertInTurn(HUDI.writer(TestSpark.session(), scheduling, LAYOUT), 10);
    HoodieActiveTimeline scheduled = metaClient(table).getActiveTimeline();
    // As a JVM stopped while compacting leaves it: started, not completed.
    scheduled.transitionCompactionRequestedToInflight(scheduled.filterPendingCompactionTimeline().firstInstant().get());
    assertEquals(1, metaClient(table).getActiveTimeline().filterPendingCompactionTimeline().filterInflights()
        .countInstants());

    TableAddress address = address(table, Map.of());
    try (TableServices services = HUDI.services(TestSpark.session(), address, LAYOUT)) {
      HUDI.writer(TestSpark.session(), address, LAYOUT, services)
          .upsert(rows(RowFactory.create(0L, 100)), context(100));
    }

    List<String> expected = new ArrayList<>(written);
    expected.set(0, "0|100");
    assertEquals(expected, stored(address));
    HoodieTimeline timeline = metaClient(table).getActiveTimeline();
    assertTrue(timeline.filterPendingCompactionTimeline().empty(), "the scheduled compaction ran");
    assertEquals(1, compactions(timeline));
  }

  @Test
  void aTargetThatAsksForInlineCompactionHasItInStreamingRunsToo() {
    Path table = TestSpark.newFolder("hudi-inline-").resolve("orders");
    TableAddress address = address(table, Map.of("hoodie.compact.inline", "true"));
    List<String> expected;
    try (TableServices services = HUDI.services(TestSpark.session(), address, LAYOUT)) {
      assertSame(TableServices.IN_WRITES, services);
      expected = upsertInTurn(HUDI.writer(TestSpark.session(), address, LAYOUT, services), 10);
    }
    HoodieTimeline timeline = metaClient(table).getActiveTimeline();
    assertEquals(1, compactions(timeline), "the tenth write compacted");
    assertTrue(timeline.filterPendingCompactionTimeline().empty());
    assertEquals(expected, stored(address));
  }

  @Test
  void aFailedCompactionFailsTheServicesAndStaysScheduledForTheNextWriter() throws IOException {
    Path table = TestSpark.newFolder("hudi-failed-").resolve("orders");
    TableAddress scheduling = address(table, Map.of("hoodie.compact.inline", "false",
        "hoodie.compact.schedule.inline", "true"));
    List<String> written = upsertInTurn(HUDI.writer(TestSpark.session(), scheduling, LAYOUT), 10);
    TableAddress address = address(table, Map.of());
    HudiReader reader = new HudiReader(TestSpark.session(), address);
    CountDownLatch released = new CountDownLatch(1);
    ExecutorService thread = heldUntil(released);
    Path plan;
    try (Stream<Path> files = Files.list(table.resolve(".hoodie/timeline"))) {
      plan = files.filter(file -> file.getFileName().toString().endsWith(".compaction.requested")).findFirst()
          .orElseThrow();
    }
    byte[] planned = Files.readAllBytes(plan);
    TableServices services = new HudiBackgroundCompaction(address, reader,
        new HudiMaintainer(TestSpark.session(), address, reader), thread);
    HUDI.writer(TestSpark.session(), address, LAYOUT, services).upsert(rows(RowFactory.create(0L, 100)), context(100));
    // The compaction, handed to the thread by the write, finds its plan unreadable.
    Files.write(plan, "not a compaction plan".getBytes(StandardCharsets.UTF_8));
    released.countDown();

    IllegalStateException failed = assertThrows(IllegalStateException.class, services::close);
    assertTrue(failed.getMessage().contains("background compaction of Hudi table orders"), failed.getMessage());

    Files.write(plan, planned);
    HoodieTimeline timeline = metaClient(table).getActiveTimeline();
    assertEquals(1, timeline.filterPendingCompactionTimeline().countInstants(), "still scheduled");
    assertEquals(0, compactions(timeline));
    List<String> expected = new ArrayList<>(written);
    expected.set(0, "0|100");
    assertEquals(expected, stored(address));
  }

  /** A thread for the services that runs nothing before {@code release} counts down. */
  private static ExecutorService heldUntil(CountDownLatch release) {
    ExecutorService thread = Executors.newSingleThreadExecutor();
    thread.submit(() -> {
      release.await();
      return null;
    });
    return thread;
  }

  /**
   * Upserts {@code n} times: each write updates key 0 and adds a key of its own.
   *
   * @return the rows the table then holds, as {@link #stored} gives them
   */
  private static List<String> upsertInTurn(TableWriter writer, int n) {
    for (int i = 1; i <= n; i++) {
      writer.upsert(rows(RowFactory.create(0L, i), RowFactory.create((long) i, i)), context(i));
    }
    return LongStream.rangeClosed(0, n).mapToObj(id -> id + "|" + (id == 0 ? n : id)).sorted().toList();
  }

  private static int compactions(HoodieTimeline timeline) {
    // A merge-on-read table's completed compactions are its commits.
    return (int) timeline.getCommitTimeline().filterCompletedInstants().getInstantsAsStream()
        .filter(instant -> instant.getAction().equals(HoodieTimeline.COMMIT_ACTION)).count();
  }

  private static HoodieTableMetaClient metaClient(Path table) {
    return HoodieTableMetaClient.builder()
        .setConf(HadoopFSUtils.getStorageConfWithCopy(TestSpark.session().sparkContext().hadoopConfiguration()))
        .setBasePath(table.toString()).build();
  }

  private static TableAddress address(Path table, Map<String, String> options) {
    return new TableAddress("orders", "bg.orders", Optional.of(table.toString()), Optional.empty(), options);
  }

  private static Dataset<Row> rows(Row... rows) {
    return TestSpark.session().createDataFrame(List.of(rows), SCHEMA);
  }

  private static CommitContext context(int n) {
    return new CommitContext("writer", "write-" + n, Instant.parse("2026-12-05T00:00:00Z").plusSeconds(n));
  }

  private static List<String> stored(TableAddress address) {
    return HUDI.reader(TestSpark.session(), address).snapshot().selectExpr("concat_ws('|', id, version)")
        .collectAsList().stream().map(row -> row.getString(0)).sorted().toList();
  }
}
