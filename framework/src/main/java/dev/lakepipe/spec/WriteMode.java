package dev.lakepipe.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** How a target receives a step's rows. The same mode gives the same table content on every format. */
public enum WriteMode {
  /** Adds the rows. */
  APPEND("append"),
  /** Replaces the whole table content with the rows. */
  OVERWRITE("overwrite"),
  /** Replaces only the partitions that the rows fall in; other partitions stay as they are. */
  OVERWRITE_PARTITIONS("overwrite-partitions"),
  /** Inserts rows with new keys, replaces rows whose key exists when the incoming order-by value is not older. */
  UPSERT("upsert"),
  /** Deletes the rows whose keys appear in the input. */
  DELETE("delete");

  private final String specName;

  WriteMode(String specName) {
    this.specName = specName;
  }

  /** The name used in job specs, e.g. {@code overwrite-partitions}. */
  public String specName() {
    return specName;
  }

  public boolean needsKeys() {
    return this == UPSERT || this == DELETE;
  }

  public static Optional<WriteMode> fromSpecName(String name) {
    return Arrays.stream(values()).filter(m -> m.specName.equals(name)).findFirst();
  }

  public static List<String> specNames() {
    return Arrays.stream(values()).map(WriteMode::specName).toList();
  }
}
