package dev.lakepipe.format;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The table formats on the class path, by name. */
public final class TableFormats {
  private static final Map<String, TableFormat> FORMATS = load();

  private TableFormats() {}

  private static Map<String, TableFormat> load() {
    Map<String, TableFormat> formats = new TreeMap<>();
    for (TableFormat format : ServiceLoader.load(TableFormat.class, TableFormats.class.getClassLoader())) {
      TableFormat clash = formats.putIfAbsent(format.name(), format);
      if (clash != null) {
        throw new IllegalStateException("two table formats are named " + format.name() + ": "
            + clash.getClass().getName() + " and " + format.getClass().getName());
      }
    }
    return Collections.unmodifiableMap(formats);
  }

  public static Optional<TableFormat> find(String name) {
    return Optional.ofNullable(FORMATS.get(name));
  }

  /**
   * @throws IllegalArgumentException when no format has that name
   */
  public static TableFormat get(String name) {
    return find(name).orElseThrow(() -> new IllegalArgumentException("unknown table format: " + name));
  }

  /** All formats, sorted by name. */
  public static Map<String, TableFormat> all() {
    return FORMATS;
  }
}
