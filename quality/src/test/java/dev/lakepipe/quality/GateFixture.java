package dev.lakepipe.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lakepipe.cli.Lakepipe;
import dev.lakepipe.testing.TestSpark;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs specs through the {@code lakepipe} command line against the test session's warehouse. */
final class GateFixture {
  private GateFixture() {}

  /** Writes a spec into a fresh folder and returns its path. */
  static Path spec(String name, String text) {
    try {
      Path file = TestSpark.newFolder("spec-").resolve(name + ".conf");
      Files.writeString(file, text);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code lakepipe args...} with the warehouse set; checks the exit code and returns stdout and stderr. */
  static String lakepipe(int expectedCode, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    if (List.of("run", "history").contains(args[0]) || (args.length > 1 && args[1].equals("report"))) {
      all.addAll(List.of("--set", "warehouse=" + TestSpark.warehouse()));
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Lakepipe.execute(new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
    String output = out + "\n" + err;
    assertEquals(expectedCode, code, output);
    return output;
  }
}
