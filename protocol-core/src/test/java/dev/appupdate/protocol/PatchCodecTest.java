package dev.appupdate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The wire form of patch_formats, an offer's patch, and the patch note of a completion. */
class PatchCodecTest {
  private static final String H = "ab".repeat(64);
  private static final String HB = "cd".repeat(64);
  private final ServerCodec server = ServerCodec.create();
  private final ClientCodec client = ClientCodec.create();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Patch patch(String from) {
    return Patch.builder()
        .from(from)
        .fromHashValue(HB)
        .format("zstd")
        .url(URI.create("https://u.example.com/p.zst"))
        .hashFunction(HashFunction.SHA512)
        .hashValue(H)
        .size(42)
        .build();
  }

  private static AvailableUpdate.Builder offer() {
    return AvailableUpdate.builder()
        .updateType("app")
        .url(URI.create("https://u.example.com/app-2.0.jar"))
        .hashFunction(HashFunction.SHA512)
        .hashValue(H)
        .size(1000)
        .version("2.0");
  }

  @Test
  void request_patchFormats_roundTripsAndIsLeftOutWhenEmpty() {
    UpdateRequest with =
        UpdateRequest.builder("your_app", "1", "macOS", "en").patchFormats(List.of("zstd")).build();
    UpdateRequest without = UpdateRequest.of("your_app", "1", "macOS", "en");

    assertThat(new String(client.encodeUpdateRequest(with), StandardCharsets.UTF_8))
        .contains("\"patch_formats\":[\"zstd\"]");
    assertThat(server.decodeUpdateRequest(client.encodeUpdateRequest(with))).isEqualTo(with);
    assertThat(new String(client.encodeUpdateRequest(without), StandardCharsets.UTF_8))
        .doesNotContain("patch");
  }

  @Test
  void request_patchFormatsNotNamesOrRepeated_refusedOrCountedOnce() {
    assertThatThrownBy(
            () ->
                server.decodeUpdateRequest(
                    utf8(
                        "{\"product\":\"p\",\"version\":\"1\",\"platform\":\"x\",\"locale\":\"en\","
                            + "\"patch_formats\":[\"zstd\",7,\"a b\"]}")))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("patch_formats[1]: must be a string, got 7")
        .hasMessageContaining("patch_formats[2]: must start with a letter or digit");
    assertThat(
            server
                .decodeUpdateRequest(
                    utf8(
                        "{\"product\":\"p\",\"version\":\"1\",\"platform\":\"x\",\"locale\":\"en\","
                            + "\"patch_formats\":[\"zstd\",\"zstd\"]}"))
                .patchFormats())
        .containsExactly("zstd");
    assertThatThrownBy(
            () ->
                UpdateRequest.builder("p", "1", "x", "en")
                    .patchFormats(List.of("zstd", "zstd"))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("patch_formats[1]: repeats \"zstd\"");
  }

  @Test
  void offer_withPatch_roundTripsThroughBothCodecs() {
    AvailableUpdate o = offer().patch(patch("1.0")).build();

    byte[] json = server.encodeUpdateResponse(UpdateResponse.of(List.of(o), "rid"));

    assertThat(new String(json, StandardCharsets.UTF_8))
        .contains(
            "\"patch\":{\"from\":\"1.0\",\"from_hash_value\":\"" + HB + "\",\"format\":\"zstd\","
                + "\"url\":\"https://u.example.com/p.zst\",\"hash_function\":\"sha512\","
                + "\"hash_value\":\"" + H + "\",\"size\":42}");
    assertThat(client.decodeUpdateResponse(json).availableUpdates()).containsExactly(o);
  }

  @Test
  void offer_patchFromNotBelowTheVersionOrWithBadMembers_isRejectedNamingEachField() {
    String response =
        "{\"request_id\":\"rid\",\"available_updates\":[{\"update_type\":\"app\","
            + "\"url\":\"https://u.example.com/a\",\"hash_function\":\"sha512\",\"hash_value\":\""
            + H + "\",\"size\":1,\"version\":\"2.0\",\"patch\":%s}]}";

    UpdateResponse late =
        client.decodeUpdateResponse(
            utf8(
                String.format(
                    response,
                    "{\"from\":\"2.0\",\"from_hash_value\":\"" + HB + "\",\"format\":\"zstd\","
                        + "\"url\":\"https://u.example.com/p\",\"hash_function\":\"sha512\","
                        + "\"hash_value\":\"" + H + "\",\"size\":1}")));
    UpdateResponse bad =
        client.decodeUpdateResponse(
            utf8(String.format(response, "{\"from\":\"1.0\",\"format\":\"zstd\",\"size\":1}")));

    assertThat(late.availableUpdates()).isEmpty();
    assertThat(late.rejected().get(0).errors().toString())
        .contains("patch.from: must be a version below 2.0, got \"2.0\"");
    assertThat(bad.rejected().get(0).errors().toString())
        .contains("patch.from_hash_value", "patch.url", "patch.hash_function", "patch.hash_value");
  }

  @Test
  void outcome_patchNotes_roundTripAndAFailureWithoutTextIsRefused() {
    CompletionReport report =
        CompletionReport.of(
            "rid",
            Map.of(
                "a", Outcome.success("2.0").withPatchUsed(),
                "b", Outcome.success("3.0").withPatchFailure("base file differs")));

    byte[] json = client.encodeCompletionReport(report);

    assertThat(new String(json, StandardCharsets.UTF_8))
        .contains("\"patch\":{\"used\":true}")
        .contains("\"patch\":{\"used\":false,\"failure\":\"base file differs\"}");
    assertThat(server.decodeCompletionReport(json)).isEqualTo(report);
    assertThatThrownBy(
            () ->
                server.decodeCompletionReport(
                    utf8(
                        "{\"request_id\":\"rid\",\"updates\":{\"a\":{\"status\":\"success\","
                            + "\"version\":\"1\",\"patch\":{\"used\":false}}}}")))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("patch.failure: is required when used is false");
  }

  @Test
  void outcome_withoutPatchNote_encodesAsBefore() {
    byte[] json =
        client.encodeCompletionReport(
            CompletionReport.of("rid", Map.of("a", Outcome.success("2.0"))));

    assertThat(new String(json, StandardCharsets.UTF_8)).doesNotContain("patch");
  }
}
