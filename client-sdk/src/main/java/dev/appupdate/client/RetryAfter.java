package dev.appupdate.client;

import java.time.Duration;
import java.time.Instant;

/** Reads the {@code Retry-After} header: delay-seconds or an HTTP date (RFC 9110 10.2.3). */
final class RetryAfter {
  private RetryAfter() {}

  /**
   * Returns the wait the header asks for, measured from {@code now}; null when the header is
   * absent, unreadable or a date that is not in the future (a clock apart from the server's, or a
   * stale answer: no hint at all), and the client then uses its own backoff. Dates are read in all
   * three HTTP-date formats ({@link HttpDate}).
   */
  static Duration parse(String value, Instant now) {
    if (value == null) {
      return null;
    }
    String v = value.trim();
    if (v.isEmpty()) {
      return null;
    }
    if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      // More than 10 digits is beyond any sane wait; treat as "very long" rather than failing.
      return Duration.ofSeconds(v.length() > 10 ? 9_999_999_999L : Long.parseLong(v));
    }
    Instant at = HttpDate.parse(v, now);
    if (at == null) {
      return null;
    }
    Duration d = Duration.between(now, at);
    return d.isNegative() || d.isZero() ? null : d;
  }
}
