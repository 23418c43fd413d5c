package dev.lakepipe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lakepipe.format.Commit;
import dev.lakepipe.format.CommitContext;
import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.format.TableLayout;
import dev.lakepipe.format.TableWriter;
import dev.lakepipe.testing.TestSpark;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lakepipe query} over real Delta, Hudi and Iceberg tables of two commits each: the same three orders (a
 * DECIMAL, a TIMESTAMP, nulls, a comma, quotes, a line break and an empty string among them) after the second
 * commit, two of them after the first.
 */
class QueryCommandTest {
  private static final String DELTA = "delta:query_dw.orders";
  private static final String HUDI = "hudi:query_dw.order_detail";
  private static final String ICEBERG = "iceberg:query_ads.traffic_hourly";
  private static final String SPEC = "src/test/resources/specs/query/warehouse.conf";
  private static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.IntegerType, false)
      .add("shop", DataTypes.StringType)
      .add("amount", DataTypes.createDecimalType(10, 2))
      .add("paid_at", DataTypes.TimestampType)
      .add("note", DataTypes.StringType);
  private static final String COLUMNS = "SELECT id, shop, amount, paid_at, note FROM ";
  private static final String ALL_ROWS_CSV = "id,shop,amount,paid_at,note\r\n"
      + "1,north,10.50,2026-11-20T10:00:00Z,\r\n"
      + "2,\"south, east\",1200.00,2026-11-20T11:30:00.250Z,paid\r\n"
      + "3,\"west\nside\",0.05,,\"\"\r\n";
  private static final String FIRST_COMMIT_CSV = "id,shop,amount,paid_at,note\r\n"
      + "1,north,10.50,2026-11-20T10:00:00Z,\r\n"
      + "2,\"south, east\",1200.00,2026-11-20T11:30:00.250Z,\"say \"\"hi\"\"\"\r\n";

  /** By table name, the commit of its first write. */
  private static final Map<String, Commit> FIRST_COMMITS = new LinkedHashMap<>();
  /** By table name, the commit of its second write. */
  private static final Map<String, Commit> SECOND_COMMITS = new LinkedHashMap<>();
  /** A time after every table's first commit and before any second one. */
  private static Instant betweenCommits;

  private record Result(int code, String out, String err) {}

  @BeforeAll
  static void writeTables() throws InterruptedException {
    TestSpark.session();
    String warehouse = TestSpark.warehouse().toString();
    Map<String, TableWriter> writers = new LinkedHashMap<>();
    TableLayout byId = new TableLayout(List.of("id"), Optional.empty(), List.of());
    writers.put(DELTA, TableFormats.get("delta").writer(TestSpark.session(), new TableAddress("orders",
        "query_dw.orders", Optional.of(warehouse + "/query_dw/orders"), Optional.empty(), Map.of()), byId));
    writers.put(HUDI, TableFormats.get("hudi").writer(TestSpark.session(), new TableAddress("order_detail",
        "query_dw.order_detail", Optional.of(warehouse + "/query_dw/order_detail"), Optional.empty(), Map.of()), byId));
    writers.put(ICEBERG, TableFormats.get("iceberg").writer(TestSpark.session(), new TableAddress("traffic_hourly",
        "query_ads.traffic_hourly", Optional.empty(), Optional.of("lakepipe.query_ads.traffic_hourly"), Map.of()),
        byId));
    CommitContext first = new CommitContext("query-test", "run-1", Instant.parse("2026-11-20T12:00:00Z"));
    writers.forEach((name, writer) -> FIRST_COMMITS.put(name, writer.overwrite(rows(
        row(1, "north", "10.50", "2026-11-20T10:00:00Z", null),
        row(2, "south, east", "1200.00", "2026-11-20T11:30:00.250Z", "say \"hi\"")), first)));
    Thread.sleep(50);
    betweenCommits = Instant.now();
    Thread.sleep(50);
    CommitContext second = new CommitContext("query-test", "run-2", Instant.parse("2026-11-20T13:00:00Z"));
    writers.forEach((name, writer) -> SECOND_COMMITS.put(name, writer.upsert(rows(
        row(2, "south, east", "1200.00", "2026-11-20T11:30:00.250Z", "paid"),
        row(3, "west\nside", "0.05", null, "")), second)));
  }

  private static Row row(int id, String shop, String amount, String paidAt, String note) {
    return RowFactory.create(id, shop, new BigDecimal(amount),
        paidAt == null ? null : Timestamp.from(Instant.parse(paidAt)), note);
  }

  private static Dataset<Row> rows(Row... rows) {
    return TestSpark.session().createDataFrame(List.of(rows), SCHEMA);
  }

  private static Result query(String... args) {
    List<String> line = new ArrayList<>(List.of("query", "--set", "warehouse=" + TestSpark.warehouse()));
    line.addAll(List.of(args));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Lakepipe.execute(new PrintWriter(out), new PrintWriter(err), line.toArray(String[]::new));
    return new Result(code, out.toString(), err.toString());
  }

  private static String quoted(String table) {
    return "`" + table + "`";
  }

  @Test
  void everyFormatsTableIsQueriedByItsName() {
    for (String table : List.of(DELTA, HUDI, ICEBERG)) {
      Result result = query("-o", "csv", COLUMNS + quoted(table) + " ORDER BY id");
      assertEquals(new Result(ExitCodes.OK, ALL_ROWS_CSV, ""), result, table);
    }
    // Names inside a CTE and a subquery, and two formats in one query.
    Result joined = query("-o", "csv", "WITH d AS (SELECT * FROM " + quoted(DELTA) + ")"
        + " SELECT count(*) AS n FROM d JOIN " + quoted(HUDI) + " h USING (id)"
        + " WHERE id IN (SELECT id FROM " + quoted(ICEBERG) + ")");
    assertEquals(new Result(ExitCodes.OK, "n\r\n3\r\n", ""), joined);
  }

  @Test
  void asOfAnOlderCommitGivesTheOldRows() {
    for (String table : List.of(DELTA, HUDI, ICEBERG)) {
      Result result = query("-o", "csv", "--as-of", table + "=" + FIRST_COMMITS.get(table).id(),
          COLUMNS + quoted(table) + " ORDER BY id");
      assertEquals(new Result(ExitCodes.OK, FIRST_COMMIT_CSV, ""), result, table);
    }
    // One time for every table; a table's own as-of wins over it.
    Result counts = query("-o", "csv", "--as-of", betweenCommits.toString(),
        "--as-of", ICEBERG + "=" + SECOND_COMMITS.get(ICEBERG).id(),
        "SELECT (SELECT count(*) FROM " + quoted(DELTA) + ") AS delta, (SELECT count(*) FROM " + quoted(HUDI)
            + ") AS hudi, (SELECT count(*) FROM " + quoted(ICEBERG) + ") AS iceberg");
    assertEquals(new Result(ExitCodes.OK, "delta,hudi,iceberg\r\n2,2,3\r\n", ""), counts);
  }

  @Test
  void theThreeOutputsPrintValuesExactly() {
    String sql = COLUMNS + quoted(DELTA) + " ORDER BY id";
    assertEquals(new Result(ExitCodes.OK, ""
        + "id  shop          amount  paid_at                   note\n"
        + "--  -----------  -------  ------------------------  ----\n"
        + " 1  north          10.50  2026-11-20T10:00:00Z      null\n"
        + " 2  south, east  1200.00  2026-11-20T11:30:00.250Z  paid\n"
        + " 3  west\\nside      0.05  null\n", ""), query(sql));
    assertEquals(new Result(ExitCodes.OK, ALL_ROWS_CSV, ""), query("--output", "csv", sql));
    assertEquals(new Result(ExitCodes.OK, ""
        + "{\"id\":1,\"shop\":\"north\",\"amount\":\"10.50\",\"paid_at\":\"2026-11-20T10:00:00Z\",\"note\":null}\n"
        + "{\"id\":2,\"shop\":\"south, east\",\"amount\":\"1200.00\",\"paid_at\":\"2026-11-20T11:30:00.250Z\","
        + "\"note\":\"paid\"}\n"
        + "{\"id\":3,\"shop\":\"west\\nside\",\"amount\":\"0.05\",\"paid_at\":null,\"note\":\"\"}\n", ""),
        query("--output", "jsonl", sql));
    assertEquals(new Result(ExitCodes.OK, "id  shop  amount  paid_at  note\n--  ----  ------  -------  ----\n", ""),
        query(sql.replace("ORDER BY", "WHERE id > 9 ORDER BY")));
  }

  @Test
  void theLimitCutsRowsAndSaysSoOnStderr() {
    String sql = "SELECT id FROM " + quoted(HUDI) + " ORDER BY id";
    assertEquals(new Result(ExitCodes.OK, "id\r\n1\r\n2\r\n", "lakepipe: the first 2 rows are shown; the query"
        + " returned more (--limit N shows N, --limit 0 all)\n"), query("-o", "csv", "--limit", "2", sql));
    assertEquals(new Result(ExitCodes.OK, "id\r\n1\r\n2\r\n3\r\n", ""), query("-o", "csv", "--limit", "3", sql));
    assertEquals(new Result(ExitCodes.OK, "id\r\n1\r\n2\r\n3\r\n", ""), query("-o", "csv", "--limit", "0", sql));
  }

  @Test
  void whatCannotRunExitsTwoWithAOneLineReason() {
    String warehouse = TestSpark.warehouse().toString();
    assertEquals(new Result(ExitCodes.INVALID, "", "lakepipe: table delta:query_dw.nope does not exist at "
        + warehouse + "/query_dw/nope; nothing ran\n"), query("SELECT * FROM `delta:query_dw.nope`"));
    assertEquals(new Result(ExitCodes.INVALID, "", "lakepipe: unknown format 'dleta' in dleta:query_dw.orders (known:"
        + " csv, delta, hudi, iceberg, json, orc, parquet); nothing ran\n"), query("SELECT * FROM `dleta:query_dw.orders`"));
    // Spark's parse errors start with an empty line.
    assertEquals(new Result(ExitCodes.INVALID, "", "lakepipe: SQL error: [PARSE_SYNTAX_ERROR] Syntax error at or near"
        + " end of input.(line 1, pos 49); nothing ran\n"), query("SELECT id FROM " + quoted(DELTA) + " WHERE id >"));
    assertEquals(new Result(ExitCodes.INVALID, "", "lakepipe: SQL error: [UNRESOLVED_COLUMN.WITH_SUGGESTION] A column"
        + " or function parameter with name `total` cannot be resolved. Did you mean one of the following? [`note`,"
        + " `id`, `shop`, `amount`, `paid_at`].; line 1 pos 7; nothing ran\n"),
        query("SELECT total FROM " + quoted(DELTA)));
    assertEquals(new Result(ExitCodes.INVALID, "", "lakepipe: SQL error: [TABLE_OR_VIEW_NOT_FOUND] The table or view"
        + " `orders` cannot be found. Verify the spelling and correctness of the schema and catalog.; nothing ran\n"),
        query("SELECT * FROM orders"));
    assertEquals(new Result(ExitCodes.INVALID, "", "lakepipe: only queries run here (SELECT, WITH, VALUES, TABLE), not"
        + " commands such as DropTable; nothing ran\n"), query("DROP TABLE lakepipe.query_ads.traffic_hourly"));
    assertEquals(new Result(ExitCodes.INVALID, "", "lakepipe: as-of delta:query_dw.order: the query reads no table of"
        + " that name (it reads delta:query_dw.orders); nothing ran\n"),
        query("--as-of", "delta:query_dw.order=0", "SELECT * FROM " + quoted(DELTA)));
    assertEquals(ExitCodes.INVALID, query("--output", "xml", "SELECT 1").code());
    assertEquals(ExitCodes.INVALID, query("--as-of", "12", "SELECT 1").code());
    assertEquals(ExitCodes.INVALID, query("--as-of", "x=yesterday", "SELECT 1").code());
  }

  @Test
  void aSpecsSourcesAndTargetsAreViewsNamedAfterThem() {
    String sql = "SELECT (SELECT count(*) FROM orders) AS orders, (SELECT count(*) FROM first_orders) AS first,"
        + " (SELECT count(*) FROM detail) AS detail, (SELECT sum(amount) FROM traffic) AS traffic";
    assertEquals(new Result(ExitCodes.OK, "orders,first,detail,traffic\r\n3,2,3,1210.55\r\n", ""),
        query("--spec", SPEC, "-o", "csv", sql));
    assertEquals(new Result(ExitCodes.OK, "orders,first,detail,traffic\r\n3,2,2,1210.50\r\n", ""),
        query("--spec", SPEC, "-o", "csv", "--as-of", "detail=" + FIRST_COMMITS.get(HUDI).id(),
            "--as-of", "TRAFFIC=" + FIRST_COMMITS.get(ICEBERG).id(), sql));
  }

  @Test
  void theProfilesSecretsAreNeverPrinted() {
    assertEquals(new Result(ExitCodes.OK, "k\r\n***\r\n", ""),
        query("--set", "spark.conf.\"spark.hadoop.fs.s3a.secret.key\"=not-to-be-seen", "-o", "csv",
            "SELECT 'not-to-be-seen' AS k"));
  }

  @Test
  void severalFilesRunInOneSessionEachWritingItsRowsAndSchema(@TempDir Path dir) throws IOException {
    Path queries = Files.createDirectories(dir.resolve("sql"));
    Path orders = Files.writeString(queries.resolve("orders.sql"), COLUMNS + quoted(DELTA) + "\nORDER BY id\n");
    Path counts = Files.writeString(queries.resolve("counts.sql"),
        "SELECT count(*) AS n, sum(amount) AS total FROM " + quoted(ICEBERG));
    Path out = dir.resolve("data");
    assertEquals(new Result(ExitCodes.OK, "", "lakepipe: orders: the first 2 rows are written; the query returned more"
        + " (--limit N shows N, --limit 0 all)\n"),
        query("-o", "csv", "--limit", "2", "--out-dir", out.toString(), "-f", orders.toString(), "-f", counts.toString()));
    assertEquals("id,shop,amount,paid_at,note\r\n1,north,10.50,2026-11-20T10:00:00Z,\r\n"
        + "2,\"south, east\",1200.00,2026-11-20T11:30:00.250Z,paid\r\n", Files.readString(out.resolve("orders.csv")));
    assertEquals("n,total\r\n3,1210.55\r\n", Files.readString(out.resolve("counts.csv")));
    assertEquals("{\"type\":\"struct\",\"fields\":[{\"name\":\"n\",\"type\":\"long\",\"nullable\":false,"
        + "\"metadata\":{}},{\"name\":\"total\",\"type\":\"decimal(20,2)\",\"nullable\":true,\"metadata\":{}}]}\n",
        Files.readString(out.resolve("counts.schema.json")));
    // One file prints on stdout, as SQL does.
    assertEquals(new Result(ExitCodes.OK, "{\"n\":3,\"total\":\"1210.55\"}\n", ""),
        query("-o", "jsonl", "--file", counts.toString()));
    // A failing query names its file; the ones before it were written.
    Path broken = Files.writeString(queries.resolve("broken.sql"), "SELECT total FROM " + quoted(HUDI));
    Path again = dir.resolve("again");
    Result failed = query("-o", "jsonl", "--out-dir", again.toString(), "-f", counts.toString(), "-f", broken.toString(),
        "-f", orders.toString());
    assertEquals(ExitCodes.INVALID, failed.code());
    String reason = "lakepipe: broken: SQL error: [UNRESOLVED_COLUMN";
    assertEquals(reason, failed.err().substring(0, reason.length()));
    assertEquals(List.of("counts.jsonl", "counts.schema.json"),
        Files.list(again).map(p -> p.getFileName().toString()).sorted().toList());
  }

  @Test
  void filesAreRefusedWithoutAClearDestination(@TempDir Path dir) throws IOException {
    Path a = Files.writeString(dir.resolve("a.sql"), "SELECT 1 AS one");
    Path other = Files.createDirectories(dir.resolve("other"));
    Path sameName = Files.writeString(other.resolve("a.sql"), "SELECT 2 AS two");
    String out = dir.resolve("out").toString();
    for (String[] args : List.of(new String[] {"-f", a.toString(), "SELECT 1"}, new String[] {},
        new String[] {"-f", a.toString(), "-f", a.toString()}, new String[] {"--out-dir", out, "SELECT 1"},
        new String[] {"--out-dir", out, "-f", a.toString(), "-f", sameName.toString()},
        new String[] {"-f", dir.resolve("missing.sql").toString()})) {
      assertEquals(ExitCodes.INVALID, query(args).code(), String.join(" ", args));
    }
    assertEquals(false, Files.exists(dir.resolve("out")));
  }
}
