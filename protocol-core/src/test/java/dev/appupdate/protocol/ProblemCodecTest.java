package dev.appupdate.protocol;

import static dev.appupdate.protocol.TestDocs.assertRejected;
import static dev.appupdate.protocol.TestDocs.doc;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ServerCodec writes and ClientCodec reads {@code application/problem+json} bodies. */
class ProblemCodecTest {
  private final ServerCodec server = ServerCodec.create();
  private final ClientCodec client = ClientCodec.create();

  @Test
  void encodeThenDecode_validationProblem_roundTrips() {
    ProtocolException e =
        new ProtocolException(
            "update request",
            List.of(
                new FieldError("version", "must be a string or an integer, got 1.5"),
                new FieldError("locale", "is required")));
    Problem problem = Problem.invalid(e);

    Problem decoded = client.decodeProblem(server.encodeProblem(problem), 500);

    assertThat(decoded).isEqualTo(problem);
    assertThat(decoded.status()).isEqualTo(400);
    assertThat(decoded.detail())
        .isEqualTo(
            "invalid update request: version: must be a string or an integer, got 1.5;"
                + " locale: is required");
  }

  @Test
  void encode_writesRfc9457MembersAndErrors() {
    Problem p =
        new Problem(
            URI.create("about:blank"),
            "Bad Request",
            400,
            "bad",
            URI.create("/v1/update"),
            List.of(new FieldError("version", "is required")));

    assertThat(new String(server.encodeProblem(p), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"type\":\"about:blank\",\"title\":\"Bad Request\",\"status\":400,\"detail\":\"bad\","
                + "\"instance\":\"/v1/update\",\"errors\":[{\"field\":\"version\","
                + "\"message\":\"is required\"}]}");
  }

  @Test
  void encode_withoutDetailInstanceAndErrors_omitsThem() {
    assertThat(new String(server.encodeProblem(Problem.of(404, "Not Found", null)), StandardCharsets.UTF_8))
        .isEqualTo("{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404}");
  }

  @Test
  void decode_missingMembers_useDefaults() {
    Problem p = client.decodeProblem(doc("{}"), 503);

    assertThat(p).isEqualTo(new Problem(Problem.ABOUT_BLANK, "", 503, null, null, List.of()));
  }

  @Test
  void decode_statusOutsideErrorRange_isRejected() {
    assertRejected(
        () -> client.decodeProblem(doc("{'title':'OK','status':200}"), 400),
        "status",
        "must be an integer 400-599, got 200");
  }

  @Test
  void decode_errorsEntryNotAnObject_isRejected() {
    assertRejected(
        () -> client.decodeProblem(doc("{'errors':['version is bad']}"), 400),
        "errors[0]",
        "must be a JSON object, got \"version is bad\"");
  }

  @Test
  void decode_errorsEntryWithoutMessage_isRejected() {
    assertRejected(
        () -> client.decodeProblem(doc("{'errors':[{'field':'version'}]}"), 400),
        "errors[0].message",
        "is required");
  }

  @Test
  void decode_typeNotAUri_isRejected() {
    assertRejected(
        () -> client.decodeProblem(doc("{'type':'not a uri'}"), 400),
        "type",
        "must be a URI (Illegal character in path at offset 3), got \"not a uri\"");
  }

  @Test
  void decode_instanceNotAUriWithValidType_namesInstance() {
    assertRejected(
        () -> client.decodeProblem(doc("{'type':'about:blank','instance':'a b'}"), 400),
        "instance",
        "must be a URI (Illegal character in path at offset 1), got \"a b\"");
  }
}
