package dev.lakepipe.spec;

import java.util.Set;

/** What spec validation needs to know of a table format; answered without Spark. */
public interface FormatTraits {
  /** The name used in specs: {@code format = hudi}. */
  String name();

  Set<WriteMode> writeModes();

  /** Whether tables are named in a catalog ({@code table = db.name}) rather than located by path. */
  boolean catalogAddressed();

  /** Whether sources of this format can be read as of a version or timestamp. */
  boolean supportsTimeTravel();

  /** Whether sources of this format take a declared {@code schema} (file formats). */
  boolean acceptsSchema();
}
