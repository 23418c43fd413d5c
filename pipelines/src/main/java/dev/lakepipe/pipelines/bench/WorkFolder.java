package dev.lakepipe.pipelines.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The folder a bench writes its tables, brokers and generated data in: one that the user named, which stays; or a
 * new temporary one, which goes with everything in it when the bench ends, also when it fails.
 */
final class WorkFolder implements AutoCloseable {
  private final Path path;
  private final boolean temporary;

  private WorkFolder(Path path, boolean temporary) {
    this.path = path;
    this.temporary = temporary;
  }

  /**
   * @param named the folder the user named, or null for a new temporary one
   * @param prefix the temporary folder's name starts with it
   * @throws IOException when the temporary folder cannot be created
   */
  static WorkFolder namedOrTemporary(Path named, String prefix) throws IOException {
    return named != null ? new WorkFolder(named, false) : new WorkFolder(Files.createTempDirectory(prefix), true);
  }

  Path path() {
    return path;
  }

  /** @throws IOException when a file of the temporary folder cannot be deleted */
  @Override
  public void close() throws IOException {
    if (!temporary || !Files.exists(path)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(path)) {
      for (Path file : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }
}
