package dev.appupdate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryTest {

  @Test
  void backoffCap_doublesFromBaseDelayUpToMaxDelay() {
    RetryPolicy p =
        new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofMinutes(1));

    assertThat(p.backoffCap(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.backoffCap(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(p.backoffCap(3)).isEqualTo(Duration.ofSeconds(4));
    assertThat(p.backoffCap(4)).isEqualTo(Duration.ofSeconds(5));
    assertThat(p.backoffCap(1_000)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void retryPolicy_invalidComponents_areNamed() {
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxAttempts must be at least 1, got 0");
    assertThatThrownBy(
            () -> new RetryPolicy(2, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxDelay must be at least baseDelay (PT2S), got PT1S");
  }

  @Test
  void retryAfter_seconds_isThatManySeconds() {
    assertThat(RetryAfter.parse("120", FakeTime.START)).isEqualTo(Duration.ofSeconds(120));
    assertThat(RetryAfter.parse(" 0 ", FakeTime.START)).isEqualTo(Duration.ZERO);
  }

  @Test
  void retryAfter_httpDate_isTheTimeUntilThen() {
    assertThat(RetryAfter.parse("Tue, 01 Jan 2030 00:01:00 GMT", FakeTime.START))
        .isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void retryAfter_dateInThePast_isZero() {
    assertThat(RetryAfter.parse("Mon, 31 Dec 2029 23:00:00 GMT", FakeTime.START))
        .isEqualTo(Duration.ZERO);
  }

  @Test
  void retryAfter_unreadable_isIgnored() {
    assertThat(RetryAfter.parse("soon", FakeTime.START)).isNull();
    assertThat(RetryAfter.parse("-5", FakeTime.START)).isNull();
    assertThat(RetryAfter.parse(null, FakeTime.START)).isNull();
  }

  @Test
  void retryAfter_absurdlyLong_isVeryLongInsteadOfFailing() {
    assertThat(RetryAfter.parse("99999999999999999999", FakeTime.START))
        .isGreaterThan(Duration.ofDays(365));
  }
}
