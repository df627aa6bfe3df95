package dev.appupdate.client;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * A download URL answered with an HTTP error status (after retries for {@code 408}, {@code 429}
 * and {@code 5xx}, and after trying the mirrors). {@link #reason()} is {@code HTTP <status>}.
 *
 * <pre>{@code
 * try {
 *   client.download(update, downloads);
 * } catch (HttpStatusException e) {
 *   if (e.status() == 429) {
 *     scheduleRetry(e.retryAfter().orElse(Duration.ofHours(1)));
 *   }
 * }
 * }</pre>
 */
public final class HttpStatusException extends DownloadException {
  private static final long serialVersionUID = 1L;

  /** The HTTP status. */
  private final int status;

  HttpStatusException(String message, URI url, int status, Duration retryAfter) {
    super("HTTP " + status, message, url, null, Retryable.afterStatus(status), retryAfter);
    this.status = status;
  }

  /**
   * Returns the HTTP status code the URL answered with.
   *
   * @return the status, for example 404
   */
  public int status() {
    return status;
  }

  /**
   * Returns the wait the server asked for with {@code Retry-After}.
   *
   * @return the wait; empty when the server sent none, or none the client could read
   */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(requestedDelay());
  }
}
