package dev.lakepipe.format.file;

import java.util.Map;

/** Orc files. */
public final class OrcFormat extends FileFormat {
  public OrcFormat() {
    super("orc", Map.of(), BadInput.NONE);
  }
}
