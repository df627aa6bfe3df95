package dev.appupdate.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A wall clock and a monotonic clock ({@link #nanoTime()}) that only move when told to, and a
 * sleeper that records each wait and advances both clocks by it instead of blocking. Optionally
 * the monotonic clock also advances on every reading, which makes any transfer look slow, or the
 * wall clock jumps on every reading, as when the system time is being set.
 */
final class FakeTime extends Clock implements Sleeper {
  static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private long nanos;
  private long tickNanos;
  private Duration wallOffset = Duration.ZERO;
  private Duration wallJump = Duration.ZERO;

  /** Makes every reading of the monotonic clock advance it by {@code tick} afterwards. */
  synchronized FakeTime tickOnEveryReading(Duration tick) {
    this.tickNanos = tick.toNanos();
    return this;
  }

  /** Makes every reading of the wall clock move it by {@code jump} afterwards. */
  synchronized FakeTime jumpWallClockOnEveryReading(Duration jump) {
    this.wallJump = jump;
    return this;
  }

  synchronized void advance(Duration d) {
    nanos += d.toNanos();
  }

  List<Duration> sleeps() {
    return sleeps;
  }

  /** The monotonic clock, in nanoseconds since the start. */
  synchronized long nanoTime() {
    long t = nanos;
    nanos += tickNanos;
    return t;
  }

  @Override
  public synchronized Instant instant() {
    Instant t = START.plusNanos(nanos).plus(wallOffset);
    wallOffset = wallOffset.plus(wallJump);
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
