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

import dev.appupdate.protocol.HashFunction;
import java.lang.reflect.Field;
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

  @Test
  void withHalted_productsWithoutHalts_shareTheirCompiledReleasesWithTheUnhaltedMatcher()
      throws ReflectiveOperationException {
    Matcher matcher =
        matcher(
            MatcherTest.release("data", "1.0"),
            MatcherTest.release("data", "2.0"),
            MatcherTest.release("data", "3.0").paused(true),
            releaseOf("other_app", "data", "1.0"),
            releaseOf("third_app", "data", "1.0"));
    Matcher halted =
        matcher.withHalted(
            r -> r.product().equals("your_app") && r.version().equals("2.0") ? "failing" : null);

    // A halt copies the compiled releases of the products it touches, not of every product: at
    // a million releases that would add 48 B per release for as long as a halt lasts.
    assertThat(offers(halted, request())).containsExactly("data 1.0");
    assertThat(copiedProducts(matcher, halted)).isEqualTo(1);
    assertThat(copiedProducts(matcher, matcher.withHalted(r -> null))).isZero();
    // Resuming keeps the paused release withheld.
    Matcher resumed = halted.withHalted(r -> null);
    assertThat(offers(resumed, request())).containsExactly("data 2.0");
    assertThat(copiedProducts(halted, resumed)).isEqualTo(1);
  }

  private static Release.Builder releaseOf(String product, String updateType, String version) {
    return Release.builder()
        .product(product)
        .updateType(updateType)
        .version(version)
        .url("files/" + product + "-" + version + ".bin")
        .hashFunction(HashFunction.SHA256)
        .hashValue(MatcherTest.SHA256)
        .size(100);
  }

  /** How many products' compiled releases {@code b} holds in arrays of its own, not {@code a}'s. */
  private static int copiedProducts(Matcher a, Matcher b) throws ReflectiveOperationException {
    Field data = Matcher.class.getDeclaredField("data");
    data.setAccessible(true);
    long[][] x = (long[][]) data.get(a);
    long[][] y = (long[][]) data.get(b);
    int copied = 0;
    for (int i = 0; i < x.length; i++) {
      assertThat(y[i] == null).isEqualTo(x[i] == null);
      copied += x[i] == y[i] ? 0 : 1;
    }
    return copied;
  }
}
