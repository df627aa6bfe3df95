package dev.appupdate.client;

import dev.appupdate.protocol.AvailableUpdate;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The partial file of one download and what is known about its bytes: {@link #offset()} of them,
 * all in the running digest, resumable when the {@link Sidecar} beside the file names the validator
 * of the representation they came from. Every byte is written, hashed and finally checked here,
 * from the first {@link #append} to the {@link #commitTo move into place}; the caller holds the
 * download's lock. Each byte is hashed once, on the calling thread, as it arrives; the writes go to
 * a {@link WriteBehind} thread, and every step that reads, cuts, forces or keeps the file first
 * waits for them (or drops them). Failures of the file system become {@linkplain
 * DownloadFailures#local local failures}.
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
   * True while the bytes belong to a matching sidecar: they are then kept for a later attempt
   * whatever ends this one, unless {@link #restart()} discards them.
   */
  private boolean resumable;

  /** Whether the file was moved to its final name. */
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

  /** Opens (creating) the file; a link in its place is removed, never written through. */
  void open() throws DownloadException {
    try {
      if (Files.isSymbolicLink(part)) {
        // Only this download writes here (it holds the lock); a planted link must not redirect
        // the writes elsewhere.
        Files.deleteIfExists(part);
      }
      channel =
          FileChannel.open(
              part,
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE,
              LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw DownloadFailures.local(part, e);
    }
    writer = new WriteBehind(channel::write, "appupdate-writer " + part.getFileName());
  }

  /**
   * Takes up the bytes of an earlier attempt if the sidecar says they are a prefix of this update,
   * re-hashing them (telling {@code checkpoints} after each chunk); drops them otherwise.
   *
   * @return true when they are the whole update and verify: nothing is left to fetch
   */
  boolean resume(Downloader.Checkpoints checkpoints) throws DownloadException {
    String stored = Sidecar.read(meta, update);
    // Set before any interruptible step: an interrupt while re-hashing must not discard bytes
    // that a later call can still resume.
    resumable = stored != null;
    long length;
    try {
      length = channel.size();
    } catch (IOException e) {
      throw DownloadFailures.local(part, e);
    }
    if (stored == null || length == 0 || length > update.size()) {
      restart();
      return false;
    }
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

  /** Forgets the bytes in the file; the next request starts at byte 0. */
  void restart() throws DownloadException {
    // The dropped bytes need not reach the file, and one still on its way must not land after the
    // truncation; a failure to write them no longer matters either.
    writer.discard();
    try {
      channel.truncate(0);
      Files.deleteIfExists(meta);
    } catch (IOException e) {
      throw DownloadFailures.local(part, e);
    }
    offset = 0;
    digest.reset();
    validator = null;
    resumable = false;
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
   * disk (the one {@code force} of the download) and moves the file to {@code target}. The move is
   * the last step: nothing after it can fail.
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
  }

  /**
   * Closes the file and removes it with its sidecar, unless a later download can resume them. Runs
   * after {@link #commitTo} too, so failures here are only logged.
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
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        LOG.log(Level.DEBUG, () -> "closing " + part + " failed: " + e);
      }
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

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }
}
