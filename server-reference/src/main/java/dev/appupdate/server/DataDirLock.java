package dev.appupdate.server;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The exclusive lock on {@code DATA/lock} that a server holds while it runs: two servers writing
 * one completion log would overwrite each other's acknowledged lines, and one would cut off the
 * other's line in progress as torn. The operating system releases it when the process dies.
 */
final class DataDirLock implements Closeable {
  static final String NAME = "lock";

  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks {@code dataDir}, creating it first (readable by the owner only) if it is missing.
   *
   * @throws IOException if the directory cannot be created, another server, in this process or
   *     another, holds the lock, or the lock file cannot be opened
   */
  static DataDirLock acquire(Path dataDir) throws IOException {
    create(dataDir);
    Path file = dataDir.resolve(NAME);
    FileChannel channel =
        file.getFileSystem().supportedFileAttributeViews().contains("posix")
            ? FileChannel.open(
                file,
                Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
            : FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by another server of this process
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw new IOException("cannot lock data directory " + dataDir + ": " + e, e);
    }
    if (lock == null) {
      channel.close();
      throw new IOException(
          "data directory "
              + dataDir
              + " is in use by another server; give each server its own --data directory"
              + " (replicas share only the request-id key, see --key)");
    }
    return new DataDirLock(channel, lock);
  }

  private static void create(Path dataDir) throws IOException {
    if (Files.isDirectory(dataDir)) {
      return;
    }
    try {
      if (dataDir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createDirectories(
            dataDir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectories(dataDir);
      }
      Path parent = dataDir.toAbsolutePath().getParent();
      if (parent != null) {
        Durability.forceDirectory(parent);
      }
    } catch (IOException e) {
      throw new IOException("cannot create data directory " + dataDir + ": " + e, e);
    }
  }

  /** Releases the lock. */
  @Override
  public void close() throws IOException {
    try (channel) {
      lock.release();
    }
  }
}
