package dev.appupdate.protocol.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.Patch;
import dev.appupdate.protocol.ServerCodec;
import dev.appupdate.protocol.UpdateRequest;
import dev.appupdate.protocol.UpdateResponse;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Catalog patches: how they are read and checked, and when the matcher offers one. */
class CatalogPatchesTest {
  private static final String H1 = "11".repeat(64);
  private static final String H2 = "22".repeat(64);
  private static final String HP = "33".repeat(64);
  private static final URI BASE = URI.create("https://updates.example.com/");

  private static String release(String version, String hash, String extra) {
    return "{\"product\":\"your_app\",\"update_type\":\"app\",\"version\":\"" + version
        + "\",\"url\":\"files/app-" + version + ".jar\",\"hash_function\":\"sha512\","
        + "\"hash_value\":\"" + hash + "\",\"size\":1000" + extra + "}";
  }

  private static String patch(String from, String members) {
    return ",\"patches\":[{\"from\":\"" + from + "\",\"format\":\"zstd\","
        + "\"url\":\"files/app-" + from + "-2.0.zst\",\"hash_function\":\"sha512\","
        + "\"hash_value\":\"" + HP + "\",\"size\":100" + members + "}]";
  }

  private static Catalog catalog(String... releases) {
    return Catalog.parse(
        ("{\"releases\":[" + String.join(",", releases) + "]}").getBytes(StandardCharsets.UTF_8),
        "test.json");
  }

  private static List<String> problems(String... releases) {
    try {
      catalog(releases);
    } catch (CatalogException e) {
      return e.problems().stream().map(CatalogProblem::toString).toList();
    }
    throw new AssertionError("no CatalogException");
  }

  private static UpdateRequest.Builder request() {
    return UpdateRequest.builder("your_app", "5", "macOS", "en-US");
  }

  @Test
  void parse_patchFromAnEarlierRelease_readsEveryField() {
    Catalog c = catalog(release("1.0", H1, ""), release("2.0", H2, patch("1.0", "")));

    assertThat(c.releases().get(1).patches())
        .containsExactly(
            ReleasePatch.builder()
                .from("1.0")
                .format("zstd")
                .url("files/app-1.0-2.0.zst")
                .hashFunction(HashFunction.SHA512)
                .hashValue(HP)
                .size(100)
                .build());
    assertThat(c.releases().get(0).patches()).isEmpty();
  }

  @Test
  void parse_releaseWithPatchesAndAHaltThreshold_keepsBoth() {
    Catalog c =
        catalog(
            release("1.0", H1, ""),
            release(
                "2.0",
                H2,
                patch("1.0", "") + ",\"halt\":{\"max_failure_rate\":0.05,\"min_reports\":50}"));

    assertThat(c.releases().get(1).patches()).hasSize(1);
    assertThat(c.releases().get(1).halt()).isEqualTo(HaltThreshold.of(0.05, 50));
  }

  @Test
  void parse_patchFromAVersionTheCatalogLacks_namesTheReleaseAndField() {
    assertThat(problems(release("1.0", H1, ""), release("2.0", H2, patch("1.5", ""))))
        .containsExactly(
            "releases[1].patches[0].from: names no release of your_app app: no version 1.5");
  }

  @Test
  void parse_patchFromAnotherUpdateTypesRelease_isRefused() {
    String other =
        release("1.0", H1, "").replace("\"update_type\":\"app\"", "\"update_type\":\"data\"");

    assertThat(problems(other, release("2.0", H2, patch("1.0", ""))))
        .containsExactly(
            "releases[1].patches[0].from: names no release of your_app app: no version 1.0");
  }

  @Test
  void parse_unknownFormatBadHashLateFromAndUnknownKey_reportsEachProblem() {
    String bad =
        ",\"patches\":[{\"from\":\"3.0\",\"format\":\"bsdiff\",\"url\":\"ftp://x/p\","
            + "\"hash_function\":\"sha512\",\"hash_value\":\"abc\",\"size\":-1,\"mirrors\":[]}]";

    assertThat(problems(release("1.0", H1, ""), release("2.0", H2, bad)))
        .containsExactlyInAnyOrder(
            "releases[1].patches[0].mirrors: unknown key; allowed: format, from, hash_function,"
                + " hash_value, size, url",
            "releases[1].patches[0].size: must not be negative, got -1",
            "releases[1].patches[0].format: must be a known patch format (zstd), got \"bsdiff\"",
            "releases[1].patches[0].url: must be an absolute http or https URL or a relative"
                + " path, got scheme \"ftp\" in \"ftp://x/p\"",
            "releases[1].patches[0].hash_value: must be 128 lower-case hex digits for sha512,"
                + " got 3 characters");
  }

  @Test
  void parse_patchFromTheSameOrALaterVersion_isRefused() {
    assertThat(
            problems(
                release("2.0", H2, patch("2.0", "")),
                release("3.0", "44".repeat(64), "")))
        .containsExactly(
            "releases[0].patches[0].from: must be a version below the release's 2.0, got"
                + " \"2.0\"");
  }

  @Test
  void parse_patchHashFunctionUnlikeTheBaseRelease_isRefused() {
    String sha256Base =
        release("1.0", "55".repeat(32), "").replace("\"sha512\"", "\"sha256\"");

    assertThat(problems(sha256Base, release("2.0", H2, patch("1.0", ""))))
        .containsExactly(
            "releases[1].patches[0].hash_function: must be the hash function of the from release"
                + " 1.0 (sha256), got sha512");
  }

  @Test
  void releaseBuilder_patchFromALaterVersion_throws() {
    ReleasePatch p =
        ReleasePatch.builder()
            .from("3.0")
            .format("zstd")
            .url("p.zst")
            .hashFunction(HashFunction.SHA512)
            .hashValue(HP)
            .size(1)
            .build();

    assertThatThrownBy(() -> MatcherTest.release("app", "2.0").patches(List.of(p)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("patches[0].from: must be a version below");
  }

  @Test
  void match_clientListsZstdAndHasTheFromVersion_offersThePatchWithTheBaseDigest() {
    Matcher m =
        Matcher.create(catalog(release("1.0", H1, ""), release("2.0", H2, patch("1.0", ""))), BASE);

    AvailableUpdate offer =
        m.match(request().installed("app", "1.0").patchFormats(List.of("zstd")).build()).get(0);

    assertThat(offer.version()).isEqualTo("2.0");
    assertThat(offer.patch())
        .isEqualTo(
            Patch.builder()
                .from("1.0")
                .fromHashValue(H1)
                .format("zstd")
                .url(URI.create("https://updates.example.com/files/app-1.0-2.0.zst"))
                .hashFunction(HashFunction.SHA512)
                .hashValue(HP)
                .size(100)
                .build());
  }

  @Test
  void match_installedVersionWrittenDifferently_stillMatchesTheFromVersion() {
    Matcher m =
        Matcher.create(catalog(release("1.0", H1, ""), release("2.0", H2, patch("1.0", ""))), BASE);

    assertThat(
            m.match(request().installed("app", "1.0.0").patchFormats(List.of("zstd")).build())
                .get(0)
                .patch())
        .isNotNull();
  }

  @Test
  void match_noFormatsOtherFormatOtherInstalledOrNone_offersNoPatch() {
    Matcher m =
        Matcher.create(
            catalog(
                release("0.9", "66".repeat(64), ""),
                release("1.0", H1, ""),
                release("2.0", H2, patch("1.0", ""))),
            BASE);

    assertThat(m.match(request().installed("app", "1.0").build()).get(0).patch()).isNull();
    assertThat(
            m.match(request().installed("app", "1.0").patchFormats(List.of("bsdiff")).build())
                .get(0)
                .patch())
        .isNull();
    assertThat(
            m.match(request().installed("app", "0.9").patchFormats(List.of("zstd")).build())
                .get(0)
                .patch())
        .isNull();
    assertThat(m.match(request().patchFormats(List.of("zstd")).build()).get(0).patch()).isNull();
  }

  @Test
  void match_olderClientWithoutPatchFormats_getsByteForByteTheResponseOfACatalogWithoutPatches() {
    Matcher withPatches =
        Matcher.create(catalog(release("1.0", H1, ""), release("2.0", H2, patch("1.0", ""))), BASE);
    Matcher without =
        Matcher.create(catalog(release("1.0", H1, ""), release("2.0", H2, "")), BASE);
    UpdateRequest older = request().installed("app", "1.0").build();
    ServerCodec codec = ServerCodec.create();

    byte[] a = codec.encodeUpdateResponse(UpdateResponse.of(withPatches.match(older), "rid-1"));
    byte[] b = codec.encodeUpdateResponse(UpdateResponse.of(without.match(older), "rid-1"));

    assertThat(a).isEqualTo(b);
    assertThat(new String(a, StandardCharsets.UTF_8)).doesNotContain("patch");
  }
}
