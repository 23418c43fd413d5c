package dev.lakepipe.cli;

import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableFormat;
import dev.lakepipe.query.InvalidQueryException;
import dev.lakepipe.query.TableName;
import dev.lakepipe.spec.EngineSettings;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * A table named on the command line as a spec names it, {@code FORMAT:LOCATION}, with the warehouse and catalog it
 * is in: shared by the commands that take a table instead of a spec.
 */
public final class TableArgument {
  /** What the TABLE parameter of such a command says. */
  public static final String DESCRIPTION = "FORMAT:LOCATION, as a spec names it: delta:dw/orders (a path, relative to"
      + " the warehouse), delta:dw.orders (a table name), iceberg:dw.orders, parquet:raw/events.";

  @Option(names = "--warehouse", paramLabel = "DIR", description = "Warehouse root (default: $LAKEPIPE_WAREHOUSE,"
      + " else ./warehouse).")
  String warehouse = Optional.ofNullable(System.getenv("LAKEPIPE_WAREHOUSE")).orElse("warehouse");

  @Option(names = "--catalog", paramLabel = "NAME", defaultValue = "lakepipe",
      description = "Catalog of catalog-addressed tables (default: lakepipe).")
  String catalog;

  /** A resolved table: its format, where it is, and settings for a session over its warehouse. */
  public record Table(TableFormat format, TableAddress address, EngineSettings settings) {}

  /**
   * @param table {@code FORMAT:LOCATION}
   * @param appName the Spark application name of the command
   * @throws ParameterException when the format is unknown
   */
  public Table resolve(CommandLine line, String table, String appName) {
    TableName name;
    try {
      name = TableName.parse(table);
    } catch (InvalidQueryException e) {
      throw new ParameterException(line, "TABLE: " + e.getMessage());
    }
    EngineSettings settings = new EngineSettings(warehouse, Optional.empty(), Optional.of(appName), Map.of(), catalog);
    return new Table(name.format(), name.address(settings), settings);
  }

}
