package dev.lakepipe.format.hudi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hudi.common.util.ObjectSizeCalculator;
import org.junit.jupiter.api.Test;

/**
 * Hudi's object sizing (JOL) neither attaches to its own JVM nor prints to standard output, in a JVM started with
 * the flags bin/lakepipe uses (this test JVM's, from the parent pom).
 */
class QuietObjectSizesTest {
  /** Loads the Hudi writer, then sizes an object as Hudi's record buffers do; prints nothing itself. */
  public static void main(String[] args) throws ClassNotFoundException {
    Class.forName(HudiWriter.class.getName());
    ObjectSizeCalculator.getObjectSize(List.of("a", "b"));
  }

  @Test
  void sizingObjectsPrintsNothing() throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("-Djol.") || a.startsWith("-Djdk.attach"))
        .forEach(command::add);
    assertEquals(List.of("-Djol.skipDynamicAttach=true", "-Djol.skipHotspotSAAttach=true"), command.subList(1,
        command.size()));
    command.addAll(List.of("-cp", System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path")), QuietObjectSizesTest.class.getName()));
    Process child = new ProcessBuilder(command).start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    child.waitFor(60, TimeUnit.SECONDS);
    assertEquals(0, child.exitValue(), err);
    assertEquals("", out);
    assertEquals("", err);
  }
}
