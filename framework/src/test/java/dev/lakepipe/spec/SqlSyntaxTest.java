package dev.lakepipe.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.cli.Lakepipe;
import dev.lakepipe.format.TableFormats;
import dev.lakepipe.plan.RunRefusals;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@code validate} parses each step's SQL with Spark's parser, without a session, and says where it is wrong. */
class SqlSyntaxTest {
  @Test
  void aSyntaxErrorIsReportedAtTheStepsSqlKey() {
    assertEquals(List.of("src/test/resources/specs/sql/syntax-error.conf:8: steps.clean.sql: SQL syntax error"
        + " (line 4, position 11 of the SQL): [PARSE_SYNTAX_ERROR] Syntax error at or near 'events': extra input"
        + " 'events'."), validate("src/test/resources/specs/sql/syntax-error.conf"));
    assertEquals(List.of(
        "src/test/resources/specs/sql/syntax-error.yaml:6: steps.clean.sql: SQL syntax error (line 1, position 28"
            + " of the SQL): [PARSE_SYNTAX_ERROR] Syntax error at or near 'amount': extra input 'amount'.",
        "src/test/resources/specs/sql/syntax-error.yaml:11: steps.block.sql: SQL syntax error (line 4, position 0"
            + " of the SQL): [PARSE_SYNTAX_ERROR] Syntax error at or near end of input."),
        validate("src/test/resources/specs/sql/syntax-error.yaml"));
  }

  @Test
  void theSqlOfEveryShippedSpecParsesAndItsModeCanRun() throws IOException {
    List<Path> specs = new ArrayList<>();
    for (Path folder : List.of(Path.of("../conf/jobs"), Path.of("src/test/resources/specs"))) {
      try (Stream<Path> files = Files.walk(folder)) {
        files.filter(f -> f.toString().matches(".*\\.(conf|yaml)$"))
            .filter(f -> !f.toString().contains("/broken/") && !f.toString().contains("/sql/"))
            .forEach(specs::add);
      }
    }
    assertTrue(specs.size() >= 20, specs.toString());
    SpecLoader loader = new SpecLoader(TableFormats.all(), name -> "x", RunRefusals::ofSpecMode);
    List<String> syntaxErrors = new ArrayList<>();
    for (Path spec : specs) {
      try {
        loader.load(spec, SpecLoader.Options.defaults());
      } catch (InvalidSpecException e) {
        e.problems().stream().map(SpecProblem::toString)
            .filter(p -> p.contains("SQL syntax error") || p.contains(": mode: "))
            .forEach(syntaxErrors::add);
      }
    }
    assertEquals(List.of(), syntaxErrors);
  }

  @Test
  void validateInItsOwnJvmPrintsOnlyTheProblemsNotSparksLogs() throws Exception {
    Path errFile = Files.createTempFile("validate", ".err");
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
        "dev.lakepipe.cli.Lakepipe", "validate", "src/test/resources/specs/sql/syntax-error.conf")
        .redirectError(errFile.toFile()).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor(120, TimeUnit.SECONDS);
    assertEquals(ExitCodes.INVALID, process.exitValue());
    assertEquals("invalid src/test/resources/specs/sql/syntax-error.conf (1 problem)\n", out);
    assertEquals(validate("src/test/resources/specs/sql/syntax-error.conf"),
        Files.readAllLines(errFile));
  }

  private static List<String> validate(String spec) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Lakepipe.execute(new PrintWriter(out), new PrintWriter(err), "validate", spec);
    assertEquals(err.toString().isEmpty() ? ExitCodes.OK : ExitCodes.INVALID, code);
    return err.toString().lines().toList();
  }
}
