package dev.appupdate.client;

import java.net.URI;
import java.time.Duration;

/**
 * A transfer was slower than the minimum speed over a whole window (see {@link
 * UpdateClient.Builder#minimumSpeed}), or no byte arrived for a whole window. This is the defence
 * against a server that keeps a download open forever by dripping bytes. The partial file is kept
 * for resuming when the server allows it.
 */
public final class StalledTransferException extends DownloadException {
  private static final long serialVersionUID = 1L;

  /** The observed rate. */
  private final long bytesPerSecond;

  /** The configured minimum rate. */
  private final long minimumBytesPerSecond;

  /** The measuring window. */
  private final Duration window;

  private StalledTransferException(
      String message, URI url, long bytesPerSecond, long minimumBytesPerSecond, Duration window) {
    super("transfer stalled", message, url, null, Disposition.RETRY);
    this.bytesPerSecond = bytesPerSecond;
    this.minimumBytesPerSecond = minimumBytesPerSecond;
    this.window = window;
  }

  static StalledTransferException slow(
      URI url, long bytesPerSecond, long minimumBytesPerSecond, Duration window) {
    return new StalledTransferException(
        url
            + " sent "
            + bytesPerSecond
            + " bytes/s over "
            + window
            + ", below the minimum of "
            + minimumBytesPerSecond
            + " bytes/s",
        url,
        bytesPerSecond,
        minimumBytesPerSecond,
        window);
  }

  static StalledTransferException idle(URI url, long minimumBytesPerSecond, Duration window) {
    return new StalledTransferException(
        url + " sent no data for " + window, url, 0, minimumBytesPerSecond, window);
  }

  /**
   * Returns the rate observed over the window.
   *
   * @return bytes per second; 0 when nothing arrived
   */
  public long bytesPerSecond() {
    return bytesPerSecond;
  }

  /**
   * Returns the configured minimum rate.
   *
   * @return bytes per second; 0 when the rule is off
   */
  public long minimumBytesPerSecond() {
    return minimumBytesPerSecond;
  }

  /**
   * Returns the window over which the rate was measured.
   *
   * @return the window
   */
  public Duration window() {
    return window;
  }
}
