package dev.appupdate.client;

import dev.appupdate.client.RangeNegotiation.Verdict;
import dev.appupdate.protocol.AvailableUpdate;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Clock;

/**
 * Fetches the bytes of one download that its {@link PartialFile} still lacks, from one URL per
 * {@link #from} call: a request (for the rest only, when the partial bytes can be resumed), the
 * answer judged by {@link RangeNegotiation}, and the body streamed into the partial file under the
 * {@link SpeedMeter} and the listener. Retries and mirrors are the caller's; one call makes a
 * second request at once only when the partial bytes proved unusable: a range answer that does not
 * fit, or resumed bytes that fail verification (the latter once per download).
 */
final class Transfer {
  private static final System.Logger LOG = System.getLogger(UpdateClient.class.getName());

  private final Transport transport;
  private final Clock clock;
  private final SpeedMeter.Rule speed;
  private final PartialFile part;
  private final AvailableUpdate update;
  private final DownloadListener listener;

  /** Whether resumed bytes were already dropped once after they failed verification. */
  private boolean restartedAfterMismatch;

  /**
   * @param clock the wall clock, for Retry-After dates
   */
  Transfer(
      Transport transport,
      Clock clock,
      SpeedMeter.Rule speed,
      PartialFile part,
      DownloadListener listener) {
    this.transport = transport;
    this.clock = clock;
    this.speed = speed;
    this.part = part;
    this.update = part.update();
    this.listener = listener;
  }

  /**
   * Fetches the missing bytes from {@code url}; returns once the partial file holds all of them,
   * verified against the declared size and digest.
   *
   * @throws DownloadException with the {@linkplain DownloadException.Disposition disposition} that
   *     says whether to try {@code url} again, the next URL, or nothing more
   */
  void from(URI url) throws DownloadException {
    boolean done;
    do {
      // At most twice: the second request starts at byte 0, where neither reason can recur.
      done = request(url);
    } while (!done);
  }

  /**
   * Sends one request; returns false when the partial bytes were dropped and it is to be resent.
   */
  private boolean request(URI url) throws DownloadException {
    if (Thread.currentThread().isInterrupted()) {
      throw new DownloadCancelledException("interrupted before requesting " + url);
    }
    part.dropUnresumable();
    long offset = part.offset();
    String validator = part.validator();
    Exchange answer;
    try {
      answer =
          transport.send(
              "GET",
              url,
              null,
              RangeNegotiation.requestHeaders(offset, validator),
              speed.idleTimeout(),
              null);
    } catch (InterruptedIOException e) {
      throw new DownloadCancelledException("interrupted while requesting " + url);
    } catch (IOException e) {
      throw DownloadFailures.network(url, offset, e);
    }
    try (answer) {
      if (answer.refusal() != null) {
        throw DownloadFailures.refused(url, answer);
      }
      Verdict verdict =
          RangeNegotiation.judge(answer.status(), offset, validator, update.size(), answer::header);
      switch (verdict) {
        case MISFIT -> {
          LOG.log(
              Level.DEBUG,
              () ->
                  url
                      + " answered the range request with "
                      + answer.status()
                      + " "
                      + answer.header("content-range")
                      + " "
                      + answer.header("etag")
                      + "; restarting from byte 0");
          part.restart();
          return false;
        }
        case WHOLE_FILE -> {
          requireIdentity(url, answer);
          if (offset > 0) {
            LOG.log(Level.DEBUG, () -> url + " sent the whole file; restarting from byte 0");
            part.restart();
          }
          long announced = RangeNegotiation.contentLength(answer.header("content-length"));
          if (announced >= 0 && announced != update.size()) {
            throw SizeMismatchException.announced(update.size(), announced, url);
          }
          part.begin(
              RangeNegotiation.validatorOf(
                  answer.header("etag"), answer.header("last-modified"), answer.header("date")));
        }
        case CONTINUES -> requireIdentity(url, answer);
        case FAILURE -> throw DownloadFailures.status(url, answer, clock.instant());
      }
      try {
        stream(url, answer);
      } catch (ChecksumMismatchException e) {
        if (verdict != Verdict.CONTINUES || restartedAfterMismatch) {
          throw e;
        }
        // The resumed prefix may be what is wrong (a crash after the sidecar was written but
        // before the bytes reached the disk, say): the server deserves one clean try.
        restartedAfterMismatch = true;
        LOG.log(
            Level.DEBUG,
            () -> "resumed download of " + url + " did not verify; restarting from byte 0");
        return false;
      }
      return true;
    }
  }

  /**
   * Refuses a body in a content coding (a CDN that compresses despite {@code Accept-Encoding:
   * identity}): its bytes are not the file's, so its length and digest would not match, and the
   * release would be blamed with a size or checksum mismatch for what the network did.
   */
  private static void requireIdentity(URI url, Exchange answer) throws DownloadException {
    String coding = answer.header("content-encoding");
    if (coding != null && !coding.isBlank() && !coding.trim().equalsIgnoreCase("identity")) {
      throw DownloadFailures.encoded(url, coding.trim());
    }
  }

  /** Streams the body after the partial bytes into the partial file, then verifies the whole. */
  private void stream(URI url, Exchange answer) throws DownloadException {
    SpeedMeter meter = speed.start(url, part.offset());
    progress(url, 0);
    while (true) {
      ByteBuffer chunk;
      try {
        chunk = answer.body().next();
      } catch (HttpTimeoutException e) {
        throw speed.idle(url);
      } catch (InterruptedIOException e) {
        throw new DownloadCancelledException("interrupted while downloading " + url);
      } catch (IOException e) {
        throw DownloadFailures.network(url, part.offset(), e);
      }
      if (chunk == null) {
        break;
      }
      part.append(chunk, url);
      progress(url, meter.record(part.offset()));
    }
    part.verify(url);
  }

  private void progress(URI url, long rate) throws DownloadCancelledException {
    long done = part.offset();
    if (!listener.onProgress(new DownloadProgress(update, url, done, rate))) {
      throw new DownloadCancelledException(
          "download of " + url + " cancelled by the listener at byte " + done);
    }
    if (Thread.currentThread().isInterrupted()) {
      throw new DownloadCancelledException("interrupted while downloading " + url);
    }
  }
}
