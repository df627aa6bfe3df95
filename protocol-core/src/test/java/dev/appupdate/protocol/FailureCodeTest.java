package dev.appupdate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FailureCodeTest {
  private final ServerCodec server = ServerCodec.create();
  private final ClientCodec client = ClientCodec.create();

  private Outcome decodeOutcome(String outcomeJson) {
    String report = "{\"request_id\": \"r\", \"updates\": {\"t\": " + outcomeJson + "}}";
    return server
        .decodeCompletionReport(report.getBytes(StandardCharsets.UTF_8))
        .updates()
        .get("t");
  }

  @Test
  void wireNames_areTheDesignedOnes() {
    assertThat(Arrays.stream(FailureCode.values()).map(FailureCode::wireName))
        .containsExactly(
            "bad_checksum",
            "size_mismatch",
            "bad_signature",
            "download_failed",
            "install_failed",
            "patch_failed",
            "cancelled",
            "other");
  }

  @ParameterizedTest
  @EnumSource(FailureCode.class)
  void everyCode_roundTripsThroughBothCodecs(FailureCode code) {
    CompletionReport report =
        CompletionReport.of("r", Map.of("t", Outcome.failed("1.0", code, "why")));

    CompletionReport decoded = server.decodeCompletionReport(client.encodeCompletionReport(report));

    assertThat(decoded).isEqualTo(report);
    assertThat(new String(client.encodeCompletionReport(report), StandardCharsets.UTF_8))
        .contains("\"code\":\"" + code.wireName() + "\"");
  }

  @Test
  void decode_failedWithoutCodeAndTheSeedsChecksumReason_derivesBadChecksum() {
    Outcome o = decodeOutcome("{\"status\": \"failed\", \"version\": \"1\", \"reason\": \"bad checksum\"}");

    assertThat(o.code()).isEqualTo(FailureCode.BAD_CHECKSUM);
  }

  @Test
  void decode_failedWithoutCodeAndAnyOtherReason_derivesOther() {
    Outcome o = decodeOutcome("{\"status\": \"failed\", \"version\": \"1\", \"reason\": \"disk full\"}");

    assertThat(o.code()).isEqualTo(FailureCode.OTHER);
  }

  @Test
  void decode_unknownCode_readsAsOtherAndKeepsTheReason() {
    Outcome o =
        decodeOutcome(
            "{\"status\": \"failed\", \"version\": \"1\", \"code\": \"eaten_by_a_grue\","
                + " \"reason\": \"dark\"}");

    assertThat(o.code()).isEqualTo(FailureCode.OTHER);
    assertThat(o.reason()).isEqualTo("dark");
  }

  @Test
  void decode_nullCode_isDerivedAsIfAbsent() {
    Outcome o =
        decodeOutcome(
            "{\"status\": \"failed\", \"version\": \"1\", \"code\": null,"
                + " \"reason\": \"bad checksum\"}");

    assertThat(o.code()).isEqualTo(FailureCode.BAD_CHECKSUM);
  }

  @Test
  void decode_codeOnSuccess_isDropped() {
    Outcome o = decodeOutcome("{\"status\": \"success\", \"version\": \"1\", \"code\": \"other\"}");

    assertThat(o).isEqualTo(Outcome.success("1"));
  }

  @Test
  void decode_codeOfTheWrongJsonType_isAnInvalidField() {
    assertThatThrownBy(
            () ->
                decodeOutcome(
                    "{\"status\": \"failed\", \"version\": \"1\", \"code\": 7, \"reason\": \"x\"}"))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("updates.t.code: must be a string, got 7");
  }

  @Test
  void fromWireName_unknown_isOther() {
    assertThat(FailureCode.fromWireName("BAD_CHECKSUM")).isEqualTo(FailureCode.OTHER);
    assertThat(FailureCode.fromWireName("install_failed")).isEqualTo(FailureCode.INSTALL_FAILED);
  }
}
