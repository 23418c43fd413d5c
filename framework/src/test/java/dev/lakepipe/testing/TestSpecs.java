package dev.lakepipe.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The test specs, where a test needs them elsewhere. */
public final class TestSpecs {
  private static final Path GOOD = Path.of("src/test/resources/specs/good");

  private TestSpecs() {}

  /**
   * The good orders spec (and the file it includes) copied to a new temporary folder, which has no env/ folder
   * beside or above it: no environment profile is found for it.
   */
  public static Path ordersAlone() {
    try {
      Path folder = Files.createTempDirectory("lakepipe-alone-");
      for (String file : List.of("orders.conf", "common.conf")) {
        Files.copy(GOOD.resolve(file), folder.resolve(file));
      }
      return folder.resolve("orders.conf");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
