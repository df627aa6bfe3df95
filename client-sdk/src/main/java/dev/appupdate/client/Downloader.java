package dev.appupdate.client;

import dev.appupdate.client.DownloadException.Disposition;
import dev.appupdate.protocol.AvailableUpdate;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads one update into a directory: streams into a partial file while hashing, enforces the
 * declared size while streaming, verifies the digest in constant time, reads the written file back
 * to verify it again, and only then moves it atomically to its final name, all under a {@link
 * DownloadLock}. Resumes a partial file with {@code Range}/{@code If-Range}, retries under the
 * {@link Retrier} (one time budget for all URLs) and falls back to the mirrors in order.
 */
final class Downloader {
  private static final System.Logger LOG = System.getLogger(UpdateClient.class.getName());
  private static final int BUFFER_SIZE = 64 * 1024;
  private static final Pattern CONTENT_RANGE =
      Pattern.compile("bytes (\\d{1,18})-(\\d{1,18})/(\\d{1,18}|\\*)");

  /** Points of a download where {@link Checkpoints} are told. */
  enum Point {
    /** The download holds its lock and has touched nothing yet. */
    LOCKED,
    /** One more chunk of a partial file from an earlier attempt was re-hashed. */
    REHASHING,
    /** The streamed bytes matched size and digest; the file is not yet read back nor moved. */
    VERIFIED
  }

  /** A seam for tests: runs on the downloading thread at each {@link Point}. */
  @FunctionalInterface
  interface Checkpoints {
    Checkpoints NONE = (point, update) -> {};

    void reached(Point point, AvailableUpdate update) throws IOException;
  }

  private final Transport transport;
  private final Retrier retrier;
  private final Clock clock;
  private final LongSupplier ticker;
  private final long minimumSpeed;
  private final Duration window;
  private final Duration idleTimeout;
  private final Checkpoints checkpoints;

  /**
   * @param clock the wall clock, for Retry-After dates
   * @param ticker monotonic nanoseconds, for transfer rates
   * @param minimumSpeed bytes per second a transfer must reach over every {@code window}; 0 = off
   * @param idleTimeout how long a read may wait for data before the transfer counts as stalled
   */
  Downloader(
      Transport transport,
      Retrier retrier,
      Clock clock,
      LongSupplier ticker,
      long minimumSpeed,
      Duration window,
      Duration idleTimeout,
      Checkpoints checkpoints) {
    this.transport = transport;
    this.retrier = retrier;
    this.clock = clock;
    this.ticker = ticker;
    this.minimumSpeed = minimumSpeed;
    this.window = window;
    this.idleTimeout = idleTimeout;
    this.checkpoints = checkpoints;
  }

  DownloadedUpdate download(AvailableUpdate update, Path directory, DownloadListener listener)
      throws DownloadException {
    return new Job(update, directory, listener).run();
  }

  /** Runs an I/O step on the local file system. */
  @FunctionalInterface
  private interface LocalStep<T> {
    T run() throws IOException;
  }

  /** The state of one download call. */
  private final class Job {
    private final AvailableUpdate update;
    private final Path directory;
    private final Path target;
    private final Path part;
    private final Path meta;
    private final Path lockFile;
    private final DownloadListener listener;
    private final byte[] expected;
    private final MessageDigest digest;
    private final Retrier.Budget budget = retrier.budget();
    private DownloadLock lock;
    private FileChannel channel;
    private boolean done;

    /**
     * True while the partial file's bytes belong to a matching sidecar: then they are kept for a
     * later attempt whatever ends this one, unless {@link #restart()} discards them.
     */
    private boolean resumable;

    /** Whether the bytes of an earlier attempt were already discarded once after a mismatch. */
    private boolean restartedAfterMismatch;

    /** Bytes in the partial file, all of them in {@link #digest}. */
    private long offset;

    /** The If-Range validator of the partial file's bytes; null when they cannot be resumed. */
    private String validator;

    Job(AvailableUpdate update, Path directory, DownloadListener listener) {
      this.update = update;
      this.directory = directory;
      String name = FileNames.finalName(update);
      this.target = directory.resolve(name);
      this.part = directory.resolve(FileNames.partName(name));
      this.meta = directory.resolve(FileNames.metaName(name));
      this.lockFile = directory.resolve(FileNames.lockName(name));
      this.listener = listener;
      this.expected = HexFormat.of().parseHex(update.hashValue());
      this.digest = update.hashFunction().newDigest();
    }

    DownloadedUpdate run() throws DownloadException {
      if (Thread.currentThread().isInterrupted()) {
        throw cancelled("interrupted before downloading " + update.url());
      }
      try {
        local(() -> Files.createDirectories(directory), directory);
        lock = local(() -> DownloadLock.tryAcquire(lockFile), lockFile);
        if (lock == null) {
          throw alreadyRunning();
        }
        checkpoint(Point.LOCKED);
        channel = local(this::openPart, part);
        DownloadedUpdate existing = existingTarget();
        if (existing != null) {
          done = true;
          return existing;
        }
        loadPartial();
        if (offset > 0 && offset == update.size()) {
          if (MessageDigest.isEqual(expected, digest.digest())) {
            return moveIntoPlace();
          }
          restart();
        }
        List<DownloadException> failures = new ArrayList<>();
        for (URI url : update.urls()) {
          try {
            retrier.run(
                "download of " + url,
                budget,
                DownloadException.class,
                () -> attempt(url),
                e ->
                    e.disposition() == Disposition.RETRY
                        ? Retrier.Decision.retry(e.requestedDelay())
                        : Retrier.Decision.STOP,
                () -> cancelled("interrupted while waiting to retry " + url));
            return moveIntoPlace();
          } catch (DownloadException e) {
            failures.add(e);
            if (e.disposition() == Disposition.STOP) {
              break;
            }
            LOG.log(Level.DEBUG, () -> "download of " + url + " failed: " + e.getMessage());
          }
        }
        throw mostTelling(failures);
      } finally {
        finish();
      }
    }

    private DownloadException alreadyRunning() {
      return new DownloadException(
          "download already running",
          "another download of "
              + update.updateType()
              + " "
              + update.version()
              + " into "
              + directory
              + " is running ("
              + lockFile
              + " is locked)",
          null,
          null,
          Disposition.STOP);
    }

    private void checkpoint(Point point) throws DownloadException {
      local(
          () -> {
            checkpoints.reached(point, update);
            return null;
          },
          part);
    }

    private FileChannel openPart() throws IOException {
      if (Files.isSymbolicLink(part)) {
        // Only this download writes here (it holds the lock); a planted link must not redirect
        // the writes elsewhere.
        Files.deleteIfExists(part);
      }
      return FileChannel.open(
          part,
          StandardOpenOption.CREATE,
          StandardOpenOption.READ,
          StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS);
    }

    /** A verified file already at the final path is returned; anything else there goes. */
    private DownloadedUpdate existingTarget() throws DownloadException {
      if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        return null;
      }
      if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
        if (Files.isSymbolicLink(target)) {
          local(() -> Files.deleteIfExists(target), target);
          return null;
        }
        throw new DownloadException(
            "local I/O error: final path is not a regular file",
            target + " exists and is not a regular file",
            null,
            null,
            Disposition.STOP);
      }
      boolean verified =
          local(
              () -> {
                MessageDigest d = update.hashFunction().newDigest();
                long n = 0;
                byte[] buf = new byte[BUFFER_SIZE];
                try (InputStream in = Files.newInputStream(target, LinkOption.NOFOLLOW_LINKS)) {
                  for (int r; (r = in.read(buf)) >= 0 && n <= update.size(); n += r) {
                    d.update(buf, 0, r);
                  }
                }
                return n == update.size() && MessageDigest.isEqual(expected, d.digest());
              },
              target);
      if (verified) {
        return result();
      }
      local(() -> Files.deleteIfExists(target), target);
      return null;
    }

    /** Takes up the partial file if its sidecar says it holds a resumable prefix of the update. */
    private void loadPartial() throws DownloadException {
      String stored = Sidecar.read(meta, update);
      // Set before any interruptible step: an interrupt while re-hashing must not discard bytes
      // that a later call can still resume.
      resumable = stored != null;
      long length = local(() -> channel.size(), part);
      if (stored == null || length == 0 || length > update.size()) {
        restart();
        return;
      }
      local(
          () -> {
            ByteBuffer buf = ByteBuffer.allocate(BUFFER_SIZE);
            long pos = 0;
            while (pos < length) {
              buf.clear();
              int n = channel.read(buf, pos);
              if (n < 0) {
                break;
              }
              digest.update(buf.array(), 0, n);
              pos += n;
              checkpoints.reached(Point.REHASHING, update);
            }
            return null;
          },
          part);
      offset = length;
      validator = stored;
      LOG.log(Level.DEBUG, () -> "resuming " + part + " at byte " + length);
    }

    /** Forgets the partial bytes; the next request starts at byte 0. */
    private void restart() throws DownloadException {
      local(
          () -> {
            channel.truncate(0);
            Files.deleteIfExists(meta);
            return null;
          },
          part);
      offset = 0;
      digest.reset();
      validator = null;
      resumable = false;
    }

    /** One request to {@code url}; returns once the partial file holds the verified bytes. */
    private Void attempt(URI url) throws DownloadException {
      if (Thread.currentThread().isInterrupted()) {
        throw cancelled("interrupted before requesting " + url);
      }
      if (offset > 0 && validator == null) {
        restart();
      }
      boolean ranged = offset > 0;
      Map<String, String> headers =
          ranged
              ? Map.of(
                  "Accept-Encoding",
                  "identity",
                  "Range",
                  "bytes=" + offset + "-",
                  "If-Range",
                  validator)
              : Map.of("Accept-Encoding", "identity");
      Exchange answer;
      try {
        answer = transport.send("GET", url, null, headers, idleTimeout, null);
      } catch (InterruptedIOException e) {
        throw cancelled("interrupted while requesting " + url);
      } catch (IOException e) {
        throw networkFailure(url, e);
      }
      try (answer) {
        int status = answer.status();
        if (answer.refusal() != null) {
          throw refused(url, answer);
        }
        if (ranged
            && (status == 416
                || (status == 206
                    && !(contentRangeMatches(answer) && sameRepresentation(answer))))) {
          LOG.log(
              Level.DEBUG,
              () ->
                  url
                      + " answered the range request with "
                      + status
                      + " "
                      + answer.header("content-range")
                      + " "
                      + answer.header("etag")
                      + "; restarting from byte 0");
          answer.close();
          restart();
          return attempt(url);
        }
        if (status == 200) {
          if (offset > 0) {
            LOG.log(Level.DEBUG, () -> url + " sent the whole file; restarting from byte 0");
            restart();
          }
          long announced = contentLength(answer);
          if (announced >= 0 && announced != update.size()) {
            throw SizeMismatchException.announced(update.size(), announced, url);
          }
          startPartial(Sidecar.validatorOf(answer));
        } else if (status != 206 || !ranged) {
          throw httpFailure(url, answer);
        }
        boolean resumed = status == 206;
        try {
          stream(url, answer);
        } catch (ChecksumMismatchException e) {
          if (!resumed || restartedAfterMismatch) {
            throw e;
          }
          // The resumed prefix may be what is wrong (a crash after the sidecar was written but
          // before the bytes reached the disk, say): the server deserves one clean try.
          restartedAfterMismatch = true;
          LOG.log(
              Level.DEBUG,
              () -> "resumed download of " + url + " did not verify; restarting from byte 0");
          answer.close();
          return attempt(url);
        }
        return null;
      }
    }

    private void startPartial(String newValidator) throws DownloadException {
      validator = newValidator;
      local(
          () -> {
            if (newValidator == null) {
              Files.deleteIfExists(meta);
            } else {
              Sidecar.write(meta, update, newValidator);
            }
            return null;
          },
          meta);
      resumable = newValidator != null;
    }

    private boolean contentRangeMatches(Exchange answer) {
      String range = answer.header("content-range");
      if (range == null) {
        return false;
      }
      Matcher m = CONTENT_RANGE.matcher(range.trim());
      if (!m.matches()) {
        return false;
      }
      long first = Long.parseLong(m.group(1));
      long last = Long.parseLong(m.group(2));
      boolean total = m.group(3).equals("*") || Long.parseLong(m.group(3)) == update.size();
      long announced = contentLength(answer);
      return first == offset
          && last == update.size() - 1
          && total
          && (announced < 0 || announced == update.size() - offset);
    }

    /**
     * False when a {@code 206} names a validator other than the one sent in {@code If-Range}: the
     * server then sent a range of another version of the file.
     */
    private boolean sameRepresentation(Exchange answer) {
      if (Sidecar.isStrongEtag(validator)) {
        String etag = answer.header("etag");
        return etag == null || etag.trim().equals(validator);
      }
      String lastModified = answer.header("last-modified");
      return lastModified == null
          || Objects.equals(httpDate(lastModified.trim()), httpDate(validator));
    }

    private long contentLength(Exchange answer) {
      String value = answer.header("content-length");
      if (value == null) {
        return -1;
      }
      try {
        return Long.parseLong(value.trim());
      } catch (NumberFormatException e) {
        return -1;
      }
    }

    /** Streams the body after the partial bytes, hashing and enforcing the size as it goes. */
    private void stream(URI url, Exchange answer) throws DownloadException {
      long size = update.size();
      long startBytes = offset;
      long startNanos = ticker.getAsLong();
      long windowStart = startNanos;
      long windowBytes = offset;
      progress(url, 0);
      byte[] buf = new byte[BUFFER_SIZE];
      ByteBuffer wrapped = ByteBuffer.wrap(buf);
      local(() -> channel.position(offset), part);
      while (true) {
        int n;
        try {
          n = answer.body().read(buf, 0, buf.length);
        } catch (HttpTimeoutException e) {
          throw StalledTransferException.idle(url, minimumSpeed, idleTimeout);
        } catch (InterruptedIOException e) {
          throw cancelled("interrupted while downloading " + url);
        } catch (IOException e) {
          throw networkFailure(url, e);
        }
        if (n < 0) {
          break;
        }
        if (offset + n > size) {
          // The endless-data defence: not one byte beyond the declared size is written.
          long received = offset + n;
          restart();
          throw SizeMismatchException.tooLong(size, received, url);
        }
        wrapped.clear().limit(n);
        local(
            () -> {
              while (wrapped.hasRemaining()) {
                channel.write(wrapped);
              }
              return null;
            },
            part);
        digest.update(buf, 0, n);
        offset += n;
        long now = ticker.getAsLong();
        long elapsed = now - windowStart;
        if (minimumSpeed > 0 && elapsed >= window.toNanos()) {
          long rate = bytesPerSecond(offset - windowBytes, elapsed);
          if (rate < minimumSpeed) {
            throw StalledTransferException.slow(url, rate, minimumSpeed, window);
          }
          windowStart = now;
          windowBytes = offset;
        }
        progress(url, bytesPerSecond(offset - startBytes, now - startNanos));
      }
      if (offset < size) {
        long received = offset;
        restart();
        throw SizeMismatchException.tooShort(size, received, url);
      }
      byte[] actual = digest.digest();
      if (!MessageDigest.isEqual(expected, actual)) {
        restart();
        throw new ChecksumMismatchException(
            update.hashFunction(), update.hashValue(), HexFormat.of().formatHex(actual), size, url);
      }
    }

    private void progress(URI url, long rate) throws DownloadCancelledException {
      if (!listener.onProgress(new DownloadProgress(update, url, offset, update.size(), rate))) {
        throw cancelled("download of " + url + " cancelled by the listener at byte " + offset);
      }
      if (Thread.currentThread().isInterrupted()) {
        throw cancelled("interrupted while downloading " + url);
      }
    }

    /**
     * Forces the verified bytes to disk, reads them back and verifies them once more (the digest so
     * far was computed from what arrived, not from what the file holds), and moves the file to its
     * final name. The move is the last step: nothing that comes after it can fail the download.
     */
    private DownloadedUpdate moveIntoPlace() throws DownloadException {
      checkpoint(Point.VERIFIED);
      local(
          () -> {
            channel.force(true);
            return null;
          },
          part);
      verifyWrittenFile();
      local(
          () -> {
            channel.close();
            try {
              Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
              // Same directory, so this only happens on unusual file systems; a crash during this
              // move can leave a partial file at the final path there.
              Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return null;
          },
          target);
      done = true;
      return result();
    }

    private void verifyWrittenFile() throws DownloadException {
      boolean verified =
          local(
              () -> {
                MessageDigest d = update.hashFunction().newDigest();
                ByteBuffer buf = ByteBuffer.allocate(BUFFER_SIZE);
                long pos = 0;
                for (int n; (n = channel.read(buf.clear(), pos)) >= 0 && pos <= update.size(); ) {
                  d.update(buf.array(), 0, n);
                  pos += n;
                }
                return pos == update.size() && MessageDigest.isEqual(expected, d.digest());
              },
              part);
      if (!verified) {
        restart();
        throw new DownloadException(
            "local I/O error: written file does not verify",
            part
                + " does not hold the verified bytes of "
                + update.updateType()
                + " "
                + update.version()
                + " after writing them (changed by another program, or a disk fault);"
                + " nothing was moved to "
                + target,
            null,
            null,
            Disposition.STOP);
      }
    }

    private DownloadedUpdate result() {
      return new DownloadedUpdate(
          update, target, update.hashFunction(), update.hashValue(), update.size());
    }

    /**
     * Closes the partial file, removes it unless it can be resumed later, and releases the lock.
     * Runs after the final move too, so failures here are only logged.
     */
    private void finish() {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException e) {
          LOG.log(Level.DEBUG, () -> "closing " + part + " failed: " + e);
        }
      }
      if (lock == null) {
        // Never owned these files: another download holds them.
        return;
      }
      try {
        if (!done && resumable && sizeOf(part) > 0) {
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
      } finally {
        lock.close();
      }
    }

    private long sizeOf(Path p) {
      try {
        return Files.size(p);
      } catch (IOException e) {
        return 0;
      }
    }

    private DownloadCancelledException cancelled(String message) {
      return new DownloadCancelledException(message);
    }

    private <T> T local(LocalStep<T> step, Path path) throws DownloadException {
      try {
        return step.run();
      } catch (ClosedByInterruptException e) {
        // File channels close themselves when the thread is interrupted during an operation.
        Thread.currentThread().interrupt();
        throw cancelled("interrupted while accessing " + path);
      } catch (DownloadException e) {
        throw e;
      } catch (IOException e) {
        throw localFailure(path, e);
      }
    }

    private DownloadException localFailure(Path path, IOException e) {
      return new DownloadException(
          "local I/O error: " + Reasons.describe(e),
          "cannot write " + path + ": " + Reasons.describe(e),
          null,
          e,
          Disposition.STOP);
    }

    private DownloadException networkFailure(URI url, IOException e) {
      String what = e instanceof HttpTimeoutException ? "timeout" : "network error";
      return new DownloadException(
          what + ": " + Reasons.describe(e),
          "GET " + url + " failed at byte " + offset + ": " + Reasons.describe(e),
          url,
          e,
          Disposition.RETRY);
    }

    private DownloadException refused(URI url, Exchange answer) {
      int status = answer.status();
      String reason;
      if (status != 0) {
        reason = "refused redirect (HTTP " + status + ")";
      } else if (HttpSecurity.hasUsablePort(url)) {
        reason = "refused plain HTTP URL";
      } else {
        reason = "invalid URL";
      }
      return new DownloadException(reason, answer.refusal(), url, null, Disposition.NEXT_URL);
    }

    private HttpStatusException httpFailure(URI url, Exchange answer) {
      int s = answer.status();
      boolean retry = s == 408 || s == 429 || (s >= 500 && s <= 599);
      String from = answer.uri().equals(url) ? "" : " (redirected to " + answer.uri() + ")";
      String detail = s == 206 ? " to a request without Range" : "";
      return new HttpStatusException(
          "GET " + url + from + " answered HTTP " + s + detail,
          url,
          s,
          retry,
          RetryAfter.parse(answer.header("retry-after"), clock.instant()));
    }

    /** A cancellation or local failure wins; otherwise the most severe, the first among equals. */
    private DownloadException mostTelling(List<DownloadException> failures) {
      DownloadException last = failures.get(failures.size() - 1);
      DownloadException best = last;
      if (last.disposition() != Disposition.STOP) {
        best = failures.get(0);
        for (DownloadException f : failures) {
          if (f.severity() > best.severity()) {
            best = f;
          }
        }
      }
      for (DownloadException f : failures) {
        if (f != best) {
          best.addSuppressed(f);
        }
      }
      return best;
    }
  }

  /** Bytes per second; durations under a millisecond count as one, which keeps rates sane. */
  private static long bytesPerSecond(long bytes, long nanos) {
    return (long) (bytes * 1e9 / Math.max(nanos, 1_000_000L));
  }

  private static ZonedDateTime httpDate(String v) {
    try {
      return ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
