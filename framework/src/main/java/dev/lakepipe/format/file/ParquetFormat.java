package dev.lakepipe.format.file;

import java.util.Map;

/** Parquet files. */
public final class ParquetFormat extends FileFormat {
  public ParquetFormat() {
    super("parquet", Map.of(), BadInput.PARQUET_FILES);
  }
}
