package dev.appupdate.protocol.catalog;

import static dev.appupdate.protocol.catalog.CatalogTest.catalog;
import static dev.appupdate.protocol.catalog.CatalogTest.parse;
import static dev.appupdate.protocol.catalog.CatalogTest.problems;
import static dev.appupdate.protocol.catalog.CatalogTest.release;
import static dev.appupdate.protocol.catalog.MatcherTest.matcher;
import static dev.appupdate.protocol.catalog.MatcherTest.offers;
import static dev.appupdate.protocol.catalog.MatcherTest.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HaltThresholdTest {

  @Test
  void parse_haltThreshold_readsIntoTheRelease() {
    Catalog catalog =
        parse(catalog(release("\"halt\":{\"max_failure_rate\":0.05,\"min_reports\":50}")));

    assertThat(catalog.releases().get(0).halt()).isEqualTo(HaltThreshold.of(0.05, 50));
  }

  @Test
  void parse_noHalt_releaseHasNone() {
    assertThat(parse(catalog(release(""))).releases().get(0).halt()).isNull();
  }

  @Test
  void parse_badHaltValues_reportsEachWithItsField() {
    assertThat(
            problems(
                catalog(
                    release("\"halt\":{\"max_failure_rate\":1,\"min_reports\":0,\"window\":3}"))))
        .containsExactly(
            "releases[0].halt.window: unknown key; allowed: max_failure_rate, min_reports",
            "releases[0].halt.max_failure_rate: must be a number from 0 (inclusive) to 1"
                + " (exclusive), got 1.0",
            "releases[0].halt.min_reports: must be an integer from 1 to 1000000000, got 0");
  }

  @Test
  void parse_haltMissingKeysOrNotAnObject_reportsThem() {
    assertThat(problems(catalog(release("\"halt\":{}"))))
        .containsExactly(
            "releases[0].halt.max_failure_rate: is required",
            "releases[0].halt.min_reports: is required");
    assertThat(problems(catalog(release("\"halt\":true"))))
        .containsExactly("releases[0].halt: must be a JSON object, got true");
    assertThat(
            problems(
                catalog(release("\"halt\":{\"max_failure_rate\":\"5%\",\"min_reports\":2.5}"))))
        .containsExactly(
            "releases[0].halt.max_failure_rate: must be a number from 0 (inclusive) to 1"
                + " (exclusive), got \"5%\"",
            "releases[0].halt.min_reports: must be an integer from 1 to 1000000000, got 2.5");
  }

  @Test
  void of_outOfRange_throws() {
    assertThatThrownBy(() -> HaltThreshold.of(-0.1, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("halt.max_failure_rate:");
    assertThatThrownBy(() -> HaltThreshold.of(0.1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("halt.min_reports:");
  }

  @Test
  void exceededBy_needsMinReportsAndARateAboveTheMaximum() {
    HaltThreshold t = HaltThreshold.of(0.1, 50);

    assertThat(t.exceededBy(49, 49)).isFalse();
    assertThat(t.exceededBy(50, 5)).isFalse(); // exactly the maximum does not halt
    assertThat(t.exceededBy(50, 6)).isTrue();
    assertThat(HaltThreshold.of(0, 1).exceededBy(1, 1)).isTrue();
    assertThat(HaltThreshold.of(0, 1).exceededBy(1, 0)).isFalse();
  }

  @Test
  void withHalted_haltedRelease_fallsBackToTheNextAndExplainsWhy() {
    Matcher matcher =
        matcher(MatcherTest.release("data", "1.0"), MatcherTest.release("data", "2.0"));
    Matcher halted =
        matcher.withHalted(
            r -> r.version().equals("2.0") ? "failure rate 0.12 over 57 reports" : null);

    assertThat(offers(matcher, request())).containsExactly("data 2.0");
    assertThat(offers(halted, request())).containsExactly("data 1.0");
    assertThat(halted.explain(request().build()).candidates())
        .extracting(Explanation.Candidate::reason)
        .containsExactly("halted: failure rate 0.12 over 57 reports", Explanation.OFFERED);
    assertThat(offers(halted.withHalted(r -> null), request())).containsExactly("data 2.0");
  }
}
