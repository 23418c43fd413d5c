package dev.lakepipe.format.file;

import java.util.Map;

/** Json files. */
public final class JsonFormat extends FileFormat {
  public JsonFormat() {
    super("json", Map.of(), BadInput.TEXT_RECORDS);
  }
}
