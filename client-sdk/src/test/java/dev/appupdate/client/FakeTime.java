package dev.appupdate.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A clock that only moves when told to, and a sleeper that records each wait and advances the clock
 * by it instead of blocking. Optionally the clock also advances on every reading, which makes any
 * transfer look slow.
 */
final class FakeTime extends Clock implements Sleeper {
  static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private Instant now = START;
  private Duration tick = Duration.ZERO;

  /** Makes every reading of the clock advance it by {@code tick} afterwards. */
  synchronized FakeTime tickOnEveryReading(Duration tick) {
    this.tick = tick;
    return this;
  }

  synchronized void advance(Duration d) {
    now = now.plus(d);
  }

  List<Duration> sleeps() {
    return sleeps;
  }

  @Override
  public synchronized Instant instant() {
    Instant t = now;
    now = now.plus(tick);
    return t;
  }

  @Override
  public void sleep(Duration duration) {
    sleeps.add(duration);
    advance(duration);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
