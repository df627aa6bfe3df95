package dev.appupdate.protocol.catalog;

import static dev.appupdate.protocol.catalog.MatcherTest.matcher;
import static dev.appupdate.protocol.catalog.MatcherTest.release;
import static dev.appupdate.protocol.catalog.MatcherTest.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appupdate.protocol.ClientCodec;
import dev.appupdate.protocol.FieldError;
import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.ProtocolException;
import dev.appupdate.protocol.ReleaseSignature;
import dev.appupdate.protocol.ServerCodec;
import dev.appupdate.protocol.UpdateRequest;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExplanationTest {
  static final String ID = "3f1c0a9e-5b7d-4c21-9e38-1a2b3c4d5e6f";

  static List<String> explain(Matcher m, UpdateRequest.Builder request) {
    return m.explain(request.build()).candidates().stream()
        .map(Explanation.Candidate::toString)
        .collect(Collectors.toList());
  }

  static String reason(Match match, UpdateRequest.Builder request) {
    return matcher(release("data", "2.0").match(match))
        .explain(request.build())
        .candidates()
        .get(0)
        .reason();
  }

  @Test
  void explain_listsEveryReleaseOfTheProduct_byTypeThenHighestVersionFirst() {
    Matcher m =
        matcher(
            release("data", "1.0"),
            release("data", "3.0").paused(true),
            release("data", "2.0"),
            release("blob", "0.9"));

    Explanation e = m.explain(request().build());

    assertThat(e.product()).isEqualTo("your_app");
    assertThat(e.candidates())
        .containsExactly(
            new Explanation.Candidate("blob", "0.9", true, "offered", List.of(), false),
            new Explanation.Candidate("data", "3.0", false, "paused", List.of(), false),
            new Explanation.Candidate("data", "2.0", true, "offered", List.of(), false),
            new Explanation.Candidate(
                "data", "1.0", false, "superseded by 2.0", List.of(), false));
  }

  @Test
  void explain_installedVersion_isNotNewer() {
    Matcher m = matcher(release("data", "2.0"), release("data", "1.0"));

    assertThat(explain(m, request().installed("data", "2")))
        .containsExactly(
            "data 2.0: not newer than installed 2", "data 1.0: not newer than installed 2");
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "channel  | channel beta not in [release, nightly*]",
        "platform | platform Linux not in [macOS, Windows]",
        "locale   | locale fr-FR not in [de, en-*]",
        "arch     | arch arm64 not in [x86_64]",
        "noarch   | no arch given; release needs one of [x86_64]",
        "app      | app_version 2.0 outside >=1.0 <2.0",
        "os       | os_version 10.14 below min_os_version 10.15",
        "noos     | no os_version given; release needs min_os_version 10.15",
      })
  void explain_matchKeyNotHeld_namesTheKeyAndValues(String key, String expected) {
    Match match;
    UpdateRequest.Builder r;
    switch (key) {
      case "channel":
        match = Match.builder().channels("release", "nightly*").build();
        r = request().channel("beta");
        break;
      case "platform":
        match = Match.builder().platforms("macOS", "Windows").build();
        r = UpdateRequest.builder("your_app", "1.0", "Linux", "en-US");
        break;
      case "locale":
        match = Match.builder().locales("de", "en-*").build();
        r = UpdateRequest.builder("your_app", "1.0", "macOS", "fr-FR");
        break;
      case "arch":
        match = Match.builder().archs("x86_64").build();
        r = request().arch("arm64");
        break;
      case "noarch":
        match = Match.builder().archs("x86_64").build();
        r = request();
        break;
      case "app":
        match = Match.builder().appVersion(">=1.0 <2.0").build();
        r = UpdateRequest.builder("your_app", "2.0", "macOS", "en-US");
        break;
      case "os":
        match = Match.builder().minOsVersion("10.15").build();
        r = request().osVersion("10.14");
        break;
      default:
        match = Match.builder().minOsVersion("10.15").build();
        r = request();
        break;
    }

    assertThat(reason(match, r)).isEqualTo(expected);
  }

  @Test
  void explain_outsideRollout_givesBucketAndPercent() {
    Release.Builder r =
        Release.builder()
            .product("your_app")
            .updateType("my_important_data")
            .version("1.0")
            .url("files/d.json")
            .hashFunction(HashFunction.SHA256)
            .hashValue(MatcherTest.SHA256)
            .size(1)
            .rolloutPercent(25);

    assertThat(explain(matcher(r), request().installationId(ID)))
        .containsExactly("my_important_data 1.0: bucket 44.74 >= rollout 25");
  }

  @Test
  void explain_partialRolloutWithoutInstallationId_saysItNeedsOne() {
    assertThat(explain(matcher(release("data", "2.0").rolloutPercent(12.5)), request()))
        .containsExactly("data 2.0: rollout 12.5 needs an installation_id");
  }

  @Test
  void explain_rolloutZero_admitsNoOne() {
    Matcher m = matcher(release("data", "2.0").rolloutPercent(0));

    assertThat(explain(m, request().installationId(ID)))
        .containsExactly("data 2.0: rollout 0 admits no one");
  }

  @Test
  void explain_unknownProduct_hasNoCandidates() {
    Explanation e =
        matcher(release("data", "1.0"))
            .explain(UpdateRequest.of("nobody", "1.0", "macOS", "en-US"));

    assertThat(e.product()).isEqualTo("nobody");
    assertThat(e.candidates()).isEmpty();
  }

  @Test
  void explain_offersWhatMatchOffers() {
    Matcher m =
        matcher(
            release("data", "3.0").rolloutPercent(40),
            release("data", "2.0").rolloutPercent(70),
            release("data", "1.0"),
            release("blob", "2.0").match(Match.builder().channels("beta").build()),
            release("blob", "1.0").rolloutPercent(50));

    for (int i = 0; i < 500; i++) {
      UpdateRequest r = request().installationId("install-" + i).build();
      List<String> offered =
          m.explain(r).candidates().stream()
              .filter(Explanation.Candidate::offered)
              .map(c -> c.updateType() + " " + c.version())
              .collect(Collectors.toList());
      assertThat(offered).isEqualTo(MatcherTest.offers(m, r.toBuilder()));
    }
  }

  @ParameterizedTest(name = "bucket {0}, rollout {1}: {2}")
  @CsvSource({
    "37.2049,               25,        37.20",
    "25.0,                  25,        25.00",
    "25.00009,              25.00005,  25.00009",
    "99.999,                0.5,       99.99",
    "10.0000000000000001,   10,        10.00",
    "9.99999999999999999,   9.999999,  9.999999",
    "44.742443303114065678, 44.742443, 44.742443",
  })
  void formatBucket_roundsDownButNeverBelowThePercent(
      BigDecimal bucket, double percent, String text) {
    assertThat(Matcher.formatBucket(bucket, percent)).isEqualTo(text);
  }

  @Test
  void explain_bucketJustAtTheRollout_showsEnoughDigitsToReadAsNotBelow() {
    // The worked example's bucket is 44.742443303...: not admitted at 44.742443, admitted at
    // 44.742444.
    Release.Builder r =
        Release.builder()
            .product("your_app")
            .updateType("my_important_data")
            .version("1.0")
            .url("files/d.json")
            .hashFunction(HashFunction.SHA256)
            .hashValue(MatcherTest.SHA256)
            .size(1);

    assertThat(explain(matcher(r.rolloutPercent(44.742443)), request().installationId(ID)))
        .containsExactly("my_important_data 1.0: bucket 44.742443 >= rollout 44.742443");
  }

  @Test
  void explanationCodec_roundTripsThroughServerAndClient() {
    Explanation explanation =
        new Explanation(
            "your_app",
            List.of(
                new Explanation.Candidate(
                    "my_important_data", "2.0", false, "paused", List.of(), false),
                new Explanation.Candidate(
                    "my_important_data",
                    "1.0",
                    true,
                    Explanation.OFFERED,
                    List.of(KEY_A, KEY_B),
                    true)));

    byte[] json = ServerCodec.create().encodeExplanation(explanation);

    assertThat(new String(json, StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"product\":\"your_app\",\"candidates\":[{\"update_type\":\"my_important_data\","
                + "\"version\":\"2.0\",\"offered\":false,\"reason\":\"paused\",\"signed_by\":[]},"
                + "{\"update_type\":\"my_important_data\",\"version\":\"1.0\",\"offered\":true,"
                + "\"reason\":\"offered\",\"signed_by\":[\""
                + KEY_A
                + "\",\""
                + KEY_B
                + "\"],\"signature_verified\":true}]}");
    assertThat(ClientCodec.create().decodeExplanation(json)).isEqualTo(explanation);
  }

  private static final String KEY_A = "844f37232d3ae9f3";
  private static final String KEY_B = "0123456789abcdef";

  @Test
  void explain_signedRelease_namesItsKeysUnverified() {
    Matcher m =
        matcher(
            release("data", "2.0")
                .signatures(
                    List.of(
                        ReleaseSignature.of(KEY_A, SIGNATURE),
                        ReleaseSignature.of(KEY_B, SIGNATURE))),
            release("data", "1.0"));

    List<Explanation.Candidate> candidates = m.explain(request().build()).candidates();

    assertThat(candidates)
        .extracting(Explanation.Candidate::signedBy)
        .containsExactly(List.of(KEY_A, KEY_B), List.of());
    // The matcher holds no trusted keys: it never claims a signature was verified.
    assertThat(candidates).noneMatch(Explanation.Candidate::signatureVerified);
  }

  /** The signature of the PROTOCOL.md test vector: well-formed, which is all the matcher sees. */
  private static final String SIGNATURE =
      "zOJgJ82jGBO0xpCFDYSqKQAtbPjQKwAyBbc_erldmZroR_0oKq7zzTl3JQPxAHwc4loupodKUmKbAaTTPbBqCg";

  @Test
  void decodeExplanation_withoutSignatureMembers_readsAsUnsignedAndUnverified() {
    byte[] json =
        ("{\"product\":\"your_app\",\"candidates\":[{\"update_type\":\"data\","
                + "\"version\":\"1.0\",\"offered\":true,\"reason\":\"offered\"}]}")
            .getBytes(StandardCharsets.UTF_8);

    Explanation.Candidate c = ClientCodec.create().decodeExplanation(json).candidates().get(0);

    assertThat(c.signedBy()).isEmpty();
    assertThat(c.signatureVerified()).isFalse();
  }

  @Test
  void decodeExplanation_badSignatureMembers_nameEachBadField() {
    byte[] json =
        ("{\"product\":\"your_app\",\"candidates\":[{\"update_type\":\"data\","
                + "\"version\":\"1.0\",\"offered\":true,\"reason\":\"offered\","
                + "\"signed_by\":[\""
                + KEY_A
                + "\",\"ABC\",7],\"signature_verified\":\"yes\"}]}")
            .getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> ClientCodec.create().decodeExplanation(json))
        .isInstanceOfSatisfying(
            ProtocolException.class,
            e ->
                assertThat(e.errors())
                    .extracting(FieldError::field)
                    .containsExactly(
                        "candidates[0].signed_by[1]",
                        "candidates[0].signed_by[2]",
                        "candidates[0].signature_verified"));
  }

  @Test
  void explanation_ofAReleaseWithManyChannels_roundTripsThroughTheCodecs() {
    // 60 channel patterns of 20 characters: a valid catalog (no limit on list length), whose
    // reason once held all 60, over the 1,024 characters the client codec reads as text.
    String[] channels =
        IntStream.range(0, 60).mapToObj(i -> "beta-channel-no-" + (1000 + i)).toArray(String[]::new);
    Matcher m =
        matcher(
            Release.builder()
                .product("your_app")
                .updateType("my_important_data")
                .version("2.0")
                .url("https://updates.example.com/files/data-2.0")
                .hashFunction(HashFunction.SHA512)
                .hashValue("ab".repeat(64))
                .size(10)
                .match(Match.builder().channels(channels).build()));
    Explanation explanation = m.explain(UpdateRequest.of("your_app", "1.0", "macOS", "en-US"));

    byte[] json = ServerCodec.create().encodeExplanation(explanation);

    assertThat(ClientCodec.create().decodeExplanation(json)).isEqualTo(explanation);
    assertThat(explanation.candidates().get(0).reason())
        .startsWith("channel release not in [beta-channel-no-1000, beta-channel-no-1001, ")
        .endsWith(", beta-channel-no-1017, ... and 42 more]");
  }

  @Test
  void explain_longMatchValues_keepEveryReasonWithinTheTextLimit() {
    // The longest values the catalog and a request allow, everywhere a reason quotes them.
    String name = "n".repeat(128);
    String[] names = IntStream.range(0, 100).mapToObj(i -> name).toArray(String[]::new);
    String version = "1." + "x".repeat(254);
    String range =
        IntStream.range(0, 60).mapToObj(i -> ">=" + i + ".0").collect(Collectors.joining(" "))
            + " <0";
    UpdateRequest.Builder longest =
        UpdateRequest.builder("your_app", version, "p".repeat(128), "en-US")
            .channel("c".repeat(128))
            .arch("a".repeat(128))
            .osVersion(version);
    List<Match> matches =
        List.of(
            Match.builder().channels(names).build(),
            Match.builder().platforms(names).build(),
            Match.builder().archs(names).build(),
            Match.builder().appVersion(range).build(),
            Match.builder().minOsVersion("2." + "x".repeat(254)).build());

    for (Match match : matches) {
      String reason = reason(match, longest);
      assertThat(reason.length()).as(reason).isLessThanOrEqualTo(1024);
      assertThat(ClientCodec.create().decodeExplanation(
              ServerCodec.create().encodeExplanation(
                  matcher(release("data", "2.0").match(match)).explain(longest.build()))))
          .isNotNull();
    }
    assertThat(reason(Match.builder().appVersion(range).build(), longest))
        .startsWith("app_version " + version + " outside >=0.0 >=1.0 ")
        .endsWith("...")
        .hasSize("app_version ".length() + 256 + " outside ".length() + Criteria.MAX_QUOTED);
  }

  @Test
  void explain_shortList_isWrittenWhole() {
    assertThat(Criteria.list(List.of("a", "b"))).isEqualTo("[a, b]");
    assertThat(Criteria.list(List.of("x".repeat(390), "yy", "zzzzzzzzz")))
        .isEqualTo("[" + "x".repeat(390) + ", yy, ... and 1 more]");
  }

  @Test
  void decodeExplanation_missingOffered_isRequired() {
    byte[] json =
        ("{\"product\":\"your_app\",\"candidates\":[{\"update_type\":\"data\","
                + "\"version\":\"1.0\",\"reason\":\"paused\"}]}")
            .getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> ClientCodec.create().decodeExplanation(json))
        .isInstanceOfSatisfying(
            ProtocolException.class,
            e ->
                assertThat(e.errors())
                    .containsExactly(new FieldError("candidates[0].offered", "is required")));
  }

  @Test
  void decodeExplanation_badCandidate_listsEveryBadField() {
    byte[] json =
        "{\"product\":\"your_app\",\"candidates\":[{\"update_type\":\"a b\",\"offered\":1}]}"
            .getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> ClientCodec.create().decodeExplanation(json))
        .isInstanceOfSatisfying(
            ProtocolException.class,
            e ->
                assertThat(e.errors())
                    .extracting(FieldError::field)
                    .containsExactly(
                        "candidates[0].update_type",
                        "candidates[0].version",
                        "candidates[0].offered",
                        "candidates[0].reason"));
  }
}
