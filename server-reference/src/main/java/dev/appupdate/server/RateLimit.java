package dev.appupdate.server;

import java.util.Locale;

/**
 * A per-address limit: a token bucket that holds up to {@code burst} tokens and gains {@code
 * perSecond} of them each second; a request takes one token (a signed update check two).
 *
 * @param perSecond tokens gained per second, positive
 * @param burst how many tokens a bucket holds, at least 1: the requests an address may make at once
 */
record RateLimit(double perSecond, int burst) {
  /** Completions, unless configured: 60 a minute, 300 at once. */
  static final RateLimit COMPLETIONS = new RateLimit(1, 300);

  RateLimit {
    if (!(perSecond > 0) || Double.isInfinite(perSecond) || burst < 1) {
      throw new IllegalArgumentException(
          "a rate limit needs a positive rate and a burst of at least 1, got "
              + perSecond
              + "/s and "
              + burst);
    }
  }

  /**
   * Reads {@code N/s}, {@code N/m} or {@code N/h}, optionally followed by {@code :BURST} (without
   * it, the burst is a minute's worth, at least 1).
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static RateLimit parse(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (!v.matches("[0-9]{1,9}/[smh](:[0-9]{1,9})?")) {
      throw new IllegalArgumentException(
          "must be like 60/m, 10/s or 600/h, with an optional :BURST (60/m:300), or off, got "
              + JsonBody.printable(value));
    }
    int slash = v.indexOf('/');
    int colon = v.indexOf(':');
    long n = Long.parseLong(v.substring(0, slash));
    double seconds = v.charAt(slash + 1) == 's' ? 1 : v.charAt(slash + 1) == 'm' ? 60 : 3600;
    if (n == 0) {
      throw new IllegalArgumentException("the rate must be positive, got " + JsonBody.printable(value));
    }
    double perSecond = n / seconds;
    int burst =
        colon < 0
            ? (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.round(perSecond * 60)))
            : Integer.parseInt(v.substring(colon + 1));
    if (burst < 1) {
      throw new IllegalArgumentException("the burst must be at least 1, got " + JsonBody.printable(value));
    }
    return new RateLimit(perSecond, burst);
  }

  @Override
  public String toString() {
    double perMinute = perSecond * 60;
    return (perMinute == Math.rint(perMinute) ? (long) perMinute + "/m" : perSecond + "/s")
        + ":"
        + burst;
  }
}
