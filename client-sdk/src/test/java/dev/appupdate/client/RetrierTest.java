package dev.appupdate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetrierTest {
  private static final URI URL = URI.create("https://h/data");

  private final FakeTime time = new FakeTime();

  private Retrier retrier(RetryPolicy policy, Sleeper sleeper) {
    return new Retrier(policy, time::nanoTime, sleeper, Fixtures.maxJitter());
  }

  private static RetryPolicy attempts(int n) {
    return new RetryPolicy(n, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofHours(1));
  }

  private static IOException busy(Duration retryAfter) {
    return new UpdateServerException("busy", URL, 503, null, retryAfter);
  }

  @Test
  void retries_retryableFailures_waitWithBackoffUntilTheAttemptsAreUsedUp() {
    Retrier r = retrier(attempts(3), time);
    Retrier.Retries<IOException> retries =
        r.retries("test", r.budget(), () -> new InterruptedIOException("stop"));
    IOException first = new IOException("first");
    IOException second = busy(Duration.ofSeconds(7));
    IOException third = new IOException("third");

    assertThat(catchFailure(() -> retries.failed(first))).isNull();
    assertThat(catchFailure(() -> retries.failed(second))).isNull();
    assertThat(catchFailure(() -> retries.failed(third))).isSameAs(third);

    // Full jitter at its maximum: the backoff cap; the server's Retry-After exactly.
    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(7));
    assertThat(third.getSuppressed()).containsExactly(first, second);
  }

  @Test
  void retries_failureTheRuleDoesNotRetry_isThrownAtOnce() {
    Retrier r = retrier(attempts(5), time);
    Retrier.Retries<IOException> retries =
        r.retries("test", r.budget(), () -> new InterruptedIOException("stop"));
    IOException notFound = new UpdateServerException("gone", URL, 404, null, null);

    assertThat(catchFailure(() -> retries.failed(notFound))).isSameAs(notFound);
    assertThat(time.sleeps()).isEmpty();
  }

  @Test
  void retries_retryAfterLongerThanMaxDelay_endsTheRetries() {
    Retrier r = retrier(attempts(5), time);
    Retrier.Retries<IOException> retries =
        r.retries("test", r.budget(), () -> new InterruptedIOException("stop"));
    IOException later = busy(Duration.ofMinutes(5));

    assertThat(catchFailure(() -> retries.failed(later))).isSameAs(later);
    assertThat(time.sleeps()).isEmpty();
  }

  @Test
  void retries_waitBeyondTheBudget_endsTheRetries() {
    Retrier r =
        retrier(
            new RetryPolicy(
                9, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(5)),
            time);
    Retrier.Budget budget = r.budget();
    Retrier.Retries<IOException> retries =
        r.retries("test", budget, () -> new InterruptedIOException("stop"));
    time.advance(Duration.ofSeconds(4));
    IOException failure = busy(Duration.ofSeconds(2));

    assertThat(catchFailure(() -> retries.failed(failure))).isSameAs(failure);
    assertThat(time.sleeps()).isEmpty();
  }

  @Test
  void retries_retryAfterShorterThanTheBackoff_waitsTheBackoff() {
    Retrier r = retrier(attempts(4), time);
    Retrier.Retries<IOException> retries =
        r.retries("test", r.budget(), () -> new InterruptedIOException("stop"));

    // "Retry-After: 0" to every client at once would bring them all back at once.
    assertThat(catchFailure(() -> retries.failed(busy(Duration.ZERO)))).isNull();
    assertThat(catchFailure(() -> retries.failed(busy(Duration.ofSeconds(1))))).isNull();

    // Full jitter at its maximum: the backoff caps, 1 s and then 2 s.
    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
  }

  @Test
  void retries_interruptedWait_throwsTheInterruptedFailureWithTheFlagSet() {
    Retrier r =
        retrier(
            attempts(3),
            d -> {
              throw new InterruptedException();
            });
    InterruptedIOException stop = new InterruptedIOException("stop");
    Retrier.Retries<IOException> retries = r.retries("test", r.budget(), () -> stop);
    IOException failure = new IOException("reset");
    try {
      assertThat(catchFailure(() -> retries.failed(failure))).isSameAs(stop);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
      assertThat(stop.getSuppressed()).containsExactly(failure);
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void run_retriesTheAttemptUntilItSucceeds() throws IOException {
    Retrier r = retrier(attempts(4), time);
    List<Integer> calls = new ArrayList<>();

    String result =
        r.run(
            "test",
            r.budget(),
            IOException.class,
            () -> {
              calls.add(calls.size() + 1);
              if (calls.size() < 3) {
                throw new IOException("reset");
              }
              return "done";
            },
            () -> new InterruptedIOException("stop"));

    assertThat(result).isEqualTo("done");
    assertThat(calls).containsExactly(1, 2, 3);
    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
  }

  @Test
  void run_sharedBudget_countsTheWaitsOfEarlierOperations() {
    Retrier r =
        retrier(
            new RetryPolicy(9, Duration.ofSeconds(4), Duration.ofSeconds(4), Duration.ofSeconds(6)),
            time);
    Retrier.Budget budget = r.budget();

    assertThatThrownBy(
            () ->
                r.run(
                    "first url",
                    budget,
                    IOException.class,
                    () -> {
                      throw new IOException("reset");
                    },
                    () -> new InterruptedIOException("stop")))
        .hasMessage("reset")
        .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
    // One 4 s wait fitted into the 6 s budget, a second did not; none is left for the next run.
    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(4));
    Retrier.Retries<IOException> next =
        r.retries("second url", budget, () -> new InterruptedIOException("stop"));
    IOException again = new IOException("again");
    assertThat(catchFailure(() -> next.failed(again))).isSameAs(again);
    assertThat(time.sleeps()).hasSize(1);
  }

  /** A step that may throw. */
  @FunctionalInterface
  private interface Step {
    void run() throws IOException;
  }

  /** Runs {@code step}; returns what it threw, or null. */
  private static IOException catchFailure(Step step) {
    try {
      step.run();
      return null;
    } catch (IOException e) {
      return e;
    }
  }
}
