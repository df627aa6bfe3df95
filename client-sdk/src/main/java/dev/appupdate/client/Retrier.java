package dev.appupdate.client;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Repeats an operation under a {@link RetryPolicy} after the failures {@link Retryable} names:
 * exponential backoff with full jitter, Retry-After honoured, bounded by attempts and a time budget.
 * Waits only through the {@link Sleeper} and measures time only with the monotonic ticker, so tests
 * control both and a step of the wall clock changes nothing.
 */
final class Retrier {
  private static final System.Logger LOG = System.getLogger(UpdateClient.class.getName());

  private final RetryPolicy policy;
  private final LongSupplier ticker;
  private final Sleeper sleeper;
  private final RandomGenerator random;

  /**
   * @param ticker monotonic nanoseconds
   */
  Retrier(RetryPolicy policy, LongSupplier ticker, Sleeper sleeper, RandomGenerator random) {
    this.policy = policy;
    this.ticker = ticker;
    this.sleeper = sleeper;
    this.random = random;
  }

  /** One try of an operation. */
  @FunctionalInterface
  interface Attempt<T, E extends IOException> {
    T run() throws E;
  }

  /**
   * The time budget of one operation, started now. Several operations may share it: the attempts
   * on all URLs of one download then count against one budget.
   */
  Budget budget() {
    return new Budget(ticker.getAsLong());
  }

  /** See {@link #budget()}. Not thread-safe: one operation runs on one thread. */
  final class Budget {
    private final long start;
    private Duration waited = Duration.ZERO;

    private Budget(long start) {
      this.start = start;
    }

    /**
     * The time spent so far: what the ticker measured, and at least the waits asked of the
     * sleeper, so that a sleeper that does not really wait (an application's test double) still
     * uses up the budget.
     */
    Duration elapsed() {
      Duration measured = Duration.ofNanos(ticker.getAsLong() - start);
      return measured.compareTo(waited) >= 0 ? measured : waited;
    }
  }

  /**
   * Runs {@code attempt} until it succeeds, fails in a way {@link Retryable} does not retry, or the
   * policy is exhausted: the loop of {@link #retries} for callers with a single step to repeat.
   *
   * @param type the failure type {@code attempt} throws
   */
  <T, E extends IOException> T run(
      String what, Budget budget, Class<E> type, Attempt<T, E> attempt, Supplier<E> interrupted)
      throws E {
    Retries<E> retries = retries(what, budget, interrupted);
    while (true) {
      try {
        return attempt.run();
      } catch (IOException e) {
        retries.failed(type.cast(e));
      }
    }
  }

  /**
   * Starts the retries of one operation. The caller runs its attempts in a loop and hands each
   * failure to {@link Retries#failed}, which waits before the next attempt or throws. The first
   * attempt always runs; retries only while they fit into {@code budget}.
   *
   * @param what a label for log lines, for example {@code update check}
   * @param interrupted makes the failure thrown when the wait before a retry is interrupted
   */
  <E extends IOException> Retries<E> retries(String what, Budget budget, Supplier<E> interrupted) {
    return new Retries<>(what, budget, interrupted);
  }

  /** The failed attempts of one operation so far; see {@link #retries}. Not thread-safe. */
  final class Retries<E extends IOException> {
    private final String what;
    private final Budget budget;
    private final Supplier<E> interrupted;
    private final List<E> earlier = new ArrayList<>();

    private Retries(String what, Budget budget, Supplier<E> interrupted) {
      this.what = what;
      this.budget = budget;
      this.interrupted = interrupted;
    }

    /**
     * Returns once the next attempt may start, after the wait the policy and {@code failure} ask
     * for; or throws {@code failure}, carrying the earlier failures as suppressed exceptions, when
     * no attempt is left.
     *
     * @throws E {@code failure} when it ends the retries, or the {@code interrupted} failure when
     *     the wait was interrupted (the flag is set again)
     */
    void failed(E failure) throws E {
      int attemptNo = earlier.size() + 1;
      Retryable.Decision d = Retryable.decision(failure);
      Duration wait = d.retry() ? waitBefore(attemptNo, d.retryAfter(), budget) : null;
      if (wait == null || Thread.currentThread().isInterrupted()) {
        earlier.forEach(failure::addSuppressed);
        throw failure;
      }
      LOG.log(
          Level.DEBUG,
          () ->
              what
                  + ": attempt "
                  + attemptNo
                  + " failed ("
                  + Reasons.describe(failure)
                  + "); retrying in "
                  + wait);
      earlier.add(failure);
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        E stop = interrupted.get();
        earlier.forEach(stop::addSuppressed);
        throw stop;
      }
      budget.waited = budget.waited.plus(wait);
    }
  }

  /** Returns the wait before retry number {@code failedAttempts}, or null to give up. */
  private Duration waitBefore(int failedAttempts, Duration retryAfter, Budget budget) {
    if (failedAttempts >= policy.maxAttempts()) {
      return null;
    }
    if (retryAfter != null && retryAfter.compareTo(policy.maxDelay()) > 0) {
      return null;
    }
    long capMillis = policy.backoffCap(failedAttempts).toMillis();
    Duration wait = Duration.ofMillis(random.nextLong(capMillis + 1));
    // A server asking every client to come back at once ("Retry-After: 0") would get them all
    // at once; the jittered backoff still spreads them out.
    if (retryAfter != null && retryAfter.compareTo(wait) > 0) {
      wait = retryAfter;
    }
    if (budget.elapsed().plus(wait).compareTo(policy.timeBudget()) > 0) {
      return null;
    }
    return wait;
  }
}
