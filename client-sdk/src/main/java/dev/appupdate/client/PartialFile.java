package dev.appupdate.client;

import dev.appupdate.protocol.AvailableUpdate;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

/**
 * The partial file of one download and what is known about its bytes: {@link #offset()} of them,
 * all in the running digest, resumable when the {@link Sidecar} beside the file names the validator
 * of the representation they came from. Every byte is written, hashed and finally checked here,
 * from the first {@link #append} to the {@link #commitTo move into place}; the caller holds the
 * download's lock. Each byte is hashed once, on the calling thread, as it arrives; the writes go to
 * a {@link WriteBehind} thread, and every step that reads, cuts, forces or keeps the file first
 * waits for them (or drops them). Failures of the file system become {@linkplain
 * DownloadFailures#local local failures}.
 *
 * <p>The bytes go into a new file, created exclusively (never through a link) whenever the
 * download starts from byte 0, or into the partial file of an earlier attempt when it is a regular
 * file with no other name, owned by the user running the download (see {@link #resume}); anything
 * else at its path is removed, not opened. Until {@link #resume} has read the sidecar, both files
 * are left as they are, whatever ends the download.
 */
final class PartialFile implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(UpdateClient.class.getName());
  private static final int BUFFER_SIZE = 64 * 1024;

  private final Path part;
  private final Path meta;
  private final AvailableUpdate update;
  private final ExpectedDigest expected;
  private final MessageDigest digest;
  private FileChannel channel;
  private WriteBehind writer;
  private long offset;
  private String validator;

  /**
   * Whether the files at both paths are this call's to keep or remove: set once {@link #resume}
   * has read the sidecar and taken up or replaced the partial file, or by {@link #discard}. Before
   * that they may hold the resumable bytes of an earlier call, and what ends this call early (a
   * cancellation while the final path is checked, a failure there) says nothing about them.
   */
  private boolean decided;

  /**
   * True while the bytes belong to a matching sidecar: they are then kept for a later attempt
   * whatever ends this one, unless {@link #restart()} discards them.
   */
  private boolean resumable;

  /** Whether the file was moved to its final name, or is not needed because it is there already. */
  private boolean committed;

  /**
   * @param part the partial file
   * @param meta its sidecar
   */
  PartialFile(Path part, Path meta, AvailableUpdate update) {
    this.part = part;
    this.meta = meta;
    this.update = update;
    this.expected = new ExpectedDigest(update);
    this.digest = expected.newDigest();
  }

  Path path() {
    return part;
  }

  AvailableUpdate update() {
    return update;
  }

  /** The number of bytes in the file, all of them in the digest. */
  long offset() {
    return offset;
  }

  /** The {@code If-Range} validator of the bytes in the file; null when they cannot be resumed. */
  String validator() {
    return validator;
  }

  /**
   * Opens the partial file: takes up the bytes of an earlier attempt if the sidecar says they are
   * a prefix of this update, re-hashing them (telling {@code checkpoints} after each chunk);
   * otherwise removes what is at both paths and starts a new, empty file. The bytes are taken up
   * only from a regular file (a FIFO or a device could block the download or swallow its bytes)
   * that, where the file system tells (POSIX), has no other name and is owned by the user running
   * the download: a hard link planted at the path would have the download write into, and finally
   * move into place, a file that someone else reaches under a name of their choosing.
   *
   * @return true when they are the whole update and verify: nothing is left to fetch
   * @throws DownloadCancelledException if interrupted (the flag is set); an interrupt while the
   *     sidecar is read leaves both files as they are
   */
  boolean resume(Downloader.Checkpoints checkpoints) throws DownloadException {
    String stored;
    try {
      stored = Sidecar.read(meta, update);
    } catch (IOException e) {
      // An interrupt: a cancellation, which leaves the bytes to a later call.
      throw DownloadFailures.local(meta, e);
    }
    long length;
    try {
      length = stored == null ? -1 : ownLength();
    } catch (IOException e) {
      throw DownloadFailures.local(part, e);
    }
    if (length <= 0 || length > update.size()) {
      restart();
      return false;
    }
    try {
      // Without CREATE: opened only as the file just looked at, or not at all. Reading and writing
      // does not wait in open(2) should a FIFO take its place in the meantime, and the positional
      // reads below then fail on it.
      channel =
          FileChannel.open(
              part, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      // Read-only, or replaced since: not worth failing every later download for.
      LOG.log(Level.DEBUG, () -> "cannot open " + part + " to resume it: " + e);
      restart();
      return false;
    }
    writer = newWriter();
    // Set before any interruptible step: an interrupt while re-hashing must not discard bytes
    // that a later call can still resume.
    decided = true;
    resumable = true;
    try {
      ByteBuffer buf = ByteBuffer.allocate(BUFFER_SIZE);
      for (int n; offset < length && (n = channel.read(buf.clear(), offset)) >= 0; offset += n) {
        digest.update(buf.array(), 0, n);
        checkpoints.reached(Downloader.Point.REHASHING, update);
      }
    } catch (IOException e) {
      throw DownloadFailures.local(part, e);
    }
    validator = stored;
    LOG.log(Level.DEBUG, () -> "resuming " + part + " at byte " + offset);
    if (offset == update.size()) {
      if (expected.matches(digest.digest())) {
        return true;
      }
      restart();
    }
    return false;
  }

  /**
   * The size of the partial file if its bytes may be taken up (see {@link #resume}), else -1.
   *
   * @throws IOException if its attributes cannot be read
   */
  private long ownLength() throws IOException {
    FileSystem fs = part.getFileSystem();
    boolean unix = fs.supportedFileAttributeViews().contains("unix");
    Map<String, Object> attributes;
    try {
      attributes =
          Files.readAttributes(
              part,
              unix ? "unix:isRegularFile,size,nlink,owner" : "isRegularFile,size",
              LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return -1;
    }
    boolean own =
        Boolean.TRUE.equals(attributes.get("isRegularFile"))
            && (!unix
                || (Integer.valueOf(1).equals(attributes.get("nlink"))
                    && attributes.get("owner").equals(currentUser(fs))));
    if (!own) {
      LOG.log(
          Level.DEBUG,
          () -> part + " is not a file of this user's own " + attributes + "; starting afresh");
      return -1;
    }
    return (Long) attributes.get("size");
  }

  /** The user running the download; null when unknown, and then no file counts as theirs. */
  private static UserPrincipal currentUser(FileSystem fs) {
    try {
      return fs.getUserPrincipalLookupService()
          .lookupPrincipalByName(System.getProperty("user.name"));
    } catch (IOException | UnsupportedOperationException e) {
      LOG.log(Level.DEBUG, () -> "cannot look up the current user: " + e);
      return null;
    }
  }

  /**
   * Forgets the bytes in the file; the next request starts at byte 0. The file and its sidecar
   * are removed and a new, empty file is created (never opened if something is there).
   */
  void restart() throws DownloadException {
    decided = true;
    resumable = false;
    offset = 0;
    digest.reset();
    validator = null;
    // The dropped bytes need not reach the file, and one still on its way must not land in the
    // new one; a failure to write them no longer matters either.
    if (writer != null) {
      writer.stop();
      writer = null;
    }
    closeChannel();
    try {
      Files.deleteIfExists(meta);
    } catch (IOException e) {
      throw DownloadFailures.local(meta, e);
    }
    try {
      // Removes a link, a FIFO or a file with another name too, never what it points to; a
      // directory with something in it stays and fails the download.
      Files.deleteIfExists(part);
      channel =
          FileChannel.open(
              part,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE,
              LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw DownloadFailures.local(part, e);
    }
    writer = newWriter();
  }

  private WriteBehind newWriter() {
    return new WriteBehind(channel::write, "appupdate-writer " + part.getFileName());
  }

  /**
   * Drops the partial file and its sidecar without looking at them: the update is already
   * verified at its final path, so {@link #close} removes them.
   */
  void discard() {
    decided = true;
    committed = true;
  }

  /** Forgets bytes that no request can resume: those of an answer without a validator. */
  void dropUnresumable() throws DownloadException {
    if (offset > 0 && validator == null) {
      restart();
    }
  }

  /**
   * Starts the bytes of a whole-file answer, into an empty file: records {@code newValidator} in
   * the sidecar so that they can be resumed, or, when the answer had none, that they cannot.
   */
  void begin(String newValidator) throws DownloadException {
    validator = newValidator;
    try {
      if (newValidator == null) {
        Files.deleteIfExists(meta);
      } else {
        Sidecar.write(meta, update, newValidator);
      }
    } catch (IOException e) {
      throw DownloadFailures.local(meta, e);
    }
    resumable = newValidator != null;
  }

  /**
   * Hashes the next bytes of the body from {@code url} and queues them for writing; {@code src} is
   * this file's from now on. Not one byte beyond the declared size is written: the defence against
   * endless data.
   *
   * @throws SizeMismatchException if the bytes would pass the declared size (the file is emptied)
   * @throws DownloadCancelledException if interrupted while waiting for the disk (the flag is set)
   */
  void append(ByteBuffer src, URI url) throws DownloadException {
    int n = src.remaining();
    if (offset + n > update.size()) {
      long received = offset + n;
      restart();
      throw SizeMismatchException.tooLong(update.size(), received, url);
    }
    try {
      writer.write(src.duplicate(), offset);
    } catch (InterruptedIOException e) {
      throw new DownloadCancelledException("interrupted while writing " + part);
    } catch (IOException e) {
      throw DownloadFailures.local(part, e);
    }
    digest.update(src);
    offset += n;
  }

  /**
   * Checks, at the end of the body from {@code url}, that the file holds the declared size and
   * digest; the file is emptied when not.
   *
   * @throws SizeMismatchException if bytes are missing
   * @throws ChecksumMismatchException if the digest differs
   */
  void verify(URI url) throws DownloadException {
    long size = update.size();
    if (offset < size) {
      long received = offset;
      restart();
      throw SizeMismatchException.tooShort(size, received, url);
    }
    byte[] actual = digest.digest();
    if (!expected.matches(actual)) {
      restart();
      throw new ChecksumMismatchException(
          update.hashFunction(), update.hashValue(), HexFormat.of().formatHex(actual), size, url);
    }
  }

  /**
   * Makes the verified bytes the file at {@code target}: waits for their writes, forces them to
   * disk (the one {@code force} of the file), moves the file to {@code target} and forces the
   * directory, so that the new name survives a crash too. The move is the last step that can fail:
   * after it, a failure to force the directory is only logged, as the verified file is in place.
   *
   * <p>The file is not read back and hashed a second time. The digest that {@link #verify} checked
   * is of the bytes this object wrote, and no other download writes here: the {@link DownloadLock}
   * (a lock file shared by processes, plus a guard for the threads of this JVM, which file locks do
   * not separate) is held from before the file is opened until after the move, and every download
   * of this update into this directory takes it first. A read-back could only catch a program that
   * ignores the lock and writes into {@code .part} files of the application's directory; such a
   * program can equally rewrite the final file a moment after the move, so the check would not make
   * the result any safer, at the price of hashing every byte twice. It would not catch a disk fault
   * either: right after {@code force} the bytes are read from the page cache, not from the disk. So
   * what is assumed is that the directory is the application's: only processes that download
   * through this SDK (and so take the lock) write into it while a download runs.
   */
  void commitTo(Path target) throws DownloadException {
    try {
      writer.flush();
      channel.force(true);
      channel.close();
    } catch (IOException e) {
      throw DownloadFailures.local(part, e);
    }
    try {
      try {
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        // Same directory, so this only happens on unusual file systems; a crash during this
        // move can leave a partial file at the final path there.
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw DownloadFailures.local(target, e);
    }
    committed = true;
    forceDirectory(target.toAbsolutePath().getParent());
  }

  /**
   * Forces {@code directory}'s entries to disk (fsync on the directory, as POSIX asks after a
   * rename); nothing happens where a directory cannot be opened (Windows) or forced.
   */
  private static void forceDirectory(Path directory) {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      LOG.log(Level.DEBUG, () -> "cannot force " + directory + ": " + e);
    }
  }

  /**
   * Closes the file and removes it with its sidecar, unless a later download can resume them or
   * this call has not yet looked at them (see {@link #resume}). Runs after {@link #commitTo} too,
   * so failures here are only logged.
   */
  @Override
  public void close() {
    if (writer != null) {
      if (!committed && resumable) {
        try {
          // Bytes that were counted as received are what a later download resumes after.
          writer.flush();
        } catch (IOException e) {
          LOG.log(Level.DEBUG, () -> "writing " + part + " failed: " + e);
        }
      }
      writer.stop();
    }
    closeChannel();
    if (!decided) {
      return;
    }
    if (!committed && resumable && sizeOf(part) > 0) {
      LOG.log(Level.DEBUG, () -> "keeping " + part + " for resuming");
      return;
    }
    for (Path p : new Path[] {part, meta, Sidecar.temporary(meta)}) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        LOG.log(Level.WARNING, () -> "cannot delete " + p + ": " + e);
      }
    }
  }

  private void closeChannel() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        LOG.log(Level.DEBUG, () -> "closing " + part + " failed: " + e);
      }
      channel = null;
    }
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }
}
