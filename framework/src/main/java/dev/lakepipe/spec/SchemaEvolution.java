package dev.lakepipe.spec;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What a write may change in the schema of the table it writes, when the rows differ from it ({@code
 * schema-evolution} of a target). A dropped column, a rename or a type that would be narrowed is never applied: the
 * run fails before it commits.
 */
public enum SchemaEvolution {
  /** The rows must have the table's columns and types; any difference fails the run. */
  FAIL("fail"),
  /** A column the table lacks is added, nullable: the rows written before read as null in it. */
  ADD_COLUMNS("add-columns"),
  /** Adds columns, and widens a column's type safely (INT to BIGINT, FLOAT to DOUBLE, DECIMAL precision). */
  WIDEN("widen");

  /**
   * Additive changes are what an edited step usually brings, and they break no reader of the table; changing a type
   * is opt-in, since a reader may depend on it.
   */
  public static final SchemaEvolution DEFAULT = ADD_COLUMNS;

  private final String specName;

  SchemaEvolution(String specName) {
    this.specName = specName;
  }

  /** The name used in job specs, e.g. {@code add-columns}. */
  public String specName() {
    return specName;
  }

  public boolean addsColumns() {
    return this != FAIL;
  }

  public boolean widensTypes() {
    return this == WIDEN;
  }

  public static Optional<SchemaEvolution> fromSpecName(String name) {
    return Arrays.stream(values()).filter(e -> e.specName.equals(name)).findFirst();
  }

  public static List<String> specNames() {
    return Arrays.stream(values()).map(SchemaEvolution::specName).toList();
  }
}
