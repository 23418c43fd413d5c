package dev.lakepipe.run.maintenance;

import dev.lakepipe.format.TableAddress;
import dev.lakepipe.format.TableFormats;
import java.util.Map;
import java.util.Optional;

/**
 * A table of the warehouse as lakepipe names it across pipelines: its format, logical name and location (path or
 * catalog identifier). Two pipelines that name one table differently still agree on format and location.
 */
public record TableRef(String format, String table, String location) {
  /** The table of an address. */
  public static TableRef of(String format, TableAddress address) {
    return new TableRef(format, address.table(), address.location());
  }

  /** An address of the table, under a name for messages. */
  public TableAddress address(String name) {
    boolean byPath = !TableFormats.get(format).catalogAddressed();
    return new TableAddress(name, table, byPath ? Optional.of(location) : Optional.empty(),
        byPath ? Optional.empty() : Optional.of(location), Map.of());
  }

  /** Whether both name the same table. */
  public boolean sameTable(TableRef other) {
    return format.equals(other.format) && location.equals(other.location);
  }

  @Override
  public String toString() {
    return format + ":" + location;
  }
}
