package dev.appupdate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SpeedMeterTest {
  private static final URI URL = URI.create("https://h/data");
  private static final Duration WINDOW = Duration.ofSeconds(10);

  private final FakeTime time = new FakeTime();

  private SpeedMeter.Rule rule(long minimum) {
    return new SpeedMeter.Rule(time::nanoTime, minimum, WINDOW, Duration.ofSeconds(30));
  }

  @Test
  void record_returnsTheAverageRateSinceTheStart() throws StalledTransferException {
    SpeedMeter meter = rule(0).start(URL, 0);
    time.advance(Duration.ofSeconds(2));

    assertThat(meter.record(4_000)).isEqualTo(2_000);
  }

  @Test
  void record_resumedTransfer_countsOnlyTheBytesOfThisTransfer() throws StalledTransferException {
    SpeedMeter meter = rule(0).start(URL, 6_000);
    time.advance(Duration.ofSeconds(4));

    assertThat(meter.record(10_000)).isEqualTo(1_000);
  }

  @Test
  void record_withinTheFirstMillisecond_countsAsOneMillisecond() throws StalledTransferException {
    SpeedMeter meter = rule(0).start(URL, 0);

    assertThat(meter.record(5)).isEqualTo(5_000);
  }

  @Test
  void record_windowBelowTheMinimum_isAStall() {
    SpeedMeter meter = rule(1_000).start(URL, 0);
    time.advance(WINDOW);

    assertThatThrownBy(() -> meter.record(9_999))
        .isInstanceOfSatisfying(
            StalledTransferException.class,
            e -> {
              assertThat(e.bytesPerSecond()).isEqualTo(999);
              assertThat(e.minimumBytesPerSecond()).isEqualTo(1_000);
              assertThat(e.window()).isEqualTo(WINDOW);
              assertThat(e.url()).contains(URL);
            });
  }

  @Test
  void record_slowStartBeforeTheWindowEnds_isNotJudgedYet() throws StalledTransferException {
    SpeedMeter meter = rule(1_000).start(URL, 0);
    time.advance(WINDOW.minusMillis(1));

    assertThat(meter.record(1)).isZero();
  }

  @Test
  void record_eachWindowIsJudgedOnItsOwnBytes() throws StalledTransferException {
    SpeedMeter meter = rule(1_000).start(URL, 0);
    time.advance(WINDOW);
    meter.record(100_000);
    time.advance(WINDOW);

    // The average over both windows is well above the minimum; the second window alone is not.
    assertThatThrownBy(() -> meter.record(100_500))
        .isInstanceOfSatisfying(
            StalledTransferException.class, e -> assertThat(e.bytesPerSecond()).isEqualTo(50));
  }

  @Test
  void record_ruleOff_neverStalls() throws StalledTransferException {
    SpeedMeter meter = rule(0).start(URL, 0);
    time.advance(Duration.ofHours(1));

    assertThat(meter.record(1)).isZero();
  }

  @Test
  void idle_namesTheIdleTimeoutAndNoRate() {
    StalledTransferException e = rule(1_000).idle(URL);

    assertThat(e.bytesPerSecond()).isZero();
    assertThat(e.window()).isEqualTo(Duration.ofSeconds(30));
    assertThat(e).hasMessage(URL + " sent no data for PT30S");
  }
}
