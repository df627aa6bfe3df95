package dev.appupdate.protocol.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.UpdateRequest;
import dev.appupdate.protocol.Version;
import java.lang.reflect.Field;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MatcherTest {
  static final String SHA256 = "0123456789abcdef".repeat(4);
  static final URI BASE = URI.create("https://updates.example.com/");

  static Release.Builder release(String updateType, String version) {
    return Release.builder()
        .product("your_app")
        .updateType(updateType)
        .version(version)
        .url("files/" + updateType + "-" + version + ".bin")
        .hashFunction(HashFunction.SHA256)
        .hashValue(SHA256)
        .size(100);
  }

  static Matcher matcher(Release.Builder... releases) {
    List<Release> list = new ArrayList<>();
    for (Release.Builder b : releases) {
      list.add(b.build());
    }
    return Matcher.create(Catalog.of(list), BASE);
  }

  static UpdateRequest.Builder request() {
    return UpdateRequest.builder("your_app", "1.0", "macOS", "en-US");
  }

  /** The offers as "update_type version". */
  static List<String> offers(Matcher matcher, UpdateRequest.Builder request) {
    return matcher.match(request.build()).stream()
        .map(u -> u.updateType() + " " + u.version())
        .collect(Collectors.toList());
  }

  static boolean offered(Match match, UpdateRequest.Builder request) {
    return !matcher(release("data", "2.0").match(match)).match(request.build()).isEmpty();
  }

  static String[] split(String patterns) {
    return patterns.split("\\|");
  }

  @ParameterizedTest(name = "channels {0}, request channel {1}: {2}")
  @CsvSource({
    "release,      release,  true",
    "release,      beta,     false",
    "beta*,        beta,     true",
    "beta*,        beta2,    true",
    "beta*,        betamax,  true",
    "beta*,        alpha,    false",
    "beta*,        Beta,     false",
    "Beta,         beta,     false",
    "*,            nightly,  true",
    "release|beta, beta,     true",
    "alpha|beta*,  beta-x,   true",
  })
  void channels(String patterns, String channel, boolean matches) {
    Match match = Match.builder().channels(split(patterns)).build();

    assertThat(offered(match, request().channel(channel))).isEqualTo(matches);
  }

  @Test
  void channels_requestWithoutChannel_isOnTheReleaseChannel() {
    Match releaseOnly = Match.builder().channels("release").build();

    assertThat(offered(releaseOnly, request())).isTrue();
  }

  @ParameterizedTest(name = "platforms {0}, request platform {1}: {2}")
  @CsvSource({
    "macOS,         macOS,   true",
    "macOS,         macos,   true",
    "macOS,         MACOS,   true",
    "macOS,         Linux,   false",
    "macOS,         mac,     false",
    "macOS|Windows, windows, true",
  })
  void platforms(String patterns, String platform, boolean matches) {
    UpdateRequest.Builder request = UpdateRequest.builder("your_app", "1.0", platform, "en-US");

    assertThat(offered(Match.builder()
        .platforms(split(patterns)).build(), request))
        .isEqualTo(matches);
  }

  @ParameterizedTest(name = "locales {0}, request locale {1}: {2}")
  @CsvSource({
    "de,       de,         true",
    "de,       DE,         true",
    "de,       de-AT,      false",
    "de,       en,         false",
    "en-US,    en-US,      true",
    "en-US,    en-us,      true",
    "en-US,    en,         false",
    "en-US,    en-GB,      false",
    "en-*,     en,         true",
    "en-*,     en-US,      true",
    "en-*,     EN-gb,      true",
    "en-*,     en-Latn-US, true",
    "en-*,     eng,        false",
    "en-*,     fr,         false",
    "zh-Hant-*, zh-Hant-TW, true",
    "zh-Hant-*, zh-Hans-CN, false",
    "*,        fr-CA,      true",
    "de|fr-*,  fr-CH,      true",
    "de|fr-*,  it,         false",
  })
  void locales(String patterns, String locale, boolean matches) {
    UpdateRequest.Builder request = UpdateRequest.builder("your_app", "1.0", "macOS", locale);

    assertThat(offered(Match.builder()
        .locales(split(patterns)).build(), request))
        .isEqualTo(matches);
  }

  @ParameterizedTest(name = "archs {0}, request arch {1}: {2}")
  @CsvSource({
    "x86_64,        x86_64,  true",
    "x86_64,        X86_64,  true",
    "x86_64,        arm64,   false",
    "x86_64,        ,        false",
    "arm64|aarch64, AArch64, true",
  })
  void archs(String patterns, String arch, boolean matches) {
    assertThat(offered(Match.builder()
        .archs(split(patterns)).build(), request().arch(arch)))
        .isEqualTo(matches);
  }

  @Test
  void archs_releaseWithoutArchs_matchesRequestWithoutArch() {
    assertThat(offered(Match.ANY, request().arch(null))).isTrue();
  }

  @ParameterizedTest(name = "app_version \"{0}\", request version {1}: {2}")
  @CsvSource({
    "<2.0,           1.9,       true",
    "<2.0,           2.0,       false",
    "<2.0,           2,         false",
    "<2.0,           2.0pre1,   true",
    "<=2.0,          2.0.0,     true",
    "<=2.0,          2.0.1,     false",
    ">1.0,           1.0,       false",
    ">1.0,           1.0.1,     true",
    ">=1.0,          1.0,       true",
    ">=1.0,          1.0pre1,   false",
    "=1.2,           1.2.0,     true",
    "=1.2,           1.2.1,     false",
    "1.2,            1.2,       true",
    "1.2,            1.20,      false",
    "1.*,            1,         true",
    "1.*,            1.0pre1,   true",
    "1.*,            1.99.3,    true",
    "1.*,            01.5,      true",
    "1.*,            2.0pre1,   false",
    "1.*,            0.9,       false",
    "1.*,            10.0,      false",
    "1.2.*,          1.2.5,     true",
    "1.2.*,          1.2,       true",
    "1.2.*,          1,         false",
    "1.2.*,          1.3,       false",
    ">=60 <70,       65.0.1,    true",
    ">=60 <70,       70,        false",
    ">=60 <70,       59.9,      false",
    "'  >=1.0   <2.0 ', 1.5,    true",
    "1.* >1.5,       1.6,       true",
    "1.* >1.5,       1.5,       false",
    "0.*,            .5,        true",
    "0.*,            .,         true",
    "1.*,            .5,        false",
    "0.5.*,          .5.1,      true",
  })
  void appVersion(String range, String version, boolean matches) {
    UpdateRequest.Builder request = UpdateRequest.builder("your_app", version, "macOS", "en-US");

    assertThat(offered(Match.builder().appVersion(range).build(), request)).isEqualTo(matches);
  }

  @ParameterizedTest(name = "min_os_version {0}, request os_version {1}: {2}")
  @CsvSource({
    "10.15, 10.15,    true",
    "10.15, 10.15.0,  true",
    "10.15, 11,       true",
    "10.15, 10.14.6,  false",
    "10.15, 10.15b1,  false",
    "10.15, ,         false",
  })
  void minOsVersion(String minimum, String osVersion, boolean matches) {
    Match match = Match.builder().minOsVersion(minimum).build();

    assertThat(offered(match, request().osVersion(osVersion))).isEqualTo(matches);
  }

  @Test
  void match_everyKeyGiven_needsAllToHold() {
    Match all =
        Match.builder()
            .channels("beta*")
            .platforms("macOS")
            .locales("en-*")
            .archs("arm64")
            .appVersion(">=1.0")
            .minOsVersion("12")
            .build();
    UpdateRequest.Builder fits = request().channel("beta").arch("arm64").osVersion("13");

    assertThat(offered(all, fits)).isTrue();
    assertThat(offered(all, request().channel("beta").arch("arm64"))).isFalse();
  }

  @Test
  void highestEligibleVersion_isTheOneOffered() {
    Matcher m = matcher(release("data", "1.0"), release("data", "2.0"), release("data", "1.5"));

    assertThat(offers(m, request())).containsExactly("data 2.0");
  }

  @Test
  void highestVersionNotMatching_fallsBackToNextLowerThatMatches() {
    Matcher m =
        matcher(
            release("data", "2.0").match(Match.builder().channels("beta").build()),
            release("data", "1.0"));

    assertThat(offers(m, request())).containsExactly("data 1.0");
    assertThat(offers(m, request().channel("beta"))).containsExactly("data 2.0");
  }

  @Test
  void pausedRelease_isSkippedForTheNextLower() {
    Matcher m = matcher(release("data", "2.0").paused(true), release("data", "1.5"));

    assertThat(offers(m, request())).containsExactly("data 1.5");
  }

  @Test
  void pausedOnlyRelease_offersNothing() {
    assertThat(offers(matcher(release("data", "2.0").paused(true)), request())).isEmpty();
  }

  @Test
  void installedSameVersion_getsNothing() {
    Matcher m = matcher(release("data", "2.0"), release("data", "1.0"));

    assertThat(offers(m, request().installed("data", "2.0"))).isEmpty();
  }

  @Test
  void installedSameVersionWrittenDifferently_getsNothing() {
    assertThat(offers(matcher(release("data", "2.0")), request().installed("data", "2"))).isEmpty();
  }

  @Test
  void installedNewerThanCatalog_isNeverDowngraded() {
    Matcher m = matcher(release("data", "2.0"), release("data", "1.0"));

    assertThat(offers(m, request().installed("data", "3.0"))).isEmpty();
  }

  @Test
  void installedNewestPaused_isNotDowngradedToOlder() {
    Matcher m = matcher(release("data", "2.0").paused(true), release("data", "1.0"));

    assertThat(offers(m, request().installed("data", "1.5"))).isEmpty();
  }

  @Test
  void installedOlder_getsTheNewer() {
    Matcher m = matcher(release("data", "2.0"), release("data", "1.0"));

    assertThat(offers(m, request().installed("data", "1.0"))).containsExactly("data 2.0");
  }

  @Test
  void installed_versionsOfEveryForm_compareAsVersionDoes() {
    // Some versions the matcher compares in its packed form, others as Version; mixed here.
    List<String> catalog =
        List.of("3.0.0.0.1", "3.0", "2.1+", "2.0", "2.0b1", "2.0B1", "1.0-1", "1.0", "1.*");
    List<String> installed =
        List.of(
            "9", "3", "3.0.0.0.0", "3.0.0.0.1", "3.0.0.0.2", "2.1", "2.1+", "2.2pre", "2.0.0.0.0.0",
            "2.0b1", "2.0a", "2.0B1", "2.0b", "1.0-1", "1.0a", "1.*", "1.99999999999999999999",
            "0", "0.0.0.0.0.1");
    for (String offered : catalog) {
      List<Release.Builder> releases = new ArrayList<>();
      for (String v : catalog) {
        releases.add(release("data", v).paused(!v.equals(offered)));
      }
      Matcher m = matcher(releases.toArray(new Release.Builder[0]));
      for (String have : installed) {
        boolean newer = Version.parse(offered).compareTo(Version.parse(have)) > 0;
        assertThat(offers(m, request().installed("data", have)))
            .as("%s offered over installed %s", offered, have)
            .isEqualTo(newer ? List.of("data " + offered) : List.of());
      }
    }
  }

  @Test
  void installedOfOneType_leavesOtherTypesAlone() {
    Matcher m = matcher(release("data", "2.0"), release("binary", "1.0"));

    assertThat(offers(m, request().installed("data", "2.0"))).containsExactly("binary 1.0");
  }

  @Test
  void severalUpdateTypes_oneOfferEach_sortedByUpdateType() {
    Matcher m =
        matcher(
            release("zeta", "1.0"),
            release("alpha", "1.0"),
            release("alpha", "3.0"),
            release("mid", "0.1"));

    assertThat(offers(m, request())).containsExactly("alpha 3.0", "mid 0.1", "zeta 1.0");
  }

  @Test
  void otherProducts_areNeverOffered() {
    Release other =
        Release.builder()
            .product("other_app")
            .updateType("data")
            .version("9.0")
            .url("x.bin")
            .hashFunction(HashFunction.SHA256)
            .hashValue(SHA256)
            .size(1)
            .build();
    Matcher m =
        Matcher.create(Catalog.of(List.of(other, release("data", "1.0").build())), BASE);

    assertThat(offers(m, request())).containsExactly("data 1.0");
  }

  @Test
  void unknownProduct_getsNothing() {
    UpdateRequest.Builder unknown = UpdateRequest.builder("nobody", "1.0", "macOS", "en-US");

    assertThat(offers(matcher(release("data", "1.0")), unknown)).isEmpty();
  }

  @Test
  void offer_carriesTheReleaseAsWritten() {
    Matcher m =
        matcher(
            release("data", "2.0.0")
                .critical(true)
                .mirrors("https://mirror.example.com/d.bin", "mirror/d.bin"));

    AvailableUpdate offer = m.match(request().build()).get(0);

    assertThat(offer)
        .isEqualTo(
            AvailableUpdate.builder()
                .updateType("data")
                .url(URI.create("https://updates.example.com/files/data-2.0.0.bin"))
                .hashFunction(HashFunction.SHA256)
                .hashValue(SHA256)
                .size(100)
                .version("2.0.0")
                .mirrors(List.of(
                    URI.create("https://mirror.example.com/d.bin"),
                    URI.create("https://updates.example.com/mirror/d.bin"))).critical(true).build());
  }

  @ParameterizedTest(name = "base {0} + {1} = {2}")
  @CsvSource({
    "https://h.example/,      files/a.bin,           https://h.example/files/a.bin",
    "https://h.example,       files/a.bin,           https://h.example/files/a.bin",
    "https://h.example/app,   files/a.bin,           https://h.example/app/files/a.bin",
    "https://h.example/app/,  files/a.bin,           https://h.example/app/files/a.bin",
    "https://h.example/app/,  /files/a.bin,          https://h.example/files/a.bin",
    "https://h.example/app/,  ../b/a.bin?x=1,        https://h.example/b/a.bin?x=1",
    "http://127.0.0.1:8000/,  files/a.bin,           http://127.0.0.1:8000/files/a.bin",
    "https://h.example/app/,  https://cdn.example/a, https://cdn.example/a",
  })
  void relativeUrl_resolvesAgainstThePublicBaseUrl(String base, String url, String expected) {
    Release r =
        Release.builder()
            .product("your_app")
            .updateType("data")
            .version("1")
            .url(url)
            .hashFunction(HashFunction.SHA256)
            .hashValue(SHA256)
            .size(1)
            .build();
    Matcher m = Matcher.create(Catalog.of(List.of(r)), URI.create(base));

    assertThat(m.match(request().build()).get(0).url()).isEqualTo(URI.create(expected));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "ftp://host.example.com/ | publicBaseUrl must be an absolute http or https URL with a host, got"
            + " \"ftp://host.example.com/\"",
        "/files/                 | publicBaseUrl must be an absolute http or https URL with a host, got"
            + " \"/files/\"",
        "https://host.example.com/?a=1 | publicBaseUrl must not have a query or fragment, got"
            + " \"https://host.example.com/?a=1\"",
      })
  void create_publicBaseUrlNotAbsoluteHttp_isRefused(String base, String message) {
    Catalog catalog = Catalog.of(List.of(release("data", "1").build()));

    assertThatThrownBy(() -> Matcher.create(catalog, URI.create(base)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void prefixRange_requestVersionStartingWithDot_isMatchedNotACrash() {
    Matcher m = matcher(release("data", "2.0").match(Match.builder().appVersion("0.*").build()));

    assertThat(offers(m, UpdateRequest.builder("your_app", ".5", "macOS", "en-US")))
        .containsExactly("data 2.0");
    assertThat(m.explain(UpdateRequest.of("your_app", ".5", "macOS", "en-US")).candidates())
        .extracting(Explanation.Candidate::reason)
        .containsExactly(Explanation.OFFERED);
  }

  static CatalogException createFails(String base, Release.Builder... releases) {
    List<Release> list = new ArrayList<>();
    for (Release.Builder b : releases) {
      list.add(b.build());
    }
    Catalog catalog = Catalog.of(list);
    return org.assertj.core.api.Assertions.catchThrowableOfType(
        CatalogException.class, () -> Matcher.create(catalog, URI.create(base)));
  }

  static Release.Builder releaseAt(String version, String url) {
    return Release.builder()
        .product("your_app")
        .updateType("data")
        .version(version)
        .url(url)
        .hashFunction(HashFunction.SHA256)
        .hashValue(SHA256)
        .size(1);
  }

  @Test
  void create_relativeUrlClimbingAboveTheRoot_isRefusedNamingTheRelease() {
    CatalogException e =
        createFails(
            "https://h.example/app/",
            releaseAt("1", "files/a.bin"),
            releaseAt("2", "../../x.zip"));

    assertThat(e).isNotNull();
    assertThat(e.source()).isEqualTo("(in memory)");
    assertThat(e.problems())
        .extracting(CatalogProblem::toString)
        .containsExactly(
            "releases[1].url: climbs above the root of the public base URL"
                + " https://h.example/app/: resolves to \"https://h.example/../x.zip\"");
  }

  @Test
  void create_mirrorClimbingAboveTheRoot_isRefusedNamingTheMirror() {
    CatalogException e =
        createFails(
            "https://h.example/",
            releaseAt("1", "files/a.bin").mirrors("https://m.example/a.bin", "a/../../b.bin"));

    assertThat(e.problems())
        .extracting(CatalogProblem::toString)
        .containsExactly(
            "releases[0].mirrors[1]: climbs above the root of the public base URL"
                + " https://h.example/: resolves to \"https://h.example/../b.bin\"");
  }

  @Test
  void create_relativeUrlTooLongOnceResolved_isRefusedNamingTheRelease() {
    String base = "https://h.example/" + "b".repeat(100) + "/";
    String url = "files/" + "a".repeat(1940);

    CatalogException e = createFails(base, releaseAt("1", url));

    assertThat(e.problems())
        .extracting(CatalogProblem::toString)
        .containsExactly(
            "releases[0].url: resolved against the public base URL " + base
                + ", it must be at most 2048 characters, got 2065");
  }

  @Test
  void create_relativeUrlOfExactlyTheLimitOnceResolved_isAccepted() {
    String base = "https://h.example/";
    String url = "f/" + "a".repeat(2048 - base.length() - 2);
    Matcher m =
        Matcher.create(Catalog.of(List.of(releaseAt("1", url).build())), URI.create(base));

    assertThat(m.match(request().build()).get(0).url().toString()).hasSize(2048);
  }

  @Test
  void create_dotSegmentsWithinTheBase_resolveAsUsual() {
    Matcher m =
        Matcher.create(
            Catalog.of(List.of(releaseAt("1", "../x/./y/../a.bin").build())),
            URI.create("https://h.example/app/v1/"));

    assertThat(m.match(request().build()).get(0).url())
        .isEqualTo(URI.create("https://h.example/app/x/a.bin"));
  }

  @Test
  void create_everyOfferIsValid_soMatchingNeverThrows() {
    Matcher m =
        matcher(
            release("data", "1.0").mirrors("https://m.example/x", "m/x"),
            release("blob", "1.0"));

    assertThat(offers(m, request())).containsExactly("blob 1.0", "data 1.0");
  }

  @Test
  void create_publicBaseUrlWithUserInformation_isRefused() {
    Catalog catalog = Catalog.of(List.of(release("data", "1").build()));

    assertThatThrownBy(() -> Matcher.create(catalog, URI.create("https://u:p@h.example/")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "publicBaseUrl must not hold user information (user:password@) before the host");
  }

  @Test
  void releaseCount_isTheCatalogSize() {
    assertThat(matcher(release("a", "1"), release("b", "1"), release("b", "2")).releaseCount())
        .isEqualTo(3);
  }

  @Test
  void sameCatalogInAnyOrder_givesTheSameAnswers() {
    List<Release> releases = new ArrayList<>();
    for (int v = 1; v <= 20; v++) {
      releases.add(release("data", v + ".0").rolloutPercent(v * 5).build());
      releases.add(
          release("blob", "0." + v)
              .match(Match.builder()
              .channels(v % 2 == 0 ? "beta*" : "release").build())
              .build());
    }
    List<Release> shuffled = new ArrayList<>(releases);
    Collections.shuffle(shuffled, new Random(7));
    Matcher a = Matcher.create(Catalog.of(releases), BASE);
    Matcher b = Matcher.create(Catalog.of(shuffled), BASE);

    for (int i = 0; i < 200; i++) {
      String channel = i % 3 == 0 ? "beta" : "release";
      UpdateRequest r = request().installationId("id-" + i).channel(channel).build();
      assertThat(b.match(r)).isEqualTo(a.match(r));
      assertThat(b.explain(r)).isEqualTo(a.explain(r));
    }
  }

  @Test
  void repeatedRequest_getsTheSameAnswer() {
    Matcher m = matcher(release("data", "2.0").rolloutPercent(50), release("data", "1.0"));
    UpdateRequest r = request().installationId("3f1c0a9e").build();

    assertThat(m.match(r)).isEqualTo(m.match(r));
  }

  @Test
  void create_sequentiallyNamedProducts_lieNextToTheirHomeSlots()
      throws ReflectiveOperationException {
    // Names that differ in their last characters have String hashes in a narrow range; the table
    // must spread them, or linear probing walks long runs for every product and every unknown one.
    List<Release> releases = new ArrayList<>();
    for (int p = 0; p < 10_000; p++) {
      releases.add(
          Release.builder()
              .product(String.format("product%05d", p))
              .updateType("data")
              .version("1.0")
              .url("files/" + p + ".bin")
              .hashFunction(HashFunction.SHA256)
              .hashValue(SHA256)
              .size(100)
              .build());
    }
    Matcher m = Matcher.create(Catalog.of(releases), BASE);
    Field field = Matcher.class.getDeclaredField("hashes");
    field.setAccessible(true);
    int[] hashes = (int[]) field.get(m);
    field = Matcher.class.getDeclaredField("data");
    field.setAccessible(true);
    long[][] data = (long[][]) field.get(m);
    int mask = hashes.length - 1;
    long total = 0;
    int max = 0;
    for (int i = 0; i < hashes.length; i++) {
      if (data[i] != null) {
        int distance = (i - (hashes[i] & mask)) & mask;
        total += distance;
        max = Math.max(max, distance);
      }
    }

    assertThat(offers(m, UpdateRequest.builder("product04242", "1.0", "macOS", "en-US")))
        .containsExactly("data 1.0");
    assertThat((double) total / releases.size()).as("mean distance").isLessThan(1.0);
    assertThat(max).as("longest distance").isLessThan(32);
  }
}
