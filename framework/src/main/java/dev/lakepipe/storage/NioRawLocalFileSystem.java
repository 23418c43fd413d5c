package dev.lakepipe.storage;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's raw local file system, with permissions and file status read and set through {@code java.nio} instead of
 * a child process. Without Hadoop's native library (which Spark does not ship), {@link RawLocalFileSystem} starts
 * {@code chmod} for every file and folder it creates, {@code ls -ld} for the permission of every status it lists
 * and {@code readlink} for every link status: thousands of process starts per pipeline run on a local warehouse, a
 * fifth of a small run's CPU time. On a file store without POSIX attributes, or for a permission {@code java.nio}
 * cannot express (the sticky bit), it does what Hadoop does.
 */
public class NioRawLocalFileSystem extends RawLocalFileSystem {
  /** POSIX permissions in the order of the bits of a mode, highest first: {@code rwxrwxrwx}. */
  private static final PosixFilePermission[] BY_BIT = {
      PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE};

  @Override
  public void setPermission(Path path, FsPermission permission) throws IOException {
    short mode = permission.toShort();
    java.nio.file.Path file = pathToFile(path).toPath();
    if ((mode & ~0777) != 0 || !isPosix(file)) {
      super.setPermission(path, permission);
      return;
    }
    try {
      Files.setPosixFilePermissions(file, permissions(mode));
    } catch (NoSuchFileException e) {
      throw new FileNotFoundException("File " + path + " does not exist");
    }
  }

  /**
   * The status of a file or folder (of the target of a link), its permission, owner and group read at once.
   *
   * @throws FileNotFoundException when nothing is at the path
   */
  @Override
  public FileStatus getFileStatus(Path path) throws IOException {
    File file = pathToFile(path);
    if (!isPosix(file.toPath())) {
      return super.getFileStatus(path);
    }
    PosixFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file.toPath(), PosixFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new FileNotFoundException("File " + path + " does not exist");
    }
    return new FileStatus(attributes.size(), attributes.isDirectory(), 1, getDefaultBlockSize(path),
        attributes.lastModifiedTime().toMillis(), attributes.lastAccessTime().toMillis(),
        new FsPermission(mode(attributes.permissions())),
        attributes.owner().getName(), attributes.group().getName(),
        new Path(file.getPath()).makeQualified(getUri(), getWorkingDirectory()));
  }

  /** A file's listing is its own status; a folder's are its entries', each from {@link #getFileStatus}. */
  @Override
  public FileStatus[] listStatus(Path path) throws IOException {
    if (pathToFile(path).isFile()) {
      return new FileStatus[] {getFileStatus(path)};
    }
    return super.listStatus(path);
  }

  /** Hadoop reads every link status with {@code readlink}; only a link needs it. */
  @Override
  public FileStatus getFileLinkStatus(Path path) throws IOException {
    if (Files.isSymbolicLink(pathToFile(path).toPath())) {
      return super.getFileLinkStatus(path);
    }
    return getFileStatus(path);
  }

  /** The permissions of the lower nine bits of a mode. */
  private static Set<PosixFilePermission> permissions(short mode) {
    Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < BY_BIT.length; i++) {
      if ((mode & (0400 >> i)) != 0) {
        permissions.add(BY_BIT[i]);
      }
    }
    return permissions;
  }

  /** The mode of these permissions. */
  private static short mode(Set<PosixFilePermission> permissions) {
    short mode = 0;
    for (int i = 0; i < BY_BIT.length; i++) {
      if (permissions.contains(BY_BIT[i])) {
        mode |= (short) (0400 >> i);
      }
    }
    return mode;
  }

  private static boolean isPosix(java.nio.file.Path file) {
    return file.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
