package dev.appupdate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
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
  void retryAfter_obsoleteDateFormats_areReadToo() {
    // RFC 9110 5.6.7: recipients MUST accept RFC 850 and asctime dates as well as IMF-fixdate.
    assertThat(RetryAfter.parse("Tuesday, 01-Jan-30 00:01:00 GMT", FakeTime.START))
        .isEqualTo(Duration.ofMinutes(1));
    assertThat(RetryAfter.parse("Tue Jan  1 00:01:00 2030", FakeTime.START))
        .isEqualTo(Duration.ofMinutes(1));
    assertThat(RetryAfter.parse("Tue Jan 15 00:00:00 2030", FakeTime.START))
        .isEqualTo(Duration.ofDays(14));
  }

  @Test
  void retryAfter_rfc850YearMoreThanFiftyYearsAhead_isInThePastCentury() {
    // 2030 + 50 = 2080: "81" is 1981, a date in the past, so no wait; "80" is still 2080.
    assertThat(RetryAfter.parse("Thursday, 01-Jan-81 00:00:00 GMT", FakeTime.START))
        .isEqualTo(Duration.ZERO);
    assertThat(RetryAfter.parse("Monday, 01-Jan-80 00:00:00 GMT", FakeTime.START))
        .isEqualTo(Duration.between(FakeTime.START, Instant.parse("2080-01-01T00:00:00Z")));
  }

  @Test
  void retryAfter_malformedObsoleteDates_areIgnored() {
    assertThat(RetryAfter.parse("Tuesday, 31-Feb-30 00:01:00 GMT", FakeTime.START)).isNull();
    assertThat(RetryAfter.parse("Tue Jan  1 25:01:00 2030", FakeTime.START)).isNull();
    assertThat(RetryAfter.parse("Tue Foo  1 00:01:00 2030", FakeTime.START)).isNull();
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
