package dev.lakepipe.pipelines;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.format.TableAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The invariant of incremental runs on Hudi sources and targets. The targets the increments maintain hash their keys
 * into 2 buckets per partition, as an hourly Hudi target is best declared; the fresh full run's look keys up with the
 * bloom index.
 */
class HudiIncrementalInvariantTest extends IncrementalInvariantTest {
  @Override
  String format() {
    return "hudi";
  }

  @Override
  Map<String, String> liveTargetSettings() {
    return Map.of("buckets", "2");
  }

  /** Every data file (base and log files) is in the file group of bucket 0 or 1 of its partition. */
  @Override
  void checkLiveTarget(TableAddress target) {
    Path table = Path.of(target.requirePath());
    try (Stream<Path> files = Files.walk(table)) {
      List<String> groups = files.filter(file -> Files.isRegularFile(file)
              && !table.relativize(file).startsWith(".hoodie") && !file.getFileName().toString().endsWith(".crc")
              && !file.getFileName().toString().startsWith(".hoodie"))
          .map(HudiIncrementalInvariantTest::fileGroup).toList();
      assertFalse(groups.isEmpty(), target.table() + " has data files");
      groups.forEach(id -> assertTrue(id.matches("0000000[01]-.*"), target.table() + ": file group " + id));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The file group of a base file ({@code <group>_<token>_<instant>.parquet}) or log file ({@code .<group>_...}). */
  private static String fileGroup(Path file) {
    String name = file.getFileName().toString();
    return (name.startsWith(".") ? name.substring(1) : name).split("_")[0];
  }
}
