package dev.lakepipe.cli;

import dev.lakepipe.spec.InvalidSpecException;
import dev.lakepipe.spec.JobSpec;
import dev.lakepipe.spec.SpecProblem;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;

/**
 * A spec file on the job's file system ({@code hdfs://}, {@code s3a://}, {@code file://}, ...), read through
 * Hadoop's FileSystem with the {@code spark.hadoop.*} settings spark-submit passes, into a local temporary copy
 * under its own name for the loader. Only locations with a scheme come here, so local specs load without Hadoop.
 * Problems and the loaded spec name the location as given, never the copy.
 */
final class RemoteSpecFile {
  private RemoteSpecFile() {}

  /** Whether a spec location names a file system ({@code scheme://...}) rather than a local path. */
  static boolean isRemote(String location) {
    return location.matches("^[A-Za-z][A-Za-z0-9+.-]+://.*");
  }

  /** Something that loads a local spec file. */
  interface Loader {
    JobSpec load(Path local) throws InvalidSpecException;
  }

  /**
   * Copies the file at {@code location} to a temporary folder, loads it, and deletes the copy.
   *
   * @throws InvalidSpecException when the file does not exist or cannot be read, or the spec is invalid; problems
   *     in the spec itself name {@code location}
   * @throws UncheckedIOException when the local temporary copy cannot be written
   */
  static JobSpec load(String location, Loader loader) throws InvalidSpecException {
    Path folder;
    try {
      folder = Files.createTempDirectory("lakepipe-spec-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary folder for " + location, e);
    }
    try {
      Path local = folder.resolve(location.replaceFirst("/+$", "").replaceFirst(".*/", ""));
      copy(location, local);
      try {
        JobSpec spec = loader.load(local);
        return new JobSpec(spec.name(), spec.description(), location, spec.settings(), spec.sources(), spec.steps(),
            spec.targets());
      } catch (InvalidSpecException e) {
        String copy = local.toString();
        throw new InvalidSpecException(e.problems().stream().map(p -> p.file().equals(copy)
            ? new SpecProblem(location, p.line(), p.key(), p.message()) : p).toList());
      }
    } finally {
      delete(folder);
    }
  }

  private static void copy(String location, Path local) throws InvalidSpecException {
    try {
      HadoopFileSystem.copy(location, local);
    } catch (FileNotFoundException e) {
      throw new InvalidSpecException(List.of(new SpecProblem(location, 0, "(file)", "no such file")));
    } catch (IOException e) {
      throw new InvalidSpecException(List.of(new SpecProblem(location, 0, "(file)", "cannot read: " + e)));
    }
  }

  private static void delete(Path folder) {
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      // A temporary copy left behind holds the spec only, which the job's file system holds anyway.
    }
  }

  /**
   * The Hadoop side, in a class of its own: the JVM loads it, and Hadoop's classes, only when a spec is remote
   * (verifying the outer class would otherwise load Hadoop's stream types).
   */
  private static final class HadoopFileSystem {
    static void copy(String location, Path local) throws IOException {
      org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(location);
      Configuration conf = SparkHadoopUtil.get().newConfiguration(new SparkConf());
      try (InputStream in = remote.getFileSystem(conf).open(remote)) {
        Files.copy(in, local);
      }
    }
  }
}
