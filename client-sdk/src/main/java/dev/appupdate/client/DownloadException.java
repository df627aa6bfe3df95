package dev.appupdate.client;

import dev.appupdate.protocol.FailureCode;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * A download failed; nothing was put at the final path. {@link #reason()} is a short text for a
 * completion report ({@code bad checksum}, {@code HTTP 404}, {@code transfer stalled}, ...); the
 * message has the details. Subclasses name the causes an application may want to tell apart; an
 * {@link HttpStatusException} carries the HTTP status a download URL answered with. When several
 * URLs (the offer's {@code url} and its mirrors) were tried, the most telling failure is thrown (a
 * checksum mismatch before a size mismatch before anything else) and the failures of the other
 * URLs are attached as {@linkplain #getSuppressed() suppressed} exceptions.
 *
 * <p>The hierarchy is sealed: a plain {@code DownloadException} is any other failure (network,
 * refused URL, local file system), reported with the code {@code download_failed}, or a download
 * of the same update already running, reported with the code {@code cancelled}. A {@link
 * BadSignatureException} is thrown before any transfer, when the client trusts release keys and
 * none of them signed the offer.
 */
public sealed class DownloadException extends IOException
    permits BadSignatureException,
        ChecksumMismatchException,
        DownloadCancelledException,
        HttpStatusException,
        SizeMismatchException,
        StalledTransferException {
  private static final long serialVersionUID = 1L;

  /** What the downloader does after a failure of one attempt. */
  enum Disposition {
    /** Try the same URL again after a backoff. */
    RETRY,
    /** Give up on this URL and try the next mirror. */
    NEXT_URL,
    /** Give up on the whole download. */
    STOP
  }

  /** The short reason for a completion report. */
  private final String reason;

  /** The URL whose transfer failed, or null. */
  private final URI url;

  /** What the downloader does next. */
  private final Disposition disposition;

  /** The wait the server asked for, or null. */
  private final Duration retryAfter;

  /** The code in a completion report, unless a subclass has its own. */
  private final FailureCode code;

  DownloadException(
      String reason,
      String message,
      URI url,
      Throwable cause,
      Disposition disposition,
      Duration retryAfter) {
    this(reason, message, url, cause, disposition, retryAfter, FailureCode.DOWNLOAD_FAILED);
  }

  DownloadException(String reason, String message, URI url, Throwable cause, Disposition d) {
    this(reason, message, url, cause, d, null);
  }

  private DownloadException(
      String reason,
      String message,
      URI url,
      Throwable cause,
      Disposition disposition,
      Duration retryAfter,
      FailureCode code) {
    super(message, cause);
    this.reason = Reasons.clean(reason);
    this.url = url;
    this.disposition = disposition;
    this.retryAfter = retryAfter;
    this.code = code;
  }

  /**
   * A failure that stops the download and is reported with {@code code}: the update was neither
   * broken nor unreachable, so it must not count as a {@code download_failed}.
   */
  static DownloadException stopped(String reason, String message, FailureCode code) {
    return new DownloadException(reason, message, null, null, Disposition.STOP, null, code);
  }

  /**
   * Returns a short reason for a completion report: {@code bad checksum} for a hash mismatch (the
   * protocol's wording), otherwise a few words such as {@code HTTP 404}, {@code size mismatch:
   * expected 1234 bytes, got 1000}, {@code transfer stalled}, {@code cancelled}.
   *
   * @return one line of at most 200 characters
   */
  public String reason() {
    return reason;
  }

  /**
   * Returns the URL whose transfer failed.
   *
   * @return the URL; empty when the failure was not tied to one
   */
  public Optional<URI> url() {
    return Optional.ofNullable(url);
  }

  Disposition disposition() {
    return disposition;
  }

  /** The wait the server asked for with Retry-After, or null. */
  Duration requestedDelay() {
    return retryAfter;
  }

  /** The code of this failure in a completion report. */
  FailureCode failureCode() {
    return code;
  }

  /** Higher is more telling for the application and the server operator. */
  int severity() {
    return 0;
  }
}
