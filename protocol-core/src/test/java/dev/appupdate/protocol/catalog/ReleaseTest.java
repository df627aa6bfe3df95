package dev.appupdate.protocol.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.Version;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReleaseTest {
  static final String SHA512 = CatalogTest.SHA512;

  static Release.Builder builder() {
    return Release.builder()
        .product("your_app")
        .updateType("data")
        .version("1.0")
        .url("files/d.json")
        .hashFunction(HashFunction.SHA512)
        .hashValue(SHA512)
        .size(10);
  }

  @Test
  void builder_haltAndPatches_eachSetOnce_bothKept() {
    Release r =
        builder().patches(List.of()).halt(HaltThreshold.of(0.2, 6)).build();

    assertThat(r.halt()).isEqualTo(HaltThreshold.of(0.2, 6));
    assertThat(r.patches()).isEmpty();
    Release.Builder halted = builder().halt(HaltThreshold.of(0.2, 6));
    assertThatThrownBy(() -> halted.halt(HaltThreshold.of(0.1, 6)))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void builder_unsetOptions_takeTheCatalogDefaults() {
    Release r = builder().build();

    assertThat(r.mirrors()).isEmpty();
    assertThat(r.critical()).isFalse();
    assertThat(r.rolloutPercent()).isEqualTo(100.0);
    assertThat(r.paused()).isFalse();
    assertThat(r.match()).isSameAs(Match.ANY);
    assertThat(r.parsedVersion()).isEqualTo(Version.parse("1"));
  }

  @Test
  void constructor_invalidHash_namesTheFieldLikeTheCatalogDoes() {
    assertThatThrownBy(
            () -> Release.builder()
                .product("a")
                .updateType("b")
                .version("1")
                .url("x")
                .hashFunction(HashFunction.SHA512)
                .hashValue("abc123")
                .size(1)
                .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("hash_value: must be 128 lower-case hex digits for sha512, got 6 characters");
  }

  @Test
  void constructor_badMirror_namesItsPosition() {
    assertThatThrownBy(() -> builder().mirrors("https://m.example.com/d", "ftp://m/d").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "mirrors[1]: must be an absolute http or https URL or a relative path, got scheme"
                + " \"ftp\" in \"ftp://m/d\"");
  }

  @Test
  void constructor_rolloutOverHundred_isRefused() {
    assertThatThrownBy(() -> builder().rolloutPercent(100.01).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rollout_percent: must be a number from 0 to 100, got 100.01");
  }

  @Test
  void constructor_rolloutNaN_isRefused() {
    assertThatThrownBy(() -> builder().rolloutPercent(Double.NaN).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rollout_percent: must be a number from 0 to 100, got NaN");
  }

  @Test
  void constructor_rolloutWithMoreThanSixDecimals_isRefused() {
    assertThatThrownBy(() -> builder().rolloutPercent(100.0 / 3).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "rollout_percent: must have at most 6 digits after the decimal point, got"
                + " 33.333333333333336");
  }

  @Test
  void constructor_rolloutWithSixDecimals_isAccepted() {
    assertThat(builder().rolloutPercent(0.000001).build().rolloutPercent()).isEqualTo(0.000001);
    assertThat(builder().rolloutPercent(33.333333).build().rolloutPercent()).isEqualTo(33.333333);
  }

  @Test
  void constructor_rolloutBelowTheSmallestStep_isRefused() {
    assertThatThrownBy(() -> builder().rolloutPercent(1e-7).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "rollout_percent: must have at most 6 digits after the decimal point, got 0.0000001");
  }

  @Test
  void constructor_nullMatch_isRefused() {
    assertThatThrownBy(
            () ->
                Release.builder()
                    .product("a")
                    .updateType("b")
                    .version("1")
                    .url("x")
                    .hashFunction(HashFunction.SHA512)
                    .hashValue(SHA512)
                    .size(1)
                    .match(null)
                    .build())
        .isInstanceOf(NullPointerException.class)
        .hasMessage("match == null");
  }

  @Test
  void builder_settingAnOptionTwice_isRefused() {
    assertThatThrownBy(() -> builder().rolloutPercent(10).rolloutPercent(20))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("rolloutPercent already set to 10.0");
  }

  @Test
  void match_invalidRange_isRefusedWithItsReason() {
    assertThatThrownBy(() -> Match.builder()
        .appVersion("=>1.0").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "app_version: \"=>1.0\" is not a comparator; use <, <=, >, >=, = or nothing before a"
                + " version, or a prefix such as 1.*");
  }

  @Test
  void matchBuilder_emptyList_isRefused() {
    assertThatThrownBy(() -> Match.builder()
        .channels())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("channels: given no values; leave it unset to match everything");
  }

  @Test
  void matchBuilder_settingAKeyTwice_isRefused() {
    assertThatThrownBy(() -> Match.builder()
        .locales("de").locales("fr"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("locales already set to [de]");
  }

  @Test
  void match_any_restrictsNothing() {
    assertThat(Match.any()).isSameAs(Match.ANY);
    assertThat(Match.ANY.isAny()).isTrue();
    assertThat(Match.builder().archs("arm64").build().isAny()).isFalse();
  }

  @Test
  void catalogProblem_ofTheDocument_hasNoReleasePrefix() {
    assertThat(new CatalogProblem(CatalogProblem.DOCUMENT, "releases", "is required"))
        .hasToString("releases: is required");
    assertThat(new CatalogProblem(3, "", "must be a JSON object, got 5"))
        .hasToString("releases[3]: must be a JSON object, got 5");
  }
}
