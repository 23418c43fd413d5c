package dev.lakepipe.query;

import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableAddresses;
import dev.lakepipe.format.TableFormat;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.spec.EngineSettings;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A table named as a spec names it, {@code FORMAT:LOCATION}: {@code delta:dw.orders} and {@code hudi:dw.order_detail}
 * (a table name {@code db.name}, at {@code <warehouse>/db/name}), {@code iceberg:ads.traffic_hourly} (in the
 * warehouse's catalog), {@code delta:dw/orders} or {@code parquet:/data/events} (a path, relative to the
 * warehouse unless absolute).
 *
 * @param text the name as written
 */
public record TableName(String text, TableFormat format, String location) {
  private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*");

  /** Whether a name is meant as {@code FORMAT:LOCATION} rather than as a view or a catalog table. */
  public static boolean isTableName(String name) {
    return name.indexOf(':') > 0;
  }

  /**
   * @throws InvalidQueryException when the text is not {@code FORMAT:LOCATION} with a format of tables
   */
  public static TableName parse(String text) {
    int colon = text.indexOf(':');
    String formatName = colon < 0 ? "" : text.substring(0, colon);
    String location = colon < 0 ? "" : text.substring(colon + 1);
    if (formatName.isEmpty() || location.isEmpty()) {
      throw new InvalidQueryException("'" + text + "' is not a table name FORMAT:LOCATION, such as delta:dw.orders");
    }
    TableFormat format = TableFormats.find(formatName).orElseThrow(() -> new InvalidQueryException(
        "unknown format '" + formatName + "' in " + text + " (known: " + String.join(", ", tableFormats()) + ")"));
    if (format.isStream()) {
      throw new InvalidQueryException(formatName + " is a stream, not a table: " + text);
    }
    return new TableName(text, format, location);
  }

  private static Iterable<String> tableFormats() {
    return TableFormats.all().values().stream().filter(f -> !f.isStream()).map(TableFormat::name).toList();
  }

  /** Where the table is: catalog formats always name a table; path formats a table when it reads {@code db.name}. */
  public TableAddress address(EngineSettings settings) {
    boolean named = format.catalogAddressed() || TABLE.matcher(location).matches();
    return TableAddresses.resolve(settings, format, text, named ? Optional.empty() : Optional.of(location),
        named ? Optional.of(location) : Optional.empty(), Map.of());
  }

  @Override
  public String toString() {
    return text;
  }
}
