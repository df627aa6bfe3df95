package dev.appupdate.protocol;

import static dev.appupdate.protocol.TestDocs.assertRejected;
import static dev.appupdate.protocol.TestDocs.doc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
        Problem.builder(400, "Bad Request").type(URI.create("about:blank"))
            .detail("bad")
            .instance(URI.create("/v1/update"))
            .errors(List.of(new FieldError("version", "is required")))
            .build();

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

    assertThat(p).isEqualTo(Problem.builder(503, "").build());
  }

  @Test
  void decode_statusOutsideErrorRange_isIgnoredForTheFallback() {
    Problem p = client.decodeProblem(doc("{'title':'OK','status':200}"), 502);

    assertThat(p.status()).isEqualTo(502);
    assertThat(p.title()).isEqualTo("OK");
  }

  @Test
  void decode_statusAsFloat_isIgnoredForTheFallback() {
    assertThat(client.decodeProblem(doc("{'status':400.0}"), 503).status()).isEqualTo(503);
  }

  @Test
  void decode_statusAsString_isIgnoredForTheFallback() {
    assertThat(client.decodeProblem(doc("{'status':'404'}"), 500).status()).isEqualTo(500);
  }

  @Test
  void decode_titleOfWrongType_isIgnored() {
    Problem p = client.decodeProblem(doc("{'title':5,'status':404,'detail':'gone'}"), 500);

    assertThat(p).isEqualTo(Problem.builder(404, "").detail("gone").build());
  }

  @Test
  void decode_detailOfWrongType_isIgnored() {
    assertThat(client.decodeProblem(doc("{'detail':['a']}"), 400).detail()).isNull();
  }

  @Test
  void decode_errorsNotAnArray_isIgnored() {
    assertThat(client.decodeProblem(doc("{'errors':{'field':'a','message':'b'}}"), 400).errors())
        .isEmpty();
  }

  @Test
  void decode_errorsEntriesNotObjectsOrWithoutStrings_areLeftOutKeepingTheOthers() {
    Problem p =
        client.decodeProblem(
            doc(
                "{'errors':['version is bad',{'field':'version'},{'field':1,'message':'m'},"
                    + "{'field':'locale','message':'is required'},null]}"),
            400);

    assertThat(p.errors()).containsExactly(new FieldError("locale", "is required"));
  }

  @Test
  void decode_typeNotAUri_isIgnoredForAboutBlank() {
    assertThat(client.decodeProblem(doc("{'type':'not a uri'}"), 400).type())
        .isEqualTo(Problem.ABOUT_BLANK);
  }

  @Test
  void decode_typeOfWrongType_isIgnoredForAboutBlank() {
    assertThat(client.decodeProblem(doc("{'type':7}"), 400).type()).isEqualTo(Problem.ABOUT_BLANK);
  }

  @Test
  void decode_instanceNotAUri_isIgnored() {
    Problem p = client.decodeProblem(doc("{'type':'https://e.example/p','instance':'a b'}"), 400);

    assertThat(p.type()).isEqualTo(URI.create("https://e.example/p"));
    assertThat(p.instance()).isNull();
  }

  @Test
  void decode_bodyNotAnObject_isRejected() {
    assertRejected(
        () -> client.decodeProblem(doc("['not','a','problem']"), 400),
        "$",
        "must be a JSON object, got an array");
  }

  @Test
  void decode_fallbackStatusOutsideErrorRange_isRefusedUpFront() {
    assertThatThrownBy(() -> client.decodeProblem(doc("{'status':400}"), 200))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fallbackStatus must be an error status from 400 to 599, got 200");
  }

  // ---- Problem.invalid stays small and readable however many fields are bad ----

  private static ProtocolException manyErrors(int count, String field, String message) {
    List<FieldError> errors = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      errors.add(new FieldError(field + i, message));
    }
    return new ProtocolException("update request", errors);
  }

  @Test
  void invalid_fewErrors_detailSpellsOutEachOne() {
    Problem p =
        Problem.invalid(
            new ProtocolException(
                "update request",
                List.of(new FieldError("version", "is required"), new FieldError("locale", "x"))));

    assertThat(p.detail()).isEqualTo("invalid update request: version: is required; locale: x");
    assertThat(p.errors()).hasSize(2);
  }

  @Test
  void invalid_thousandErrors_listsTheFirstHundredAndCountsTheRestInDetail() {
    Problem p = Problem.invalid(manyErrors(1000, "installed.t", "must not be empty"));

    assertThat(p.errors()).hasSize(Problem.MAX_ERRORS);
    assertThat(p.errors().get(99)).isEqualTo(new FieldError("installed.t99", "must not be empty"));
    assertThat(p.detail())
        .startsWith("invalid update request: installed.t0: must not be empty; installed.t1: ")
        .endsWith("installed.t28: must not be empty; and 971 more")
        .hasSizeLessThanOrEqualTo(1024);
  }

  @Test
  void invalid_longMessages_areCutInErrorsAndDetail() {
    Problem p = Problem.invalid(manyErrors(3, "f", "m".repeat(5000)));

    assertThat(p.errors()).allSatisfy(e -> assertThat(e.message()).hasSize(1024).endsWith("..."));
    assertThat(p.detail())
        .startsWith("invalid update request: f0: mmm")
        .endsWith("...; and 2 more")
        .hasSize(1024);
  }

  @Test
  void invalid_controlCharactersAndLoneSurrogates_areEscaped() {
    Problem p =
        Problem.invalid(
            new ProtocolException(
                "update request", List.of(new FieldError("a\u0001b", "x\ud800y"))));

    assertThat(p.errors()).containsExactly(new FieldError("a\\u0001b", "x\\ud800y"));
    assertThat(p.detail()).isEqualTo("invalid update request: a\\u0001b: x\\ud800y");
  }

  @Test
  void invalid_ofAHugeRequest_encodesToAProblemTheClientReadsWithDefaultLimits() {
    StringBuilder installed = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      installed.append(i == 0 ? "" : ",").append("'bad key ").append("k".repeat(200)).append(i)
          .append("':true");
    }
    byte[] request =
        doc(
            "{'product':'p','version':'1','platform':'m','locale':'en','installed':{"
                + installed + "}}");
    ProtocolException e =
        catchThrowableOfType(ProtocolException.class, () -> server.decodeUpdateRequest(request));
    assertThat(e.errors()).hasSize(2000);

    byte[] body = server.encodeProblem(Problem.invalid(e));
    Problem decoded = client.decodeProblem(body, 500);

    assertThat(body.length).isLessThan(64 * 1024);
    assertThat(decoded.errors()).hasSize(Problem.MAX_ERRORS);
    assertThat(decoded.errors().get(0).field()).isEqualTo("installed[\"bad key " + "k".repeat(69) + "...\"]");
    assertThat(decoded.detail()).endsWith(" more").hasSizeLessThanOrEqualTo(1024);
  }

  @Test
  void protocolExceptionMessage_ofThousandErrors_spellsOutTheFirstHundred() {
    ProtocolException e = manyErrors(1000, "f", "bad");

    assertThat(e.getMessage()).endsWith("; f99: bad; and 900 more");
    assertThat(e.errors()).hasSize(1000);
  }

  @Test
  void notFound_namesThePathAsSentAndTheProtocolRoutes() {
    Problem p = Problem.notFound("/app/v1/update");

    assertThat(p.status()).isEqualTo(404);
    assertThat(p.title()).isEqualTo("Not Found");
    assertThat(p.detail())
        .isEqualTo(
            "no resource at \"/app/v1/update\"; protocol v1 answers POST /v1/update and POST"
                + " /v1/completion");
  }

  @Test
  void notFound_controlNonAsciiAndQuotes_becomeQuestionMarksAndALongPathIsCut() {
    assertThat(Problem.notFound("/a\nb/caf\u00e9/\"x\"").detail())
        .startsWith("no resource at \"/a?b/caf?/?x?\";");
    assertThat(Problem.notFound("/" + "x".repeat(200)).detail())
        .startsWith("no resource at \"/" + "x".repeat(76) + "...\";");
  }

  @Test
  void methodNotAllowed_namesMethodPathAndAllowedMethods() {
    Problem p = Problem.methodNotAllowed("GET", "/v1/update", List.of("POST"));

    assertThat(p.status()).isEqualTo(405);
    assertThat(p.title()).isEqualTo("Method Not Allowed");
    assertThat(p.detail()).isEqualTo("\"/v1/update\" does not accept GET; use POST");
    assertThat(Problem.methodNotAllowed("P\nUT" + "X".repeat(40), "/f", List.of("GET", "HEAD")).detail())
        .isEqualTo("\"/f\" does not accept P?UT" + "X".repeat(28) + "...; use GET, HEAD");
  }

  @Test
  void methodNotAllowed_withoutAllowedMethods_isMisuse() {
    assertThatThrownBy(() -> Problem.methodNotAllowed("GET", "/x", List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void contentTooLarge_namesTheLimit() {
    Problem p = Problem.contentTooLarge(65536);

    assertThat(p.status()).isEqualTo(413);
    assertThat(p.title()).isEqualTo("Content Too Large");
    assertThat(p.detail()).isEqualTo("the request body is larger than 65536 bytes");
  }
}
