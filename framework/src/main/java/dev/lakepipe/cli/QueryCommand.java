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
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
        "Several queries share one Spark session with --out-dir DIR --file A.sql --file B.sql ...: each writes"
            + " DIR/A.<format> and its schema DIR/A.schema.json (Spark's JSON schema), so that a notebook's data costs"
            + " one JVM start.",
        "Exit codes: 0 success, 1 failure, 2 invalid arguments, spec, table name or SQL (nothing ran)."})
final class QueryCommand implements Callable<Integer> {
  @Mixin
  SpecOptions specOptions;

  @Mixin
  VerboseOption verbose;

  @Parameters(paramLabel = "SQL", arity = "0..1", description = "The query (or --file).")
  String sql;

  @Option(names = {"-f", "--file"}, paramLabel = "FILE",
      description = "Run the query this file holds instead of SQL; repeatable with --out-dir, each file a query named"
          + " after the file without .sql.")
  List<Path> files = List.of();

  @Option(names = "--out-dir", paramLabel = "DIR",
      description = "Write each --file's rows to DIR/NAME.<format> (csv, jsonl or table) and its schema to"
          + " DIR/NAME.schema.json, replacing them, instead of printing them; DIR is created when missing.")
  Path outDir;

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
    Map<String, String> queries = queries();
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
      if (outDir != null) {
        Files.createDirectories(outDir);
      }
      for (Map.Entry<String, String> named : queries.entrySet()) {
        current = named.getKey();
        QueryResult result = query.run(named.getValue(), limit);
        if (outDir == null) {
          format.write(result, out);
          out.flush();
        } else {
          writeFiles(named.getKey(), format, result);
        }
        if (result.truncated()) {
          err.println("lakepipe: " + prefix() + "the first " + limit + " rows are "
              + (outDir == null ? "shown" : "written") + "; the query returned more (--limit N shows N, --limit 0 all)");
        }
      }
      return ExitCodes.OK;
    } catch (InvalidQueryException e) {
      err.println("lakepipe: " + prefix() + e.getMessage() + "; " + (outDir == null ? "nothing ran"
          : "it did not run, nor the queries after it"));
      return ExitCodes.INVALID;
    } catch (IOException e) {
      err.println("lakepipe: cannot write to " + outDir + ": " + e.getMessage());
      return ExitCodes.FAILURE;
    } catch (RuntimeException e) {
      if (verbose.verbose) {
        e.printStackTrace(err);
      }
      Throwable cause = e;
      while (cause.getCause() != null && cause.getCause() != cause) {
        cause = cause.getCause();
      }
      err.println("lakepipe: " + prefix() + "the query failed: " + WarehouseQuery.firstLine(cause)
          + (verbose.verbose ? "" : "  (--verbose shows the stack trace)"));
      return ExitCodes.FAILURE;
    } finally {
      err.flush();
    }
  }

  /** The name of the query running, when it came from a file. */
  private String current;

  private String prefix() {
    return files.isEmpty() || current == null ? "" : current + ": ";
  }

  /** The queries to run, in order, by name: the SQL argument, or the files' contents by file name. */
  private Map<String, String> queries() {
    if ((sql == null) == files.isEmpty()) {
      throw new ParameterException(command.commandLine(), "give either SQL or --file, not both nor neither");
    }
    if (outDir != null && files.isEmpty()) {
      throw new ParameterException(command.commandLine(), "--out-dir writes the queries of --file; give --file");
    }
    if (outDir == null && files.size() > 1) {
      throw new ParameterException(command.commandLine(),
          "several --file write to --out-dir DIR, one file each; give --out-dir");
    }
    if (sql != null) {
      return Map.of("query", sql);
    }
    Map<String, String> queries = new LinkedHashMap<>();
    for (Path file : files) {
      String name = file.getFileName().toString().replaceFirst("\\.sql$", "");
      try {
        if (queries.put(name, Files.readString(file)) != null) {
          throw new ParameterException(command.commandLine(), "--file " + file + ": another file is also named "
              + name + "; the names of the queries must differ");
        }
      } catch (IOException e) {
        throw new ParameterException(command.commandLine(), "--file " + file + ": cannot read it: " + e, e);
      }
    }
    return queries;
  }

  /** Writes a query's rows to {@code <out-dir>/<name>.<format>} and its schema beside them. */
  private void writeFiles(String name, ResultFormat format, QueryResult result) throws IOException {
    Files.writeString(outDir.resolve(name + ".schema.json"), result.schema().json() + "\n", StandardCharsets.UTF_8);
    try (Writer file = Files.newBufferedWriter(outDir.resolve(name + "." + format.optionName()), StandardCharsets.UTF_8);
        PrintWriter rows = new PrintWriter(file)) {
      format.write(result, rows);
      if (rows.checkError()) {
        throw new IOException("the rows of " + name + " were not all written");
      }
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
