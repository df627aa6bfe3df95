package dev.appupdate.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link UpdateClient} retries a failed request: exponential backoff with full jitter, bounded
 * by a number of attempts and a time budget.
 *
 * <p>Connection failures, timeouts, {@code 408}, {@code 429} and {@code 5xx} answers are retried;
 * other failures are not. Before retry {@code n} (1-based) the client waits a random duration
 * between zero and {@code min(maxDelay, baseDelay * 2^(n-1))}. When the server sends {@code
 * Retry-After} (seconds or an HTTP date) the client waits exactly that long instead; a {@code
 * Retry-After} longer than {@code maxDelay} ends the retries, because waiting less than the server
 * asked would be futile and waiting longer than {@code maxDelay} is not allowed. No retry starts if
 * its wait would end more than {@code timeBudget} after the first attempt started; a download
 * spends one budget on all its URLs (each URL still gets a first attempt). The budget bounds when
 * attempts may start; it never cuts a transfer that is making progress (the minimum speed rule of
 * {@link UpdateClient.Builder#minimumSpeed} handles stalled transfers). Time is measured on a
 * monotonic clock, and counts at least the waits asked of the {@link Sleeper}.
 *
 * <pre>{@code
 * RetryPolicy policy = new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(30),
 *     Duration.ofMinutes(3));
 * }</pre>
 *
 * @param maxAttempts the number of attempts including the first; at least 1
 * @param baseDelay the backoff cap before the first retry; not negative
 * @param maxDelay the largest wait before any retry; at least {@code baseDelay}
 * @param timeBudget how long after the first attempt a retry may still end its wait; not negative
 */
public record RetryPolicy(
    int maxAttempts, Duration baseDelay, Duration maxDelay, Duration timeBudget) {

  /**
   * Validates the components.
   *
   * @param maxAttempts the number of attempts including the first; at least 1
   * @param baseDelay the backoff cap before the first retry; not negative
   * @param maxDelay the largest wait before any retry; at least {@code baseDelay}
   * @param timeBudget how long after the first attempt a retry may still end its wait; not
   *     negative
   * @throws IllegalArgumentException naming the invalid component and its value
   */
  public RetryPolicy {
    Objects.requireNonNull(baseDelay, "baseDelay == null");
    Objects.requireNonNull(maxDelay, "maxDelay == null");
    Objects.requireNonNull(timeBudget, "timeBudget == null");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    if (baseDelay.isNegative()) {
      throw new IllegalArgumentException("baseDelay must not be negative, got " + baseDelay);
    }
    if (maxDelay.compareTo(baseDelay) < 0) {
      throw new IllegalArgumentException(
          "maxDelay must be at least baseDelay (" + baseDelay + "), got " + maxDelay);
    }
    if (timeBudget.isNegative()) {
      throw new IllegalArgumentException("timeBudget must not be negative, got " + timeBudget);
    }
  }

  /**
   * Returns the default policy: 4 attempts, backoff from 1 second up to 30 seconds, within 2
   * minutes.
   *
   * @return the default policy
   */
  public static RetryPolicy defaults() {
    return new RetryPolicy(4, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(2));
  }

  /**
   * Returns the policy of a single attempt: nothing is retried.
   *
   * @return the policy without retries
   */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);
  }

  /** Returns the upper bound of the jittered wait before retry {@code retry} (1-based). */
  Duration backoffCap(int retry) {
    // Doubling stops once it passes maxDelay, so large retry numbers cannot overflow.
    Duration cap = baseDelay;
    for (int i = 1; i < retry && cap.compareTo(maxDelay) < 0; i++) {
      cap = cap.multipliedBy(2);
    }
    return cap.compareTo(maxDelay) < 0 ? cap : maxDelay;
  }
}
