package dev.lakepipe.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lakepipe.cli.ExitCodes;
import dev.lakepipe.cli.Lakepipe;
import dev.lakepipe.format.TableFormats;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The broken-spec corpus for input an attacker or a slip of the hand would give: files generated here because they
 * are large (deep nesting, huge files, alias bombs) or not text. Each must give exit 2 and exactly one problem at
 * the file (and line where there is one), with no stack trace.
 */
class HostileSpecTest {
  private static final String GOOD_TAIL = "sources { events { format = parquet, path = raw/events } }\n"
      + "targets { out { from = events, format = delta, table = dw.out } }\n";

  @TempDir
  static Path dir;

  static Stream<Arguments> hostile() {
    byte[] garbage = new byte[4096];
    new Random(15).nextBytes(garbage);
    return Stream.of(
        Arguments.of("deep-braces.conf", bytes("name = deep\n" + "a {\n".repeat(100_000)),
            List.of("66: (syntax): nested more than 64 levels deep")),
        Arguments.of("deep-lists.conf", bytes("name = deep\nx = " + "[".repeat(200_000)),
            List.of("2: (syntax): nested more than 64 levels deep")),
        Arguments.of("deep-dotted-key.conf", bytes("name = deep\n" + "a.".repeat(100_000) + "b = 1\n"),
            List.of("2: (syntax): nested more than 64 levels deep")),
        Arguments.of("deep-blocks.yaml", bytes(deepYamlBlocks(200)),
            List.of("66: (syntax): nested more than 64 levels deep")),
        Arguments.of("deep-flow.yaml", bytes("name: deep\nx: " + "[".repeat(200_000)),
            List.of("2: (syntax): nested more than 64 levels deep")),
        Arguments.of("alias-bomb.yaml", bytes(aliasBomb(30)),
            List.of("17: (syntax): YAML aliases expand to more than 100000 values")),
        Arguments.of("alias-cycle.yaml", bytes("name: cycle\nx: &a [1, *a]\n" + yamlTail()),
            List.of("2: (syntax): YAML alias refers to itself")),
        Arguments.of("huge.conf", bytes("# padding\n".repeat(200_000) + "name = huge\n" + GOOD_TAIL),
            List.of("0: (file): too large: 2000137 bytes; a spec is at most 1048576 bytes")),
        Arguments.of("garbage.conf", garbage,
            List.of("1: (file): not UTF-8 text; save the spec as UTF-8")),
        Arguments.of("nul.conf", bytes("name = nul\n\0\0\0" + GOOD_TAIL),
            List.of("2: (file): not a text file: it holds the control character U+0000")),
        Arguments.of("utf16.conf", utf16("name = wide\n" + GOOD_TAIL),
            List.of("1: (file): not UTF-8 text (UTF-16, by its byte order mark); save the spec as UTF-8")),
        Arguments.of("latin1.yaml", ("name: caf\u00e9\n" + yamlTail()).getBytes(StandardCharsets.ISO_8859_1),
            List.of("1: (file): not UTF-8 text; save the spec as UTF-8")),
        Arguments.of("missing-include.conf", bytes("include required(\"no-such-part.conf\")\nname = inc\n"
                + GOOD_TAIL), List.of("1: (include): no-such-part.conf: no such file")),
        Arguments.of("circular-include.conf", bytes("include \"circular-include.conf\"\nname = inc\n" + GOOD_TAIL),
            List.of("1: (include): circular-include.conf: includes itself")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostile")
  void isRejectedWithOneProblemAtTheFile(String name, byte[] content, List<String> expected) throws IOException {
    Path spec = dir.resolve(name);
    Files.write(spec, content);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Lakepipe.execute(new PrintWriter(out), new PrintWriter(err), "validate", spec.toString());
    assertEquals(ExitCodes.INVALID, code, err.toString());
    assertEquals(expected.stream().map(problem -> spec + ":" + problem).toList(), err.toString().lines().toList());
    assertEquals("invalid " + spec + " (1 problem)", out.toString().strip());
    assertFalse(err.toString().contains("Exception"), err.toString());
  }

  @Test
  void includedFilesAreCheckedLikeTheSpecAndACycleIsNamed() throws IOException {
    Path first = dir.resolve("first.conf");
    Files.writeString(first, "name = first\ninclude \"second.conf\"\n" + GOOD_TAIL);
    Files.writeString(dir.resolve("second.conf"), "# the cycle\ninclude \"first.conf\"\n");
    assertEquals(List.of(dir.resolve("second.conf") + ":2: (include): first.conf: the includes form a cycle"),
        problems(first));

    Path binary = dir.resolve("includes-binary.conf");
    Files.writeString(binary, "name = bin\n" + GOOD_TAIL + "include \"garbage.bin\"\n");
    Files.write(dir.resolve("garbage.bin"), new byte[] {'a', '=', 0, 1, 2});
    assertEquals(List.of(binary + ":4: (include): garbage.bin: not a text file: it holds the control character"
        + " U+0000"), problems(binary));
  }

  private static List<String> problems(Path spec) {
    InvalidSpecException invalid = assertThrows(InvalidSpecException.class,
        () -> new SpecLoader(TableFormats.all(), name -> null).load(spec, SpecLoader.Options.defaults()));
    return invalid.problems().stream().map(SpecProblem::toString).toList();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] utf16(String text) {
    return text.getBytes(StandardCharsets.UTF_16);
  }

  private static String deepYamlBlocks(int depth) {
    StringBuilder yaml = new StringBuilder("name: deep\n");
    for (int level = 0; level < depth; level++) {
      yaml.append("  ".repeat(level)).append("a:\n");
    }
    return yaml.append("  ".repeat(depth)).append("b: 1\n").toString();
  }

  /** Each level lists the previous one twice: a few lines that expand to 2^levels values. */
  private static String aliasBomb(int levels) {
    StringBuilder yaml = new StringBuilder("name: bomb\nl0: &l0 [x, x]\n");
    for (int level = 1; level < levels; level++) {
      yaml.append("l").append(level).append(": &l").append(level)
          .append(" [*l").append(level - 1).append(", *l").append(level - 1).append("]\n");
    }
    return yaml.append(yamlTail()).toString();
  }

  private static String yamlTail() {
    return "sources: {events: {format: parquet, path: raw/events}}\n"
        + "targets: {out: {from: events, format: delta, table: dw.out}}\n";
  }
}
