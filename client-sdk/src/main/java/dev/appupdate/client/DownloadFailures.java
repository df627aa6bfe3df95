package dev.appupdate.client;

import dev.appupdate.client.DownloadException.Disposition;
import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.FailureCode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Turns what went wrong in a download into the {@link DownloadException} it fails with: the short
 * reason for the completion report, the message with the details, and the {@link Disposition} that
 * tells the downloader what to do next (whether that is a retry comes from {@link Retryable}). When
 * every URL failed, {@link #mostTelling} picks the one failure to throw. Failures with a type of
 * their own (size, digest, stall) are made by their exception classes.
 */
final class DownloadFailures {
  private DownloadFailures() {}

  /**
   * A failure of the local file system at {@code path}. An interrupt during the step (file channels
   * close themselves then) is a cancellation, with the interrupt flag set again; a download failure
   * raised inside the step (by a test's checkpoint, say) stays what it is.
   */
  static DownloadException local(Path path, IOException e) {
    if (e instanceof DownloadException d) {
      return d;
    }
    if (e instanceof ClosedByInterruptException) {
      Thread.currentThread().interrupt();
      return new DownloadCancelledException("interrupted while accessing " + path);
    }
    return new DownloadException(
        "local I/O error: " + localReason(e),
        "cannot write " + path + ": " + Reasons.describe(e),
        null,
        e,
        Disposition.STOP);
  }

  /**
   * What went wrong on the local file system, without the file's path: the reason goes into the
   * completion report, and a path under a home directory names the user.
   */
  static String localReason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "file exists";
    }
    if (e instanceof FileSystemException f) {
      // The system's own words ("No space left on device"), which hold no path.
      return f.getReason() != null ? Reasons.clean(f.getReason()) : "I/O error";
    }
    // A channel's write or force fails with the system's words alone; any other message may
    // hold a path.
    String m = e.getMessage();
    return m == null || m.isBlank() || m.indexOf('/') >= 0 || m.indexOf('\\') >= 0
        ? "I/O error"
        : Reasons.clean(m);
  }

  /**
   * Another download holds the lock of the same update in the same directory. Reported as {@code
   * cancelled}: this attempt stood aside, and the update is neither broken nor unreachable.
   */
  static DownloadException alreadyRunning(AvailableUpdate update, Path directory, Path lockFile) {
    return DownloadException.stopped(
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
        FailureCode.CANCELLED);
  }

  /** Something other than a file or a link is at the final path; it is not removed. */
  static DownloadException notRegularFile(Path target) {
    return new DownloadException(
        "local I/O error: final path is not a regular file",
        target + " exists and is not a regular file",
        null,
        null,
        Disposition.STOP);
  }

  /** A request to {@code url}, or reading its answer, failed on the network at byte {@code at}. */
  static DownloadException network(URI url, long at, IOException e) {
    String what = e instanceof HttpTimeoutException ? "timeout" : "network error";
    return new DownloadException(
        what + ": " + Reasons.describe(e),
        "GET " + url + " failed at byte " + at + ": " + Reasons.describe(e),
        url,
        e,
        Disposition.RETRY);
  }

  /** The transport refused {@code url} or one of its redirects (see {@link HttpSecurity}). */
  static DownloadException refused(URI url, Exchange answer) {
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

  /** {@code url} sent its body in a content coding other than {@code identity}. */
  static DownloadException encoded(URI url, String contentEncoding) {
    String coding = Reasons.clean(contentEncoding);
    return new DownloadException(
        "unexpected content encoding " + coding,
        "GET " + url + " sent its body with Content-Encoding " + coding + "; only identity is used",
        url,
        null,
        Disposition.NEXT_URL);
  }

  /** {@code url} answered with a status the download cannot use. */
  static HttpStatusException status(URI url, Exchange answer, Instant now) {
    int s = answer.status();
    String from = answer.uri().equals(url) ? "" : " (redirected to " + answer.uri() + ")";
    String detail = s == 206 ? " to a request without Range" : "";
    return new HttpStatusException(
        "GET " + url + from + " answered HTTP " + s + detail,
        url,
        s,
        RetryAfter.parse(answer.header("retry-after"), now));
  }

  /**
   * The failure to throw when every URL tried failed, in the order tried: a cancellation or local
   * failure (which ended the download) wins; otherwise the most severe, the first among equals. The
   * others are attached to it as suppressed exceptions.
   */
  static DownloadException mostTelling(List<DownloadException> failures) {
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
