package dev.lakepipe.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.cli.Lakepipe;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.plan.RunRefusals;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every spec under specs/broken declares, in "# expect: line: key: message" comments, the exact problems that
 * validation must report for it: all of them, each at its file and line.
 */
class BrokenSpecCorpusTest {
  static final Path CORPUS = Path.of("src/test/resources/specs/broken");

  static Stream<Path> corpus() throws IOException {
    return listCorpus().stream();
  }

  static List<Path> listCorpus() throws IOException {
    try (Stream<Path> files = Files.list(CORPUS)) {
      return files.filter(f -> f.toString().matches(".*\\.(conf|yaml)$")).sorted().toList();
    }
  }

  /** The problems a corpus file declares, as file:line: key: message. */
  static List<String> expected(Path spec) throws IOException {
    return Files.readAllLines(spec).stream()
        .filter(l -> l.startsWith("# expect: "))
        .map(l -> spec + ":" + l.substring("# expect: ".length()))
        .sorted()
        .toList();
  }

  @Test
  void theCorpusIsLargeEnough() throws IOException {
    assertTrue(listCorpus().size() >= 15, "at least 15 broken specs");
  }

  @ParameterizedTest
  @MethodSource("corpus")
  void reportsEveryProblemAtItsLine(Path spec) throws IOException {
    List<String> expected = expected(spec);
    assertFalse(expected.isEmpty(), spec + " declares no expected problem");
    SpecLoader loader = new SpecLoader(TableFormats.all(), name -> null, RunRefusals::ofSpecMode);
    InvalidSpecException invalid = assertThrows(InvalidSpecException.class,
        () -> loader.load(spec, SpecLoader.Options.defaults()));
    List<String> actual = invalid.problems().stream().map(SpecProblem::toString).sorted().toList();
    assertEquals(expected, actual);
  }

  @ParameterizedTest
  @MethodSource("corpus")
  void validateExitsTwoAndPrintsTheProblems(Path spec) throws IOException {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Lakepipe.execute(new PrintWriter(out), new PrintWriter(err), "validate", spec.toString());
    assertEquals(ExitCodes.INVALID, code);
    // The CLI sees the real environment; none of the corpus variables is set there either.
    assertEquals(expected(spec), err.toString().lines().sorted().toList());
    assertEquals("invalid " + spec + " (" + expected(spec).size() + " problem"
        + (expected(spec).size() == 1 ? "" : "s") + ")", out.toString().strip());
  }
}
