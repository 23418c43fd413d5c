package dev.lakepipe.cli;

import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableAddresses;
import dev.lakepipe.format.TableFormat;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.spec.EngineSettings;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
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
    int colon = table.indexOf(':');
    TableFormat format = colon < 0 ? null : TableFormats.all().get(table.substring(0, colon));
    if (format == null) {
      throw new ParameterException(line, "TABLE must be FORMAT:LOCATION with FORMAT one of "
          + String.join(", ", new TreeSet<>(TableFormats.all().keySet())) + ", got '" + table + "'");
    }
    String location = table.substring(colon + 1);
    boolean named = format.catalogAddressed() || location.matches("[A-Za-z_][A-Za-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*");
    EngineSettings settings = new EngineSettings(warehouse, Optional.empty(), Optional.of(appName), Map.of(), catalog);
    TableAddress address = TableAddresses.resolve(settings, format, table, named ? Optional.empty()
        : Optional.of(location), named ? Optional.of(location) : Optional.empty(), Map.of());
    return new Table(format, address, settings);
  }
}
