package dev.lakepipe.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lakepipe.testing.TestSpark;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.AbstractFileSystem;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The java.nio local file system against Hadoop's own, on the same real files. */
class NioLocalFileSystemTest {
  @TempDir
  java.nio.file.Path folder;
  private FileSystem nio;
  private FileSystem hadoop;
  private Path root;

  @BeforeEach
  void open() throws IOException {
    Configuration conf = new Configuration(false);
    nio = new NioLocalFileSystem();
    nio.initialize(URI.create("file:///"), conf);
    hadoop = new LocalFileSystem();
    hadoop.initialize(URI.create("file:///"), conf);
    root = new Path(folder.toUri());
  }

  @Test
  void createsFilesAndFoldersWithHadoopsPermissionsAndChecksums() throws IOException {
    Path file = new Path(root, "a/b/part-0.parquet");
    try (FSDataOutputStream out = nio.create(file)) {
      out.write("twelve bytes".getBytes(StandardCharsets.UTF_8));
    }
    Path same = new Path(root, "c/d/part-0.parquet");
    try (FSDataOutputStream out = hadoop.create(same)) {
      out.write("twelve bytes".getBytes(StandardCharsets.UTF_8));
    }
    assertEquals(posix(same), posix(file), "a file's mode");
    assertEquals(posix(same.getParent()), posix(file.getParent()), "a created folder's mode");
    assertTrue(Files.exists(folder.resolve("a/b/.part-0.parquet.crc")), "checksummed like Hadoop's");

    nio.setPermission(file, new FsPermission((short) 0640));
    assertEquals("rw-r-----", posix(file));
    nio.mkdirs(new Path(root, "e"), new FsPermission((short) 0750));
    assertEquals("rwxr-x---", posix(new Path(root, "e")));
  }

  @Test
  void statusesAreHadoopsStatuses() throws IOException {
    Path file = new Path(root, "x/data.txt");
    try (FSDataOutputStream out = nio.create(file)) {
      out.write(new byte[100]);
    }
    nio.setPermission(file, new FsPermission((short) 0600));
    nio.mkdirs(new Path(root, "x/sub"));
    for (Path path : List.of(file, file.getParent(), new Path(root, "x/sub"))) {
      assertEquals(describe(hadoop.getFileStatus(path)), describe(nio.getFileStatus(path)), path.toString());
      assertEquals(describe(hadoop.getFileLinkStatus(path)), describe(nio.getFileLinkStatus(path)), path.toString());
    }
    assertEquals(listing(hadoop, file.getParent()), listing(nio, file.getParent()));
    assertEquals(listing(hadoop, file), listing(nio, file));
    assertEquals(100, nio.getFileStatus(file).getLen());
    assertEquals(System.getProperty("user.name"), nio.getFileStatus(file).getOwner());

    Path missing = new Path(root, "x/none");
    assertThrows(FileNotFoundException.class, () -> nio.getFileStatus(missing));
    assertThrows(FileNotFoundException.class, () -> nio.listStatus(missing));
    assertThrows(FileNotFoundException.class, () -> nio.getFileLinkStatus(missing));
    assertThrows(FileNotFoundException.class, () -> nio.setPermission(missing, FsPermission.getFileDefault()));
  }

  @Test
  void linksAreReadAsHadoopReadsThem() throws IOException {
    java.nio.file.Path target = Files.writeString(folder.resolve("target.txt"), "x");
    Files.createSymbolicLink(folder.resolve("link.txt"), target);
    Path link = new Path(root, "link.txt");
    FileStatus expected = hadoop.getFileLinkStatus(link);
    FileStatus status = nio.getFileLinkStatus(link);
    assertEquals(expected.isSymlink(), status.isSymlink());
    assertEquals(expected.isSymlink() ? expected.getSymlink() : null, status.isSymlink() ? status.getSymlink() : null);
    assertEquals(describe(expected), describe(status));
    assertFalse(nio.getFileStatus(link).isSymlink(), "a file status follows the link");
    assertEquals(1, nio.getFileStatus(link).getLen());
  }

  @Test
  void fileContextRenamesAsHadoopsDoes() throws IOException {
    Configuration conf = new Configuration(false);
    conf.set("fs.AbstractFileSystem.file.impl", NioLocalFs.class.getName());
    FileContext context = FileContext.getFileContext(URI.create("file:///"), conf);
    assertInstanceOf(NioLocalFs.class, context.getDefaultFileSystem());
    Path temporary = new Path(root, "_delta_log/.00000.json.tmp");
    try (FSDataOutputStream out = context.create(temporary, EnumSet.of(CreateFlag.CREATE),
        Options.CreateOpts.createParent())) {
      out.write("{}".getBytes(StandardCharsets.UTF_8));
    }
    Path commit = new Path(root, "_delta_log/00000.json");
    context.rename(temporary, commit, Options.Rename.NONE);
    assertEquals("{}", Files.readString(folder.resolve("_delta_log/00000.json")));
    assertFalse(Files.exists(folder.resolve("_delta_log/.00000.json.tmp")));
    try (FSDataOutputStream out = context.create(temporary, EnumSet.of(CreateFlag.CREATE))) {
      out.write("{}".getBytes(StandardCharsets.UTF_8));
    }
    assertThrows(org.apache.hadoop.fs.FileAlreadyExistsException.class,
        () -> context.rename(temporary, commit, Options.Rename.NONE), "a commit is never overwritten");
    AbstractFileSystem fs = context.getDefaultFileSystem();
    assertEquals(describe(hadoop.getFileStatus(commit)), describe(fs.getFileStatus(commit)));
  }

  @Test
  void sparkSessionsUseIt() throws IOException {
    Configuration conf = TestSpark.session().sparkContext().hadoopConfiguration();
    try (FileSystem fs = FileSystem.newInstance(URI.create("file:///"), conf)) {
      assertInstanceOf(NioLocalFileSystem.class, fs);
    }
    assertEquals(NioLocalFs.class.getName(), conf.get("fs.AbstractFileSystem.file.impl"));
  }

  private String posix(Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(java.nio.file.Path.of(path.toUri())));
  }

  /** Everything a status says, but the access time (reading a file moves it). */
  private static String describe(FileStatus status) throws IOException {
    return String.join("|", status.getPath().toString(), String.valueOf(status.getLen()),
        String.valueOf(status.isDirectory()), String.valueOf(status.isSymlink()),
        String.valueOf(status.getReplication()), String.valueOf(status.getBlockSize()),
        String.valueOf(status.getModificationTime()), String.valueOf(status.getPermission()), status.getOwner(),
        status.getGroup());
  }

  private static List<String> listing(FileSystem fs, Path path) throws IOException {
    FileStatus[] statuses = fs.listStatus(path);
    Arrays.sort(statuses, Comparator.comparing(FileStatus::getPath));
    return Arrays.stream(statuses).map(s -> {
      try {
        return describe(s);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }).toList();
  }
}
