package dev.lakepipe.format.file;

import java.util.Map;

/** CSV files, with a header line unless the spec says {@code header = false}. */
public final class CsvFormat extends FileFormat {
  public CsvFormat() {
    super("csv", Map.of("header", "true"), BadInput.TEXT_RECORDS);
  }
}
