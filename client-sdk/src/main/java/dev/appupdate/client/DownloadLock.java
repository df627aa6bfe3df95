package dev.appupdate.client;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Lets one download at a time work on the files of one update in one directory, across the
 * threads of this JVM and across processes. It locks a dedicated lock file, never the partial file
 * (which is renamed into place while the lock must still be held), and removes the lock file when
 * done so that a finished download leaves only its result behind.
 *
 * <p>Three rules make that safe:
 *
 * <ul>
 *   <li>Within this JVM only one lock per file is ever attempted ({@link #HELD}): on POSIX systems
 *       closing <em>any</em> channel of a process on a file drops every lock the process holds on
 *       it, so a second channel opened just to find the file busy would release the first lock.
 *   <li>Only a holder deletes the lock file, and only while it holds the lock.
 *   <li>A lock taken on a file that a finished holder has just deleted is worthless (the path
 *       names a new file by then). So after locking, the holder writes a random token through its
 *       channel and reads it back through the path; only when it finds its own token does it hold
 *       the lock of the file the path names. The second channel stays open until the end, as
 *       closing it early would drop the lock (rule one).
 * </ul>
 *
 * <p>The lock file is written to, so it must be nobody else's file: a symbolic link at its path is
 * removed before opening, and a file that turns out to have another name too (a hard link planted
 * in the directory) is removed, not written through, and a new file is made.
 */
final class DownloadLock implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(UpdateClient.class.getName());

  /** The locks of this JVM, by the directory's file key (or real path) and the file name. */
  private static final ConcurrentMap<Key, DownloadLock> HELD = new ConcurrentHashMap<>();

  /**
   * The locked byte lies past the token, so that the token stays readable through the second
   * channel where locks are mandatory (Windows).
   */
  private static final long LOCKED_BYTE = 64;

  /** Attempts to lock a lock file that finished holders keep replacing before giving up. */
  private static final int MAX_TRIES = 3;

  /**
   * Identifies a lock file independently of how its directory is spelt (links, case).
   *
   * @param directory the directory's file key, or its real path where there is no file key
   */
  private record Key(Object directory, String name) {}

  private enum Outcome {
    HELD,
    BUSY,
    STALE
  }

  private final Key key;
  private final Path path;
  private FileChannel channel;
  private FileChannel reader;

  private DownloadLock(Key key, Path path) {
    this.key = key;
    this.path = path;
  }

  /**
   * Locks {@code file}, creating it if needed.
   *
   * @return the lock, to be closed when the work is done; null when another download (a thread of
   *     this JVM or another process) holds it
   * @throws IOException if the lock file cannot be created, read or written
   */
  static DownloadLock tryAcquire(Path file) throws IOException {
    Path directory = file.toAbsolutePath().getParent().toRealPath();
    Object dirKey =
        Files.readAttributes(directory, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
            .fileKey();
    Key key = new Key(dirKey != null ? dirKey : directory, file.getFileName().toString());
    DownloadLock lock = new DownloadLock(key, directory.resolve(key.name()));
    if (HELD.putIfAbsent(key, lock) != null) {
      return null;
    }
    boolean held = false;
    try {
      for (int i = 0; i < MAX_TRIES; i++) {
        Outcome outcome = lock.tryOnce();
        if (outcome == Outcome.HELD) {
          held = true;
          return lock;
        }
        if (outcome == Outcome.BUSY) {
          return null;
        }
        LOG.log(Level.DEBUG, () -> lock.path + " was replaced while locking it; trying again");
      }
      return null;
    } finally {
      if (!held) {
        HELD.remove(key, lock);
      }
    }
  }

  private Outcome tryOnce() throws IOException {
    if (Files.isSymbolicLink(path)) {
      // Not made by a download; it must not redirect the lock elsewhere.
      Files.deleteIfExists(path);
    }
    FileChannel ch =
        FileChannel.open(
            path,
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE,
            LinkOption.NOFOLLOW_LINKS);
    FileChannel check = null;
    boolean kept = false;
    try {
      FileLock lock;
      try {
        lock = ch.tryLock(LOCKED_BYTE, 1, false);
      } catch (OverlappingFileLockException e) {
        // Locked through another channel of this JVM, not by a DownloadLock.
        lock = null;
      }
      if (lock == null) {
        return Outcome.BUSY;
      }
      if (!ownFile()) {
        return Outcome.STALE;
      }
      byte[] token = UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);
      ch.truncate(0);
      ByteBuffer out = ByteBuffer.wrap(token);
      while (out.hasRemaining()) {
        ch.write(out, out.position());
      }
      try {
        check = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        return Outcome.STALE;
      }
      ByteBuffer in = ByteBuffer.allocate(token.length + 1);
      int n;
      do {
        n = check.read(in, in.position());
      } while (n > 0 && in.hasRemaining());
      if (!Arrays.equals(token, Arrays.copyOf(in.array(), in.position()))) {
        return Outcome.STALE;
      }
      channel = ch;
      reader = check;
      kept = true;
      return Outcome.HELD;
    } finally {
      if (!kept) {
        closeQuietly(check);
        closeQuietly(ch);
      }
    }
  }

  /**
   * True when the path names a regular file with no other name, which the token may overwrite.
   * Anything else there is removed (false is returned then, and when the file is already gone):
   * truncating a hard link to another file would destroy that file's contents.
   */
  private boolean ownFile() throws IOException {
    boolean unix = path.getFileSystem().supportedFileAttributeViews().contains("unix");
    Map<String, Object> attributes;
    try {
      attributes =
          Files.readAttributes(
              path, unix ? "unix:isRegularFile,nlink" : "isRegularFile", LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return false;
    }
    if (Boolean.TRUE.equals(attributes.get("isRegularFile"))
        && (!unix || Integer.valueOf(1).equals(attributes.get("nlink")))) {
      return true;
    }
    LOG.log(Level.DEBUG, () -> path + " is not a file of its own " + attributes + "; replacing it");
    Files.deleteIfExists(path);
    return false;
  }

  /** Removes the lock file and releases the lock. Failures are only logged. */
  @Override
  public void close() {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      LOG.log(Level.DEBUG, () -> "cannot delete " + path + ": " + e);
    }
    closeQuietly(reader);
    closeQuietly(channel);
    HELD.remove(key, this);
  }

  private void closeQuietly(FileChannel ch) {
    if (ch == null) {
      return;
    }
    try {
      ch.close();
    } catch (IOException e) {
      LOG.log(Level.DEBUG, () -> "closing " + path + " failed: " + e);
    }
  }
}
