package dev.lakepipe.cli;

import dev.lakepipe.query.InvalidQueryException;
import dev.lakepipe.query.QueryResult;
import dev.lakepipe.query.ResultFormat;
import dev.lakepipe.query.WarehouseQuery;
import dev.lakepipe.run.SparkSessions;
import dev.lakepipe.spec.AsOf;
import dev.lakepipe.spec.EngineSettings;
import dev.lakepipe.spec.InvalidSpecException;
import dev.lakepipe.spec.JobSpec;
import dev.lakepipe.spec.Secrets;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Runs SQL over the warehouse's tables and prints the rows: how people and notebooks look at the results. */
@Command(name = "query", mixinStandardHelpOptions = true,
    description = {"Run SQL over the warehouse's tables and print the rows on stdout (nothing else goes there).",
        "Name a table as a spec does, in backquotes: SELECT * FROM `delta:dw.orders` JOIN `iceberg:ads.traffic_hourly`"
            + " ...; hudi:dw.order_detail and delta:dw.orders are <warehouse>/dw/..., iceberg:ads.x is in the"
            + " warehouse's catalog, delta:dw/orders or parquet:/data/x a path. With --spec, its sources and targets"
            + " are views named after them.",
        "Only queries run (SELECT, WITH, VALUES, TABLE); commands are refused.",
        "Exit codes: 0 success, 1 failure, 2 invalid arguments, spec, table name or SQL (nothing ran)."})
final class QueryCommand implements Callable<Integer> {
  @Mixin
  SpecOptions specOptions;

  @Mixin
  VerboseOption verbose;

  @Parameters(paramLabel = "SQL", description = "The query.")
  String sql;

  @Option(names = "--spec", paramLabel = "SPEC",
      description = "Also make each source and target of this spec a view named after it, read as the spec reads it;"
          + " the warehouse and Spark settings are the spec's.")
  String spec;

  @Option(names = "--as-of", paramLabel = "[TABLE=]POINT",
      description = {"Read a table as of a commit (Delta version, Iceberg snapshot id, Hudi instant) or an ISO-8601"
          + " time: --as-of delta:dw.orders=12, --as-of orders=2026-11-22T03:00Z (TABLE as the query names it);"
          + " repeatable.",
          "Without TABLE=, a time for every table the query reads: --as-of 2026-11-22T03:00Z."})
  List<String> asOf = List.of();

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table (aligned columns, the default), csv (RFC 4180, a header line) or jsonl (a JSON object per"
          + " row).")
  String output;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
      description = "Print at most N rows (default: 100; 0: all); stderr says when rows were cut.")
  int limit;

  @Spec
  CommandSpec command;

  @Override
  public Integer call() throws InvalidSpecException {
    ResultFormat format = ResultFormat.named(output).orElseThrow(() -> new ParameterException(command.commandLine(),
        "--output " + output + " is not one of " + Arrays.stream(ResultFormat.values())
            .map(ResultFormat::optionName).collect(Collectors.joining(", "))));
    if (limit < 0) {
      throw new ParameterException(command.commandLine(), "--limit must be 0 (all rows) or more, got " + limit);
    }
    List<AsOfOption> points = asOf.stream().map(this::asOfOption).toList();
    if (points.stream().filter(p -> p.table() == null).count() > 1) {
      throw new ParameterException(command.commandLine(), "--as-of without TABLE= is given more than once");
    }
    JobSpec job = spec == null ? null : specOptions.load(spec);
    EngineSettings settings = job == null ? specOptions.loadSettings() : job.settings();
    // The profile's secrets are masked too when there is no spec, which the root command masks itself.
    PrintWriter out = masked(command.commandLine().getOut(), settings);
    PrintWriter err = masked(command.commandLine().getErr(), settings);
    verbose.apply();
    try {
      WarehouseQuery query = WarehouseQuery.of(SparkSessions.getOrCreate(Runs.withConsoleProgress(settings)), settings);
      if (job != null) {
        query = query.withTablesOf(job);
      }
      for (AsOfOption point : points) {
        query = point.table() == null ? query.withAsOf(point.time())
            : query.withAsOf(point.table(), point.point());
      }
      QueryResult result = query.run(sql, limit);
      format.write(result, out);
      out.flush();
      if (result.truncated()) {
        err.println("lakepipe: the first " + limit + " rows are shown; the query returned more (--limit N shows N,"
            + " --limit 0 all)");
      }
      return ExitCodes.OK;
    } catch (InvalidQueryException e) {
      err.println("lakepipe: " + e.getMessage() + "; nothing ran");
      return ExitCodes.INVALID;
    } catch (RuntimeException e) {
      if (verbose.verbose) {
        e.printStackTrace(err);
      }
      Throwable cause = e;
      while (cause.getCause() != null && cause.getCause() != cause) {
        cause = cause.getCause();
      }
      err.println("lakepipe: the query failed: " + WarehouseQuery.firstLine(cause)
          + (verbose.verbose ? "" : "  (--verbose shows the stack trace)"));
      return ExitCodes.FAILURE;
    } finally {
      err.flush();
    }
  }

  /** An {@code --as-of}: for one table a commit or a time, for all tables ({@code table} null) a time. */
  private record AsOfOption(String table, AsOf point, Instant time) {}

  private AsOfOption asOfOption(String text) {
    int equals = text.lastIndexOf('=');
    String table = equals < 0 ? null : text.substring(0, equals);
    String value = text.substring(equals + 1);
    if (table != null && table.isEmpty()) {
      throw new ParameterException(command.commandLine(), "--as-of " + text + ": the table is missing before '='");
    }
    if (table != null && value.matches("\\d+")) {
      return new AsOfOption(table, AsOf.version(value), null);
    }
    Instant time = LogicalTimes.parse(value).orElseThrow(() -> new ParameterException(command.commandLine(),
        "--as-of " + text + ": " + (table == null && value.matches("\\d+")
            ? "a commit belongs to one table: give TABLE=" + value
            : "'" + value + "' is neither a commit (digits) nor an ISO-8601 time such as 2026-11-22T03:00Z")));
    return new AsOfOption(table, AsOf.timestamp(time.toString()), time);
  }

  private static PrintWriter masked(PrintWriter target, EngineSettings settings) {
    MaskingWriter writer = new MaskingWriter(target);
    writer.addSecrets(Secrets.values(settings));
    return new PrintWriter(writer, true);
  }
}
