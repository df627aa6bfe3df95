package dev.appupdate.protocol.catalog;

import static dev.appupdate.protocol.catalog.MatcherTest.release;
import static dev.appupdate.protocol.catalog.MatcherTest.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.UpdateRequest;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RolloutTest {
  static final int IDS = 10_000;

  static String id(int i) {
    return "install-" + i;
  }

  @Test
  void bucket_workedExampleOfCatalogMd() {
    double bucket =
        Rollout.bucket(
            "3f1c0a9e-5b7d-4c21-9e38-1a2b3c4d5e6f", "your_app", "my_important_data", "1.0");

    assertThat(String.format(Locale.ROOT, "%.4f", bucket)).isEqualTo("44.7424");
    assertThat(bucket).isEqualTo(44.742443303114065);
  }

  @Test
  void bucket_dependsOnEveryInput() {
    double base = Rollout.bucket("id", "app", "data", "1.0");

    assertThat(Rollout.bucket("id2", "app", "data", "1.0")).isNotEqualTo(base);
    assertThat(Rollout.bucket("id", "app2", "data", "1.0")).isNotEqualTo(base);
    assertThat(Rollout.bucket("id", "app", "data2", "1.0")).isNotEqualTo(base);
    assertThat(Rollout.bucket("id", "app", "data", "1.0.0")).isNotEqualTo(base);
    assertThat(Rollout.bucket("id", "app", "data", "1.0")).isEqualTo(base);
  }

  @Test
  void bucket_alwaysWithinZeroToHundred() {
    for (int i = 0; i < IDS; i++) {
      assertThat(Rollout.bucket(id(i), "your_app", "data", "2.0"))
          .isGreaterThanOrEqualTo(0)
          .isLessThan(100);
    }
  }

  @ParameterizedTest(name = "rollout {0}%")
  @ValueSource(doubles = {1, 10, 25, 50, 75, 99.5})
  void share_ofTenThousandInstallations_isWithinOnePointOfRolloutPercent(double percent) {
    Matcher m = MatcherTest.matcher(release("data", "2.0").rolloutPercent(percent));
    int admitted = 0;
    for (int i = 0; i < IDS; i++) {
      if (!m.match(request().installationId(id(i)).build()).isEmpty()) {
        admitted++;
      }
    }

    assertThat(100.0 * admitted / IDS).isCloseTo(percent, within(1.0));
  }

  @Test
  void admittedInstallation_staysAdmittedAsTheRolloutWidens() {
    Matcher narrow = MatcherTest.matcher(release("data", "2.0").rolloutPercent(10));
    Matcher wide = MatcherTest.matcher(release("data", "2.0").rolloutPercent(50));
    int admittedNarrow = 0;
    for (int i = 0; i < IDS; i++) {
      UpdateRequest r = request().installationId(id(i)).build();
      if (!narrow.match(r).isEmpty()) {
        admittedNarrow++;
        assertThat(wide.match(r)).as("installation %s", id(i)).isNotEmpty();
      }
    }
    assertThat(admittedNarrow).isPositive();
  }

  @Test
  void installationOutsideRollout_fallsBackToTheNextLowerRelease() {
    Matcher m =
        MatcherTest.matcher(release("data", "2.0").rolloutPercent(30), release("data", "1.0"));

    for (int i = 0; i < 1000; i++) {
      List<AvailableUpdate> offers = m.match(request().installationId(id(i)).build());
      boolean inRollout = Rollout.bucket(id(i), "your_app", "data", "2.0") < 30;
      assertThat(offers)
          .extracting(AvailableUpdate::version)
          .containsExactly(inRollout ? "2.0" : "1.0");
    }
  }

  @Test
  void requestWithoutInstallationId_getsOnlyFullRollouts() {
    Matcher m =
        MatcherTest.matcher(
            release("data", "3.0").rolloutPercent(99.99),
            release("data", "2.0"),
            release("data", "1.0").rolloutPercent(50));

    assertThat(MatcherTest.offers(m, request())).containsExactly("data 2.0");
  }

  @Test
  void rolloutZero_admitsNoOne() {
    Matcher m = MatcherTest.matcher(release("data", "2.0").rolloutPercent(0));

    for (int i = 0; i < 1000; i++) {
      assertThat(m.match(request().installationId(id(i)).build())).isEmpty();
    }
  }

  @Test
  void admits_fullRolloutWithoutInstallationId() {
    assertThat(Rollout.admits(release("data", "2.0").build(), null)).isTrue();
  }

  /** ceil(p * 2^64 / 100) for p = k / 10^6, in plain integer arithmetic. */
  static BigInteger expectedThreshold(String percent) {
    BigInteger k = new BigDecimal(percent).movePointRight(6).toBigIntegerExact();
    BigInteger[] qr = k.shiftLeft(64).divideAndRemainder(BigInteger.TEN.pow(8));
    return qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
  }

  static BigInteger unsigned(long n) {
    return new BigInteger(Long.toUnsignedString(n));
  }

  @ParameterizedTest(name = "rollout {0}%")
  @ValueSource(
      strings = {"0", "0.000001", "1", "10", "12.5", "25", "33.333333", "44.742443", "50", "99.999999"})
  void threshold_isTheExactCeilingOfPercentTimes2To64Over100(String percent) {
    assertThat(unsigned(Rollout.threshold(Double.parseDouble(percent))))
        .isEqualTo(expectedThreshold(percent));
  }

  @Test
  void threshold_knownValues() {
    assertThat(Rollout.threshold(0)).isZero();
    assertThat(Rollout.threshold(50)).isEqualTo(Long.MIN_VALUE); // 2^63
    assertThat(Rollout.threshold(12.5)).isEqualTo(1L << 61);
    assertThat(unsigned(Rollout.threshold(10))).isEqualTo(new BigInteger("1844674407370955162"));
  }

  @Test
  void admission_nearTheBoundary_isExactWhereTheDoubleBucketIsNot() {
    // n * 100 = 184467440737095520000 >= 10 * 2^64 = 184467440737095516160: not admitted at 10,
    // though the double bucket of n rounds to below 10.
    long n = Long.parseUnsignedLong("1844674407370955200");
    double roundedBucket = (n >>> 11) * 0x1.0p-53 * 100.0;

    assertThat(roundedBucket).isLessThan(10);
    assertThat(Rollout.admitted(n, Rollout.threshold(10))).isFalse();
  }

  @Test
  void admission_atTheThreshold_admitsJustBelowIt() {
    for (String percent : List.of("0.000001", "10", "33.333333", "99.999999")) {
      long t = Rollout.threshold(Double.parseDouble(percent));
      BigInteger twoTo64Times = BigInteger.ONE.shiftLeft(64).multiply(new BigDecimal(percent)
          .movePointRight(6).toBigIntegerExact());
      // n = T - 1: n * 100 * 10^6 < k * 2^64, admitted; n = T: not.
      assertThat(unsigned(t - 1).multiply(BigInteger.TEN.pow(8))).isLessThan(twoTo64Times);
      assertThat(unsigned(t).multiply(BigInteger.TEN.pow(8))).isGreaterThanOrEqualTo(twoTo64Times);
      assertThat(Rollout.admitted(t - 1, t)).as(percent).isTrue();
      assertThat(Rollout.admitted(t, t)).as(percent).isFalse();
    }
    assertThat(Rollout.admitted(0, Rollout.threshold(0.000001))).isTrue();
    assertThat(Rollout.admitted(-1L, Rollout.threshold(99.999999))).isFalse(); // n = 2^64 - 1
  }

  @Test
  void unscaledBucket_ofTheWorkedExample_isTheDocumentedNumber() {
    long n =
        Rollout.unscaledBucket(
            "3f1c0a9e-5b7d-4c21-9e38-1a2b3c4d5e6f", "your_app", "my_important_data", "1.0");

    assertThat(Long.toUnsignedString(n)).isEqualTo("8253524008450051503");
  }

  @Test
  void matcher_admitsTheWorkedExampleExactlyAroundItsBucket() {
    // The bucket is 44.7424433031...: above 44.742443, below 44.742444.
    String id = "3f1c0a9e-5b7d-4c21-9e38-1a2b3c4d5e6f";
    Release.Builder below = release("my_important_data", "1.0").rolloutPercent(44.742443);
    Release.Builder above = release("my_important_data", "1.0").rolloutPercent(44.742444);

    assertThat(MatcherTest.matcher(below).match(request().installationId(id).build())).isEmpty();
    assertThat(MatcherTest.matcher(above).match(request().installationId(id).build())).hasSize(1);
    assertThat(Rollout.admits(below.build(), id)).isFalse();
    assertThat(Rollout.admits(release("my_important_data", "1.0").rolloutPercent(44.742444).build(), id))
        .isTrue();
  }

  @Test
  void admits_agreesWithTheBucket() {
    Release r = release("data", "2.0").rolloutPercent(44.75).build();
    Release lower = release("data", "2.0").rolloutPercent(44.74).build();
    String id = "3f1c0a9e-5b7d-4c21-9e38-1a2b3c4d5e6f";
    // bucket for (id, your_app, data, 2.0), computed independently of the matcher:
    double bucket = Rollout.bucket(id, "your_app", "data", "2.0");

    assertThat(Rollout.admits(r, id)).isEqualTo(bucket < 44.75);
    assertThat(Rollout.admits(lower, id)).isEqualTo(bucket < 44.74);
  }
}
