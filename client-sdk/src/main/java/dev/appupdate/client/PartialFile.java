package dev.appupdate.client;

import dev.appupdate.protocol.AvailableUpdate;
import java.io.IOException;
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
 * download's lock. Failures of the file system become {@linkplain DownloadFailures#local local
 * failures}.
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
   * Writes and hashes the next {@code n} bytes of the body from {@code url}. Not one byte beyond
   * the declared size is written: the defence against endless data.
   *
   * @throws SizeMismatchException if the bytes would pass the declared size (the file is emptied)
   */
  void append(byte[] buf, int n, URI url) throws DownloadException {
    if (offset + n > update.size()) {
      long received = offset + n;
      restart();
      throw SizeMismatchException.tooLong(update.size(), received, url);
    }
    ByteBuffer src = ByteBuffer.wrap(buf, 0, n);
    try {
      while (src.hasRemaining()) {
        channel.write(src, offset + src.position());
      }
    } catch (IOException e) {
      throw DownloadFailures.local(part, e);
    }
    digest.update(buf, 0, n);
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
   * Makes the verified bytes the file at {@code target}: forces them to disk, reads them back and
   * verifies them once more (the digest so far is of what arrived, not of what the file holds), and
   * moves the file to {@code target}. The move is the last step: nothing after it can fail.
   */
  void commitTo(Path target) throws DownloadException {
    boolean verified;
    try {
      channel.force(true);
      verified = expected.matchesFile(channel);
    } catch (IOException e) {
      throw DownloadFailures.local(part, e);
    }
    if (!verified) {
      restart();
      throw DownloadFailures.writtenFileDoesNotVerify(part, update, target);
    }
    try {
      channel.close();
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
