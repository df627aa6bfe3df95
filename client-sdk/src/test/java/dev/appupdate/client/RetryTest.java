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
    // 2030 + 50 = 2080: "81" is 1981, a date in the past, so no hint; "80" is still 2080.
    assertThat(HttpDate.parse("Thursday, 01-Jan-81 00:00:00 GMT", FakeTime.START))
        .isEqualTo(Instant.parse("1981-01-01T00:00:00Z"));
    assertThat(RetryAfter.parse("Thursday, 01-Jan-81 00:00:00 GMT", FakeTime.START)).isNull();
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
  void retryAfter_dateNotInTheFuture_isNoHint() {
    // A clock apart from the server's, or a stale answer: the client's own backoff applies.
    assertThat(RetryAfter.parse("Mon, 31 Dec 2029 23:00:00 GMT", FakeTime.START)).isNull();
    assertThat(RetryAfter.parse("Tue, 01 Jan 2030 00:00:00 GMT", FakeTime.START)).isNull();
  }

  @Test
  void httpDate_outsideTheGrammar_isNoDate() {
    Instant now = FakeTime.START;
    assertThat(HttpDate.parse("Sun, 06 Nov 1994 08:49:37 +0530", now)).as("numeric zone").isNull();
    assertThat(HttpDate.parse("Sun, 06 Nov 1994 08:49 GMT", now)).as("no seconds").isNull();
    assertThat(HttpDate.parse("Sun, 6 Nov 1994 08:49:37 GMT", now)).as("one-digit day").isNull();
    assertThat(HttpDate.parse("06 Nov 1994 08:49:37 GMT", now)).as("no weekday").isNull();
    assertThat(HttpDate.parse("Sun, 06 Nov 94 08:49:37 GMT", now)).as("two-digit year").isNull();
    assertThat(HttpDate.parse("Sun, 06 Nov 1994 08:49:37 UT", now)).as("UT").isNull();
    assertThat(HttpDate.parse("Sun, 06 Nov 1994 08:49:61 GMT", now)).as("second 61").isNull();
  }

  @Test
  void httpDate_wrongWeekday_isReadAlikeInAllThreeForms() {
    // 06 Nov 1994 was a Sunday; a server that names another day still means that date.
    Instant expected = Instant.parse("1994-11-06T08:49:37Z");
    Instant now = Instant.parse("2026-12-03T00:00:00Z");

    assertThat(HttpDate.parse("Mon, 06 Nov 1994 08:49:37 GMT", now)).isEqualTo(expected);
    assertThat(HttpDate.parse("Monday, 06-Nov-94 08:49:37 GMT", now)).isEqualTo(expected);
    assertThat(HttpDate.parse("Mon Nov  6 08:49:37 1994", now)).isEqualTo(expected);
  }

  @Test
  void httpDate_leapSecond_isTheSecondBefore() {
    // RFC 9110 5.6.7 takes the second from RFC 5322 3.3: 00-60, with leap seconds.
    assertThat(HttpDate.parse("Sat, 31 Dec 2016 23:59:60 GMT", FakeTime.START))
        .isEqualTo(Instant.parse("2016-12-31T23:59:59Z"));
  }

  @Test
  void httpDate_namesInAnyCase_areReadInEveryForm() {
    Instant expected = Instant.parse("1994-11-06T08:49:37Z");
    Instant now = Instant.parse("2026-12-03T00:00:00Z");

    assertThat(HttpDate.parse("sun, 06 nov 1994 08:49:37 gmt", now)).isEqualTo(expected);
    assertThat(HttpDate.parse("SUNDAY, 06-NOV-94 08:49:37 GMT", now)).isEqualTo(expected);
    assertThat(HttpDate.parse("sun nov  6 08:49:37 1994", now)).isEqualTo(expected);
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
