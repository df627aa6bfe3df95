package dev.appupdate.protocol;

import static dev.appupdate.protocol.TestDocs.assertRejected;
import static dev.appupdate.protocol.TestDocs.doc;
import static dev.appupdate.protocol.TestDocs.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ClientCodec writes and ServerCodec reads the body of {@code POST /v1/completion}. */
class CompletionReportCodecTest {
  private final ServerCodec server = ServerCodec.create();
  private final ClientCodec client = ClientCodec.create();

  /** A report with one outcome for {@code blocklist}, given as an object body. */
  private static byte[] report(String outcome) {
    return doc("{'request_id':'r1','updates':{'blocklist':" + outcome + "}}");
  }

  private CompletionReport decode(byte[] body) {
    return server.decodeCompletionReport(body);
  }

  @Test
  void encodeThenDecode_successAndFailure_roundTrip() {
    Map<String, Outcome> updates = new LinkedHashMap<>();
    updates.put("blocklist", Outcome.success("1.0"));
    updates.put(
        "gecko_media_plugins",
        Outcome.failed("2.0", FailureCode.BAD_CHECKSUM, Outcome.BAD_CHECKSUM)
            .withObserved(HashFunction.SHA512, hex(HashFunction.SHA512, "what arrived"), 1234L));
    CompletionReport report = CompletionReport.of("xyz321", updates);

    CompletionReport decoded = decode(client.encodeCompletionReport(report));

    assertThat(decoded).isEqualTo(report);
    assertThat(decoded.updates().keySet()).containsExactly("blocklist", "gecko_media_plugins");
  }

  @Test
  void encode_writesSnakeCaseNamesAndOmitsAbsentMembers() {
    Map<String, Outcome> updates = new LinkedHashMap<>();
    updates.put("a", Outcome.success("1.0"));
    updates.put("b", Outcome.failed("2", FailureCode.OTHER, "disk full").withObserved(HashFunction.SHA256, "abc", 7L));

    String json =
        new String(
            client.encodeCompletionReport(CompletionReport.of("r", updates)),
            StandardCharsets.UTF_8);

    assertThat(json)
        .isEqualTo(
            "{\"request_id\":\"r\",\"updates\":{\"a\":{\"status\":\"success\",\"version\":\"1.0\"},"
                + "\"b\":{\"status\":\"failed\",\"version\":\"2\",\"code\":\"other\","
                + "\"reason\":\"disk full\","
                + "\"hash_function\":\"sha256\",\"hash_value\":\"abc\",\"size\":7}}}");
  }

  @Test
  void decode_reasonOnSuccess_isDropped() {
    CompletionReport r = decode(report("{'status':'success','version':'1.0','reason':'fine'}"));

    assertThat(r.updates().get("blocklist")).isEqualTo(Outcome.success("1.0"));
  }

  @Test
  void decode_integerVersion_readsItsDecimalText() {
    CompletionReport r = decode(report("{'status':'success','version':3}"));

    assertThat(r.updates().get("blocklist").version()).isEqualTo("3");
  }

  @Test
  void decode_observedHashOfAnyHexLength_isKeptAsEvidence() {
    CompletionReport r =
        decode(
            report(
                "{'status':'failed','version':'1','reason':'bad checksum',"
                    + "'hash_function':'sha512','hash_value':'abc123','size':0}"));

    assertThat(r.updates().get("blocklist"))
        .isEqualTo(
            Outcome.failed("1", FailureCode.BAD_CHECKSUM, Outcome.BAD_CHECKSUM).withObserved(HashFunction.SHA512, "abc123", 0L));
  }

  @Test
  void decode_unknownAndNullOptionalMembers_areIgnored() {
    CompletionReport r =
        decode(
            doc(
                "{'request_id':'r1','client_time':5,'updates':{'blocklist':{'status':'success',"
                    + "'version':'1','duration_ms':30,'hash_function':null,'hash_value':null,"
                    + "'size':null,'reason':null}}}"));

    assertThat(r.updates().get("blocklist")).isEqualTo(Outcome.success("1"));
  }

  // ---- one test per rejection rule ----

  @Test
  void decode_missingMembers_areAllListed() {
    assertThatThrownBy(() -> decode(doc("{}")))
        .isInstanceOfSatisfying(
            ProtocolException.class,
            e -> {
              assertThat(e.document()).isEqualTo("completion report");
              assertThat(e.errors())
                  .containsExactly(
                      new FieldError("request_id", "is required"),
                      new FieldError("updates", "is required"));
            });
  }

  @Test
  void decode_invalidRequestId_isRejected() {
    assertRejected(
        () -> decode(doc("{'request_id':'r 1','updates':{'a':{'status':'success','version':'1'}}}")),
        "request_id",
        "must hold only URL-safe characters (letters, digits, '.', '_', '~', '-'), got \"r 1\"");
  }

  @Test
  void decode_updatesNotAnObject_isRejected() {
    assertRejected(
        () -> decode(doc("{'request_id':'r1','updates':[]}")),
        "updates",
        "must be a JSON object, got an array");
  }

  @Test
  void decode_updatesEmpty_isRejected() {
    assertRejected(
        () -> decode(doc("{'request_id':'r1','updates':{}}")),
        "updates",
        "must hold at least one update_type");
  }

  @Test
  void decode_updateTypeKeyInvalid_isRejected() {
    assertRejected(
        () -> decode(doc("{'request_id':'r1','updates':{'-x':{'status':'success','version':'1'}}}")),
        "updates.-x",
        "key must start with a letter or digit and hold only letters, digits, '.', '_' and '-',"
            + " got \"-x\"");
  }

  @Test
  void decode_outcomeNotAnObject_isRejected() {
    assertRejected(
        () -> decode(report("'success'")),
        "updates.blocklist",
        "must be a JSON object, got \"success\"");
  }

  @Test
  void decode_outcomeMissingStatusAndVersion_areBothListed() {
    assertThatThrownBy(() -> decode(report("{}")))
        .isInstanceOfSatisfying(
            ProtocolException.class,
            e ->
                assertThat(e.errors())
                    .containsExactly(
                        new FieldError("updates.blocklist.status", "is required"),
                        new FieldError("updates.blocklist.version", "is required")));
  }

  @Test
  void decode_unknownStatus_isRejected() {
    assertRejected(
        () -> decode(report("{'status':'ok','version':'1'}")),
        "updates.blocklist.status",
        "must be \"success\" or \"failed\", got \"ok\"");
  }

  @Test
  void decode_versionFraction_isRejected() {
    assertRejected(
        () -> decode(report("{'status':'success','version':1.5}")),
        "updates.blocklist.version",
        "must be a string or an integer, got 1.5");
  }

  @Test
  void decode_failedWithoutReason_isRejected() {
    assertRejected(
        () -> decode(report("{'status':'failed','version':'1'}")),
        "updates.blocklist.reason",
        "is required when status is failed");
  }

  @Test
  void decode_failedWithNullReason_isRejected() {
    assertRejected(
        () -> decode(report("{'status':'failed','version':'1','reason':null}")),
        "updates.blocklist.reason",
        "is required when status is failed");
  }

  @Test
  void decode_reasonEmpty_isRejected() {
    assertRejected(
        () -> decode(report("{'status':'failed','version':'1','reason':''}")),
        "updates.blocklist.reason",
        "must not be empty");
  }

  @Test
  void decode_reasonOver1024Characters_isRejected() {
    assertRejected(
        () -> decode(report("{'status':'failed','version':'1','reason':'" + "x".repeat(1025) + "'}")),
        "updates.blocklist.reason",
        "must be at most 1024 characters, got 1025");
  }

  @Test
  void decode_reasonWithControlCharacter_isRejected() {
    assertRejected(
        () -> decode(report("{'status':'failed','version':'1','reason':'line\\nbreak'}")),
        "updates.blocklist.reason",
        "must not contain control characters, got U+000A at offset 4");
  }

  @Test
  void decode_hashFunctionMd5_isRejected() {
    assertRejected(
        () ->
            decode(
                report(
                    "{'status':'failed','version':'1','reason':'bad checksum',"
                        + "'hash_function':'md5'}")),
        "updates.blocklist.hash_function",
        "unsupported hash function \"md5\"; allowed: sha256, sha384, sha512");
  }

  @Test
  void decode_hashValueNotHex_isRejected() {
    assertRejected(
        () -> decode(report("{'status':'success','version':'1','hash_value':'xyz'}")),
        "updates.blocklist.hash_value",
        "must be lower-case hex digits, got 'x' at offset 0");
  }

  @Test
  void decode_hashValueOver128Digits_isRejected() {
    assertRejected(
        () -> decode(report("{'status':'success','version':'1','hash_value':'" + "a".repeat(129) + "'}")),
        "updates.blocklist.hash_value",
        "must be 1 to 128 lower-case hex digits, got 129 characters");
  }

  @Test
  void decode_negativeSize_isRejected() {
    assertRejected(
        () -> decode(report("{'status':'success','version':'1','size':-1}")),
        "updates.blocklist.size",
        "must not be negative, got -1");
  }
}
