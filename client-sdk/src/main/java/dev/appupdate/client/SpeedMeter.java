package dev.appupdate.client;

import java.net.URI;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Measures the rate of one transfer and enforces the minimum-speed rule of {@link
 * UpdateClient.Builder#minimumSpeed}: a transfer that receives less than the minimum over a whole
 * window is stalled. It also gives the average rate since the transfer started, for progress
 * reports. Time is read only from the monotonic ticker, once when the meter starts and once per
 * {@link #record}, so a step of the wall clock neither aborts a healthy transfer nor hides a slow
 * one.
 */
final class SpeedMeter {
  private final Rule rule;
  private final URI url;
  private final long startBytes;
  private final long startNanos;
  private long windowStart;
  private long windowBytes;

  /**
   * The minimum-speed rule of a client.
   *
   * @param ticker monotonic nanoseconds
   * @param minimumBytesPerSecond the rate a transfer must reach over every window; 0 turns the rule
   *     off
   * @param window the span over which the rate is measured
   * @param idleTimeout how long a read may wait for data before the transfer counts as stalled
   */
  record Rule(
      LongSupplier ticker, long minimumBytesPerSecond, Duration window, Duration idleTimeout) {

    /** Starts measuring a transfer from {@code url} that begins after {@code bytes} bytes. */
    SpeedMeter start(URI url, long bytes) {
      return new SpeedMeter(this, url, bytes);
    }

    /** The failure of a transfer from {@code url} that received nothing for the idle timeout. */
    StalledTransferException idle(URI url) {
      return StalledTransferException.idle(url, minimumBytesPerSecond, idleTimeout);
    }
  }

  private SpeedMeter(Rule rule, URI url, long bytes) {
    this.rule = rule;
    this.url = url;
    this.startBytes = bytes;
    this.startNanos = rule.ticker().getAsLong();
    this.windowStart = startNanos;
    this.windowBytes = bytes;
  }

  /**
   * Records that the transfer has reached {@code bytes} in total (resumed bytes included, as at the
   * start).
   *
   * @return the average rate since the start, in bytes per second
   * @throws StalledTransferException if a window ended now in which the rate stayed below the
   *     minimum
   */
  long record(long bytes) throws StalledTransferException {
    long now = rule.ticker().getAsLong();
    long elapsed = now - windowStart;
    if (rule.minimumBytesPerSecond() > 0 && elapsed >= rule.window().toNanos()) {
      long rate = bytesPerSecond(bytes - windowBytes, elapsed);
      if (rate < rule.minimumBytesPerSecond()) {
        throw StalledTransferException.slow(url, rate, rule.minimumBytesPerSecond(), rule.window());
      }
      windowStart = now;
      windowBytes = bytes;
    }
    return bytesPerSecond(bytes - startBytes, now - startNanos);
  }

  /** Bytes per second; durations under a millisecond count as one, which keeps rates sane. */
  static long bytesPerSecond(long bytes, long nanos) {
    return (long) (bytes * 1e9 / Math.max(nanos, 1_000_000L));
  }
}
