package dev.lakepipe.query;

import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableFormat;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.format.TableNotFoundException;
import dev.lakepipe.format.TableReader;
import dev.lakepipe.run.Tables;
import dev.lakepipe.spec.AsOf;
import dev.lakepipe.spec.EngineSettings;
import dev.lakepipe.spec.JobSpec;
import dev.lakepipe.spec.SourceSpec;
import dev.lakepipe.spec.TargetSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.plans.QueryPlan;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.ParsedStatement;
import scala.collection.Iterator;

/**
 * SQL over a warehouse's tables. A query names a table as a spec does, in backquotes: {@code SELECT * FROM
 * `delta:dw.orders`} (see {@link TableName}); with {@link #withTablesOf(JobSpec)} also by the name of a source or
 * target of the spec, which reads its table as the spec says (a source's own as-of included). Other names are left
 * to Spark (views, CTEs, catalog tables such as {@code lakepipe.dw.orders}). Each table named is read through its
 * format's {@link dev.lakepipe.format.TableReader}, as of its latest commit or the as-of given for it, and is a
 * temporary view of the session while the query runs (a view of the same name the session had is replaced, then
 * dropped: give a query a session of its own when that matters). Immutable: the {@code with} methods return a new
 * query.
 *
 * <p>Only queries run (SELECT, WITH, VALUES, TABLE); commands and statements that change tables are refused.
 */
public final class WarehouseQuery {
  private final SparkSession spark;
  private final EngineSettings settings;
  /** Spec tables by view name, lower case (Spark's view names ignore case). */
  private final Map<String, NamedTable> specTables;
  /** As-of points by the name as the query writes it, lower case. */
  private final Map<String, AsOf> asOf;
  private final Optional<Instant> asOfAll;

  /** A table that a name in a query stands for, and the point of its history it is read at unless told otherwise. */
  private record NamedTable(TableFormat format, TableAddress address, Optional<AsOf> asOf) {}

  private WarehouseQuery(SparkSession spark, EngineSettings settings, Map<String, NamedTable> specTables,
      Map<String, AsOf> asOf, Optional<Instant> asOfAll) {
    this.spark = spark;
    this.settings = settings;
    this.specTables = Map.copyOf(specTables);
    this.asOf = Map.copyOf(asOf);
    this.asOfAll = asOfAll;
  }

  /** Queries over the warehouse of these settings, run in this session. */
  public static WarehouseQuery of(SparkSession spark, EngineSettings settings) {
    return new WarehouseQuery(spark, settings, Map.of(), Map.of(), Optional.empty());
  }

  /** This query, where each source and target of the spec is also a view named after it (a target wins a tie). */
  public WarehouseQuery withTablesOf(JobSpec spec) {
    Map<String, NamedTable> tables = new LinkedHashMap<>(specTables);
    for (SourceSpec source : spec.sources().values()) {
      tables.put(key(source.name()), new NamedTable(TableFormats.get(source.format()),
          Tables.address(spec.settings(), source), source.asOf()));
    }
    for (TargetSpec target : spec.targets().values()) {
      tables.put(key(target.name()), new NamedTable(TableFormats.get(target.format()),
          Tables.address(spec.settings(), target), Optional.empty()));
    }
    return new WarehouseQuery(spark, settings, tables, asOf, asOfAll);
  }

  /**
   * This query, reading one table as of a commit or time.
   *
   * @param table the name as the query writes it: {@code delta:dw.orders}, or a spec's source or target
   */
  public WarehouseQuery withAsOf(String table, AsOf point) {
    Map<String, AsOf> points = new LinkedHashMap<>(asOf);
    points.put(key(table), point);
    return new WarehouseQuery(spark, settings, specTables, points, asOfAll);
  }

  /** This query, reading every table as it was at a time, except those given their own as-of. */
  public WarehouseQuery withAsOf(Instant time) {
    return new WarehouseQuery(spark, settings, specTables, asOf, Optional.of(time));
  }

  /**
   * Runs the query and returns its rows.
   *
   * @param limit at most this many rows are returned ({@link QueryResult#truncated()} says whether there were
   *     more); 0 returns them all
   * @throws InvalidQueryException when the SQL does not parse or analyze or is not a query, a table name names no
   *     format or no table, an as-of names a table the query does not read or one the table cannot give
   * @throws RuntimeException what Spark throws when computing the rows fails
   */
  public QueryResult run(String sql, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be 0 (all rows) or more: " + limit);
    }
    LogicalPlan plan = parse(sql);
    Map<String, NamedTable> tables = tablesRead(plan);
    for (String name : asOf.keySet()) {
      if (!tables.containsKey(name)) {
        throw new InvalidQueryException("as-of " + name + ": the query reads no table of that name"
            + (tables.isEmpty() ? "" : " (it reads " + String.join(", ", tables.keySet()) + ")"));
      }
    }
    List<String> views = new ArrayList<>();
    try {
      tables.forEach((name, table) -> {
        read(name, table).createOrReplaceTempView(quoted(name));
        views.add(name);
      });
      Dataset<Row> result = analyzed(sql);
      List<Row> rows = (limit == 0 ? result : result.limit(limit + 1)).collectAsList();
      boolean truncated = limit > 0 && rows.size() > limit;
      return new QueryResult(result.schema(), truncated ? rows.subList(0, limit) : rows, truncated);
    } finally {
      views.forEach(view -> spark.catalog().dropTempView(view));
    }
  }

  private LogicalPlan parse(String sql) {
    LogicalPlan plan;
    try {
      plan = spark.sessionState().sqlParser().parsePlan(sql);
    } catch (AnalysisException e) {
      throw new InvalidQueryException("SQL error: " + firstLine(e), e);
    }
    if (plan instanceof Command || plan instanceof ParsedStatement) {
      throw new InvalidQueryException("only queries run here (SELECT, WITH, VALUES, TABLE), not commands such as "
          + plan.nodeName());
    }
    return plan;
  }

  private Dataset<Row> analyzed(String sql) {
    try {
      return spark.sql(sql);
    } catch (Exception e) {
      // Scala throws the checked AnalysisException without declaring it.
      if (e instanceof AnalysisException) {
        throw new InvalidQueryException("SQL error: " + firstLine(e), e);
      }
      throw e;
    }
  }

  /** The tables the plan names, by lower-case name: every {@code FORMAT:LOCATION} name, and the spec's tables. */
  private Map<String, NamedTable> tablesRead(LogicalPlan plan) {
    Set<String> names = new LinkedHashSet<>();
    relationNames(plan, names);
    Map<String, NamedTable> tables = new LinkedHashMap<>();
    for (String name : names) {
      if (TableName.isTableName(name)) {
        TableName table = TableName.parse(name);
        tables.putIfAbsent(key(name), new NamedTable(table.format(), table.address(settings), Optional.empty()));
      } else if (specTables.containsKey(key(name))) {
        tables.putIfAbsent(key(name), specTables.get(key(name)));
      }
    }
    return tables;
  }

  /** The one-part names of the relations a parsed plan reads, in its subqueries and CTEs too. */
  private static void relationNames(QueryPlan<?> plan, Set<String> names) {
    if (plan instanceof UnresolvedRelation relation && relation.multipartIdentifier().size() == 1) {
      names.add(relation.multipartIdentifier().head());
    }
    // CTE definitions are inner children of a WITH; subqueries in expressions (IN, EXISTS) are subqueries.
    for (Iterator<?> it = plan.children().iterator(); it.hasNext(); ) {
      relationNames((QueryPlan<?>) it.next(), names);
    }
    for (Iterator<?> it = plan.innerChildren().iterator(); it.hasNext(); ) {
      relationNames((QueryPlan<?>) it.next(), names);
    }
    for (Iterator<?> it = plan.subqueries().iterator(); it.hasNext(); ) {
      relationNames((QueryPlan<?>) it.next(), names);
    }
  }

  /** The table's rows at the point asked for it, else at the global time, else at the spec's, else latest. */
  private Dataset<Row> read(String name, NamedTable table) {
    Optional<AsOf> point = Optional.ofNullable(asOf.get(name))
        .or(() -> asOfAll.map(time -> AsOf.timestamp(time.toString())))
        .or(table::asOf);
    try {
      TableReader reader = table.format().reader(spark, table.address());
      return point.map(reader::asOf).orElseGet(reader::snapshot);
    } catch (Exception e) {
      // Formats report an as-of outside the history in their own exceptions (Delta's is an AnalysisException).
      boolean asked = e instanceof UnsupportedOperationException || e instanceof IllegalArgumentException
          || e instanceof AnalysisException || point.isPresent();
      if (e instanceof TableNotFoundException) {
        throw new InvalidQueryException(firstLine(e), e);
      } else if (asked) {
        throw new InvalidQueryException(name + point.map(p -> " as of " + p).orElse("") + ": " + firstLine(e), e);
      }
      throw e;
    }
  }

  private static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  private static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /**
   * The first line of a failure's message that says something, whole: Spark's parse errors start with an empty
   * line, and its analysis errors go on with the plan after a {@code ;}. The class name when there is no message.
   */
  public static String firstLine(Throwable failure) {
    String message = failure.getMessage();
    return message == null ? failure.getClass().getSimpleName()
        : message.lines().map(line -> line.strip().replaceFirst(";+$", "")).filter(line -> !line.isEmpty())
            .findFirst().orElse(failure.getClass().getSimpleName());
  }
}
