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
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads one update into a directory: streams into a partial file while hashing, enforces the
 * declared size while streaming, verifies the digest in constant time and only then moves the file
 * atomically to its final name. Resumes a partial file with {@code Range}/{@code If-Range}, retries
 * each URL under the {@link Retrier} and falls back to the mirrors in order.
 */
final class Downloader {
  private static final System.Logger LOG = System.getLogger(UpdateClient.class.getName());
  private static final int BUFFER_SIZE = 64 * 1024;
  private static final Pattern CONTENT_RANGE =
      Pattern.compile("bytes (\\d{1,18})-(\\d{1,18})/(\\d{1,18}|\\*)");

  private final Transport transport;
  private final Retrier retrier;
  private final Clock clock;
  private final long minimumSpeed;
  private final Duration window;
  private final Duration idleTimeout;

  /**
   * @param minimumSpeed bytes per second a transfer must reach over every {@code window}; 0 = off
   * @param idleTimeout how long a read may wait for data before the transfer counts as stalled
   */
  Downloader(
      Transport transport,
      Retrier retrier,
      Clock clock,
      long minimumSpeed,
      Duration window,
      Duration idleTimeout) {
    this.transport = transport;
    this.retrier = retrier;
    this.clock = clock;
    this.minimumSpeed = minimumSpeed;
    this.window = window;
    this.idleTimeout = idleTimeout;
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
    private final DownloadListener listener;
    private final byte[] expected;
    private final MessageDigest digest;
    private FileChannel channel;
    private boolean owner;
    private boolean done;

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
        channel =
            local(
                () ->
                    FileChannel.open(
                        part,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.READ,
                        StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS),
                part);
        lock();
        owner = true;
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
                DownloadException.class,
                () -> attempt(url),
                e ->
                    e.disposition() == Disposition.RETRY
                        ? Retrier.Decision.retry(e.retryAfter())
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

    private void lock() throws DownloadException {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      } catch (IOException e) {
        throw localFailure(part, e);
      }
      if (lock == null) {
        throw new DownloadException(
            "download already running",
            "another download of "
                + update.updateType()
                + " "
                + update.version()
                + " into "
                + directory
                + " is running ("
                + part
                + " is locked)",
            null,
            null,
            Disposition.STOP);
      }
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
      long length = local(() -> channel.size(), part);
      String stored = Sidecar.read(meta, update);
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
        answer = transport.send("GET", url, null, headers, idleTimeout);
      } catch (InterruptedIOException e) {
        throw cancelled("interrupted while requesting " + url);
      } catch (IOException e) {
        throw networkFailure(url, e);
      }
      try (answer) {
        int status = answer.status();
        if (answer.refusal() != null) {
          throw new DownloadException(
              status == 0 ? "refused plain HTTP URL" : "refused redirect (HTTP " + status + ")",
              answer.refusal(),
              url,
              null,
              Disposition.NEXT_URL);
        }
        if (ranged && (status == 416 || (status == 206 && !contentRangeMatches(answer)))) {
          LOG.log(
              Level.DEBUG,
              () ->
                  url
                      + " answered the range request with "
                      + status
                      + " "
                      + answer.header("content-range")
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
        stream(url, answer);
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
      long startMillis = clock.millis();
      long windowStart = startMillis;
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
        long now = clock.millis();
        long elapsed = now - windowStart;
        if (minimumSpeed > 0 && elapsed >= window.toMillis()) {
          long rate = (offset - windowBytes) * 1000 / Math.max(1, elapsed);
          if (rate < minimumSpeed) {
            throw StalledTransferException.slow(url, rate, minimumSpeed, window);
          }
          windowStart = now;
          windowBytes = offset;
        }
        progress(url, (offset - startBytes) * 1000 / Math.max(1, now - startMillis));
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

    private DownloadedUpdate moveIntoPlace() throws DownloadException {
      local(
          () -> {
            channel.force(true);
            channel.close();
            try {
              Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
              // Same directory, so this only happens on unusual file systems; a crash during this
              // move can leave a partial file at the final path there.
              Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.deleteIfExists(meta);
            return null;
          },
          target);
      done = true;
      return result();
    }

    private DownloadedUpdate result() {
      return new DownloadedUpdate(
          update, target, update.hashFunction(), update.hashValue(), update.size());
    }

    /** Closes the partial file and removes it unless it can be resumed later. */
    private void finish() {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException e) {
          LOG.log(Level.DEBUG, () -> "closing " + part + " failed: " + e);
        }
      }
      if (!owner) {
        return;
      }
      boolean resumable = !done && offset > 0 && validator != null;
      if (resumable) {
        LOG.log(Level.DEBUG, () -> "keeping " + offset + " bytes in " + part + " for resuming");
        return;
      }
      for (Path p : new Path[] {part, meta}) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          LOG.log(Level.WARNING, () -> "cannot delete " + p + ": " + e);
        }
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
        throw cancelled("interrupted while writing " + path);
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

    private DownloadException httpFailure(URI url, Exchange answer) {
      int s = answer.status();
      boolean retry = s == 408 || s == 429 || (s >= 500 && s <= 599);
      String from = answer.uri().equals(url) ? "" : " (redirected to " + answer.uri() + ")";
      String detail = s == 206 ? " to a request without Range" : "";
      return new DownloadException(
          "HTTP " + s,
          "GET " + url + from + " answered HTTP " + s + detail,
          url,
          null,
          retry ? Disposition.RETRY : Disposition.NEXT_URL,
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
}
