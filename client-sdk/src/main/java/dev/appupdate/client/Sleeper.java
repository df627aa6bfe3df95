package dev.appupdate.client;

import java.time.Duration;

/**
 * Waits between retries. {@link UpdateClient} does all of its waiting through a sleeper, so tests
 * can replace it with one that returns at once. The retry budget counts the waits asked of the
 * sleeper as time spent, whether or not it really waited.
 *
 * <pre>{@code
 * List<Duration> waits = new ArrayList<>();
 * UpdateClient client = UpdateClient.builder()
 *     ...
 *     .sleeper(waits::add)
 *     .build();
 * }</pre>
 */
@FunctionalInterface
public interface Sleeper {

  /**
   * Waits for {@code duration}.
   *
   * @param duration how long to wait; never negative
   * @throws InterruptedException if the waiting thread is interrupted
   */
  void sleep(Duration duration) throws InterruptedException;

  /**
   * Returns the sleeper that blocks the calling thread with {@link Thread#sleep(long)}.
   *
   * @return the system sleeper
   */
  static Sleeper system() {
    return duration -> Thread.sleep(duration.toMillis());
  }
}
