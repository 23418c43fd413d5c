package dev.lakepipe.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The file groups of a Hudi table's data files, as its folder holds them. */
public final class HudiFileGroups {
  private HudiFileGroups() {
  }

  /**
   * The file group of each data file (base and log files; not the timeline, markers or checksums), by its
   * partition's folder relative to the table.
   */
  public static Map<String, List<String>> byPartition(Path table) {
    try (Stream<Path> files = Files.walk(table)) {
      return files.filter(file -> Files.isRegularFile(file)
              && !table.relativize(file).startsWith(".hoodie") && !file.getFileName().toString().endsWith(".crc")
              && !file.getFileName().toString().startsWith(".hoodie"))
          .collect(Collectors.groupingBy(file -> table.relativize(file.getParent()).toString(),
              Collectors.mapping(HudiFileGroups::of, Collectors.toList())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Asserts that every file group of these is named by a bucket below {@code buckets}. */
  public static void assertInBuckets(Map<String, List<String>> groups, int buckets) {
    groups.forEach((partition, ids) -> ids.forEach(id -> assertTrue(
        id.matches("\\d{8}-.*") && Integer.parseInt(id.substring(0, 8)) < buckets, partition + ": " + id)));
  }

  /** The file group of a base file ({@code <group>_<token>_<instant>.parquet}) or log file ({@code .<group>_...}). */
  private static String of(Path file) {
    String name = file.getFileName().toString();
    return (name.startsWith(".") ? name.substring(1) : name).split("_")[0];
  }
}
