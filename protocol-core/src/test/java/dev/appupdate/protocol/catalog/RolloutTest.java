package dev.appupdate.protocol.catalog;

import static dev.appupdate.protocol.catalog.MatcherTest.release;
import static dev.appupdate.protocol.catalog.MatcherTest.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.UpdateRequest;
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
