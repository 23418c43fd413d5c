package dev.lakepipe.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code lakepipe validate} in a JVM whose class path has no Spark, Hudi, Delta or Iceberg at all: if validation
 * touched Spark, even to load a class, it would fail here. This is what lets a CI check hundreds of specs
 * without starting a single session.
 */
class ValidateWithoutSparkTest {
  private static final List<String> NEEDED = List.of("/com/typesafe/config/", "/org/yaml/snakeyaml/", "/info/picocli/");

  @Test
  void validatesTheWholeCorpusWithoutSparkOnTheClassPath() throws Exception {
    String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(entry -> entry.endsWith("target/classes") || NEEDED.stream().anyMatch(entry::contains))
        .collect(Collectors.joining(File.pathSeparator));
    List<Path> corpus = BrokenSpecCorpusTest.listCorpus();
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath,
        "dev.lakepipe.cli.Lakepipe", "validate", "src/test/resources/specs/good/orders.conf"));
    corpus.forEach(spec -> command.add(spec.toString()));
    Path errFile = Files.createTempFile("validate", ".err");
    Process process = new ProcessBuilder(command).redirectError(errFile.toFile()).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor(60, TimeUnit.SECONDS);
    String err = Files.readString(errFile);

    List<String> expected = new ArrayList<>();
    for (Path spec : corpus) {
      expected.addAll(BrokenSpecCorpusTest.expected(spec));
    }
    assertEquals(expected.stream().sorted().toList(), err.lines().sorted().toList(), "stderr: " + err);
    assertEquals(2, process.exitValue());
    assertEquals("ok      src/test/resources/specs/good/orders.conf", out.lines().findFirst().orElse(""));
    assertEquals(corpus.size(), out.lines().filter(l -> l.startsWith("invalid ")).count());
  }
}
