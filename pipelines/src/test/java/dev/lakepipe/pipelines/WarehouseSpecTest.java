package dev.lakepipe.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.cli.Lakepipe;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The reference warehouse's specs and the demo's arguments, checked without Spark. */
class WarehouseSpecTest {
  private static final Path SPECS = Path.of(System.getProperty("lakepipe.conf.dir"), "jobs", "reference");

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void everyWarehouseSpecIsValid() throws IOException {
    List<String> specs;
    try (Stream<Path> files = Files.list(SPECS)) {
      specs = files.map(Path::toString).filter(f -> f.endsWith(".conf")).sorted().toList();
    }
    assertEquals(5, specs.size(), specs.toString());
    List<String> args = Stream.concat(Stream.of("validate"), specs.stream()).toList();
    assertEquals(ExitCodes.OK, lakepipe(args.toArray(String[]::new)), err.toString());
    for (String spec : specs) {
      assertTrue(out.toString().contains("ok      " + spec + System.lineSeparator()), out.toString());
    }
  }

  @Test
  void demoRejectsAnEmptyBuildBeforeStartingSpark() {
    assertEquals(ExitCodes.INVALID, lakepipe("demo", "warehouse", "--specs", SPECS.toString(), "--hours", "25"));
    assertTrue(err.toString().startsWith("days must be positive and hours 0 to 24: days 2, hours 25"), err.toString());
  }

  private int lakepipe(String... args) {
    return Lakepipe.execute(new PrintWriter(out), new PrintWriter(err), args);
  }
}
