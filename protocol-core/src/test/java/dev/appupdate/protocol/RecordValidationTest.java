package dev.appupdate.protocol;

import static dev.appupdate.protocol.TestDocs.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The records validate in their constructors, so an invalid document can never be encoded. */
class RecordValidationTest {
  private static final URI URL = URI.create("https://updates.example.com/x");
  private static final String SHA256 = hex(HashFunction.SHA256, "x");

  @Test
  void updateRequest_invalidLocale_isRefusedNamingTheField() {
    assertThatThrownBy(() -> UpdateRequest.of("app", "1.0", "macOS", "en_US"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("locale: must be a BCP 47 language tag such as en-US, got \"en_US\"");
  }

  @Test
  void updateRequest_nullProduct_isRefused() {
    assertThatThrownBy(() -> UpdateRequest.of(null, "1.0", "macOS", "en"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("product == null");
  }

  @Test
  void updateRequestBuilder_installedTwice_isRefused() {
    UpdateRequest.Builder b = UpdateRequest.builder("app", "1", "Linux", "en").installed("t", "1");

    assertThatThrownBy(() -> b.installed("t", "2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("installed version of t already set to 1");
  }

  @Test
  void updateRequestBuilder_channelTwice_isRefusedNamingIt() {
    UpdateRequest.Builder b = UpdateRequest.builder("app", "1", "Linux", "en").channel("beta");

    assertThatThrownBy(() -> b.channel("nightly"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("channel already set to beta");
  }

  @Test
  void updateRequestBuilder_archTwice_isRefusedNamingIt() {
    UpdateRequest.Builder b = UpdateRequest.builder("app", "1", "Linux", "en").arch("x86_64");

    assertThatThrownBy(() -> b.arch("aarch64"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("arch already set to x86_64");
  }

  @Test
  void updateRequestBuilder_osVersionTwiceEvenAfterNull_isRefusedNamingIt() {
    UpdateRequest.Builder b = UpdateRequest.builder("app", "1", "Linux", "en").osVersion(null);

    assertThatThrownBy(() -> b.osVersion("14"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("osVersion already set to null");
  }

  @Test
  void updateRequestBuilder_installationIdTwice_isRefusedNamingIt() {
    UpdateRequest.Builder b =
        UpdateRequest.builder("app", "1", "Linux", "en").installationId("id-1");

    assertThatThrownBy(() -> b.installationId("id-2"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("installationId already set to id-1");
  }

  @Test
  void updateRequestToBuilder_eachValueMayStillBeSetOnce() {
    UpdateRequest r =
        UpdateRequest.builder("app", "1", "Linux", "en")
            .channel("beta")
            .arch("x86_64")
            .osVersion("14")
            .installationId("id-1")
            .build();

    UpdateRequest changed =
        r.toBuilder().channel("nightly").arch(null).osVersion("15").installationId("id-2").build();

    assertThat(changed)
        .isEqualTo(
            UpdateRequest.builder("app", "1", "Linux", "en")
                .channel("nightly")
                .osVersion("15")
                .installationId("id-2")
                .build());
    assertThatThrownBy(() -> r.toBuilder().channel("a").channel("b"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("channel already set to a");
  }

  @Test
  void updateRequestToBuilder_installedAddsTypesButDoesNotReplaceOne() {
    UpdateRequest r = UpdateRequest.builder("app", "1", "Linux", "en").installed("t", "1").build();

    assertThat(r.toBuilder().installed("u", "2").build().installed())
        .containsExactly(Map.entry("t", "1"), Map.entry("u", "2"));
    assertThatThrownBy(() -> r.toBuilder().installed("t", "2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("installed version of t already set to 1");
  }

  @Test
  void updateRequest_installedMap_isUnmodifiable() {
    UpdateRequest r = UpdateRequest.builder("a", "1", "p", "en").installed("t", "1").build();

    assertThat(r.installed()).containsOnlyKeys("t");
    assertThatThrownBy(() -> r.installed().put("v", "3"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void updateRequest_installedNullVersion_isRefused() {
    assertThatThrownBy(() -> UpdateRequest.builder("a", "1", "p", "en").installed("t", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("version == null");
  }

  @Test
  void updateRequest_installedBadKey_isRefusedQuotingTheKey() {
    assertThatThrownBy(
            () -> UpdateRequest.builder("a", "1", "p", "en").installed("bad key", "1").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "installed key \"bad key\": must start with a letter or digit and hold only letters,"
                + " digits, '.', '_' and '-', got \"bad key\"");
  }

  @Test
  void updateRequest_installedBadVersion_isRefusedNamingTheType() {
    assertThatThrownBy(() -> UpdateRequest.builder("a", "1", "p", "en").installed("t", "1 0").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "installed.t: must hold only printable ASCII characters without spaces, got \"1 0\""
                + " with U+0020 at offset 1");
  }

  @Test
  void availableUpdate_hashOfWrongLength_isRefused() {
    assertThatThrownBy(() -> AvailableUpdate.builder()
        .updateType("t").url(URL).hashFunction(HashFunction.SHA512).hashValue(SHA256).size(1).version("1").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("hash_value: must be 128 lower-case hex digits for sha512, got 64 characters");
  }

  @Test
  void availableUpdate_relativeMirror_isRefused() {
    assertThatThrownBy(
            () ->
                AvailableUpdate.builder()
                    .updateType("t")
                    .url(URL)
                    .hashFunction(HashFunction.SHA256)
                    .hashValue(SHA256)
                    .size(1)
                    .version("1")
                    .mirrors(List.of(URI.create("/m")))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("mirrors[0]: must be an absolute http or https URL with a host, got \"/m\"");
  }

  @Test
  void availableUpdate_urls_listsTheUrlThenTheMirrors() {
    URI m1 = URI.create("https://m1.example/x");
    URI m2 = URI.create("https://m2.example/x");
    AvailableUpdate u =
        AvailableUpdate.builder()
            .updateType("t")
            .url(URL)
            .hashFunction(HashFunction.SHA256)
            .hashValue(SHA256)
            .size(1)
            .version("1")
            .mirrors(List.of(m1, m2))
            .build();

    assertThat(u.urls()).containsExactly(URL, m1, m2);
    assertThat(u.parsedVersion()).isEqualTo(Version.parse("1.0"));
  }

  @Test
  void updateResponse_withoutOffers_isRefused() {
    assertThatThrownBy(() -> UpdateResponse.of(List.of(), "r"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("available_updates: must not be empty (answer 204)");
  }

  @Test
  void updateResponse_sameUpdateTypeTwice_isRefused() {
    AvailableUpdate u = AvailableUpdate.builder()
        .updateType("t")
        .url(URL)
        .hashFunction(HashFunction.SHA256)
        .hashValue(SHA256)
        .size(1)
        .version("1")
        .build();

    assertThatThrownBy(() -> UpdateResponse.of(List.of(u, u), "r"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("available_updates: update_type t offered twice");
  }

  @Test
  void outcome_failedWithoutReason_isRefused() {
    assertThatThrownBy(() -> Outcome.failed("1", FailureCode.OTHER, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("reason: required when status is failed");
  }

  @Test
  void outcome_success_hasNeitherCodeNorReason() {
    Outcome ok = Outcome.success("1");

    assertThat(ok.code()).isNull();
    assertThat(ok.reason()).isNull();
  }

  @Test
  void outcome_failedWithoutCode_isRefused() {
    assertThatThrownBy(() -> Outcome.failed("1", null, "why"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("code == null");
  }

  @Test
  void outcome_nullArguments_failAsDocumented() {
    assertThatThrownBy(() -> Outcome.success(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("version == null");
    assertThatThrownBy(() -> Outcome.failed(null, FailureCode.OTHER, "why"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("version == null");
    assertThatThrownBy(() -> Outcome.failed("1", FailureCode.OTHER, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("reason: required when status is failed");
  }

  @Test
  void outcome_withObserved_keepsStatusCodeAndReasonAndAcceptsUnknownParts() {
    Outcome failed = Outcome.failed("1", FailureCode.SIZE_MISMATCH, "size mismatch");

    Outcome observed = failed.withObserved(null, null, 12L);

    assertThat(observed.code()).isEqualTo(FailureCode.SIZE_MISMATCH);
    assertThat(observed.reason()).isEqualTo("size mismatch");
    assertThat(observed.size()).isEqualTo(12L);
    assertThat(observed.hashFunction()).isNull();
    assertThat(observed).isNotEqualTo(failed);
  }

  @Test
  void completionReport_withoutOutcomes_isRefused() {
    assertThatThrownBy(() -> CompletionReport.of("r", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("updates: must not be empty");
  }

  @Test
  void completionReport_invalidRequestId_isRefused() {
    assertThatThrownBy(() -> CompletionReport.of("", Map.of("t", Outcome.success("1"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("request_id: must not be empty");
  }

  @Test
  void problem_statusOutsideErrorRange_isRefused() {
    assertThatThrownBy(() -> Problem.of(302, "Found", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("status: must be 400-599, got 302");
  }

  @Test
  void protocolException_withoutErrors_isRefused() {
    assertThatThrownBy(() -> new ProtocolException("update request", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("errors is empty");
  }

  @Test
  void codecLimits_nonPositive_isRefused() {
    assertThatThrownBy(() -> new CodecLimits(0, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxDocumentBytes must be > 0, got 0");
  }

  @Test
  void rejectedOfferReason_longFirstError_isCutToAValidReason() {
    RejectedOffer r =
        new RejectedOffer(0, "t", "1", List.of(new FieldError("f", "x".repeat(2000))));

    assertThat(r.reason()).hasSize(1024).startsWith("invalid offer: f: xxx").endsWith("...");
    assertThat(Outcome.failed("1", FailureCode.OTHER, r.reason()).reason()).isEqualTo(r.reason());
  }

  @Test
  void rejectedOfferReason_controlCharactersAndLoneSurrogates_areEscapedToAValidReason() {
    RejectedOffer r =
        new RejectedOffer(0, "t", "1", List.of(new FieldError("f", "bad \u0001 and \ud800 here")));

    assertThat(r.reason()).isEqualTo("invalid offer: f: bad \\u0001 and \\ud800 here");
    assertThat(Outcome.failed("1", FailureCode.OTHER, r.reason()).reason()).isEqualTo(r.reason());
  }

  @Test
  void rejectedOfferReason_ofAHashFunctionWithControlCharacters_isAValidReason() {
    String body =
        "{\"available_updates\":[{\"update_type\":\"t\",\"url\":\"https://h.example/x\","
            + "\"hash_function\":\"\\u0001\\ud800" + "x".repeat(3000) + "\","
            + "\"hash_value\":\"" + SHA256 + "\",\"size\":1,\"version\":\"1\"}],"
            + "\"request_id\":\"r\"}";
    RejectedOffer r =
        ClientCodec.create()
            .decodeUpdateResponse(body.getBytes(java.nio.charset.StandardCharsets.UTF_8))
            .rejected()
            .get(0);

    assertThat(r.reason())
        .startsWith(
            "invalid offer: available_updates[0].hash_function: unsupported hash function"
                + " \"\\u0001\\ud800xxx");
    assertThat(Outcome.failed("1", FailureCode.OTHER, r.reason()).reason()).isEqualTo(r.reason());
  }

  @Test
  void availableUpdate_urlWithUserInformation_isRefusedWithoutEchoingIt() {
    assertThatThrownBy(
            () ->
                AvailableUpdate.builder()
                    .updateType("t")
                    .url(URI.create("https://u:secret@h.example/x"))
                    .hashFunction(HashFunction.SHA256)
                    .hashValue(SHA256)
                    .size(1)
                    .version("1")
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("url: must not hold user information (user:password@) before the host");
  }

  @Test
  void protocolSchema_everySchema_isShippedAsAResource() {
    for (ProtocolSchema s : ProtocolSchema.values()) {
      assertThat(s.text()).as(s.resourcePath()).contains("\"$schema\"");
      assertThat(ProtocolSchema.fromSchemaName(s.schemaName())).isEqualTo(s);
    }
    assertThat(ProtocolSchema.UPDATE_REQUEST.resourcePath())
        .isEqualTo("dev/appupdate/protocol/schema/update-request.schema.json");
  }
}
