package dev.appupdate.examples;

import static java.net.http.HttpResponse.BodyHandlers.ofString;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.ClientCodec;
import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.requestid.RequestIds;
import dev.appupdate.server.AppUpdateServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reference server and {@link EmbeddedServerExample} answer the same requests alike: they take
 * the same request content types, charsets included (docs/PROTOCOL.md, "Request content types"),
 * and refuse the others with the same {@code 415} problem, and they send the same problem
 * documents for an unknown path ({@code 404}), another method ({@code 405}), a body over the limit
 * ({@code 413}) and a completion they refuse ({@code 422}): both take them from protocol-core.
 */
class ServerAgreementTest {
  private static final String SEED =
      "{\"product\": \"your_app\", \"version\": 666, \"platform\": \"macOS\","
          + " \"locale\": \"en-US\"}";

  private static final String CHECK =
      "{\"product\": \"your_app\", \"version\": \"1\", \"platform\": \"macOS\","
          + " \"locale\": \"en-US\"}";

  @TempDir static Path dir;

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static ServedCatalog example;
  private static AppUpdateServer reference;

  @BeforeAll
  static void start() throws IOException {
    example = ServedCatalog.start(ServedCatalog.release("my_important_data", "1.0", 10, 1));
    // The example's body limit, so that both name the same number in a 413.
    reference =
        AppUpdateServer.builder()
            .port(0)
            .dataDir(dir.resolve("data"))
            .bodyLimit(EmbeddedServerExample.MAX_BODY_BYTES)
            .build();
    reference.start();
  }

  @AfterAll
  static void stop() {
    example.close();
    reference.close();
  }

  private static HttpResponse<String> post(URI base, String contentType) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve("v1/update"))
            .POST(HttpRequest.BodyPublishers.ofString(SEED));
    if (!contentType.equals("(none)")) {
      request.header("Content-Type", contentType);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "(none)",
        "application/json",
        "Application/JSON",
        "application/json; charset=utf-8",
        "application/json;charset=UTF-8",
        "application/json; charset=\"utf-8\"",
        "application/json; charset=us-ascii",
        "application/json; charset=US-ASCII; profile=\"x;y\"",
        "application/vnd.appupdate+json",
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=utf-8"
      })
  void acceptedContentType_isAnsweredAlikeByBoth(String contentType) throws Exception {
    assertThat(post(example.baseUrl(), contentType).statusCode()).isEqualTo(200);
    assertThat(post(reference.baseUrl(), contentType).statusCode()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/json; charset=iso-8859-1",
        "application/json; charset=\"ISO-8859-1\"",
        "application/json; charset=utf-16",
        "application/json; charset=utf8",
        "application/json; charset=",
        "text/plain",
        "text/json",
        "application/xml",
        "application/+json",
        "application/a b+json",
        "multipart/form-data; boundary=x",
        "application/json; foo=a\"b; charset=iso-8859-1",
        "application/json; foo=\"x; charset=iso-8859-1",
        "application/json; foo=\"x\"y; charset=utf-8"
      })
  void refusedContentType_is415WithTheSameProblemFromBoth(String contentType) throws Exception {
    HttpResponse<String> fromExample = post(example.baseUrl(), contentType);
    HttpResponse<String> fromReference = post(reference.baseUrl(), contentType);

    assertThat(fromExample.statusCode()).isEqualTo(415);
    assertThat(fromReference.statusCode()).isEqualTo(415);
    assertThat(fromExample.body()).isEqualTo(fromReference.body());
  }

  // ---- the problem documents of protocol-core, from both servers ----

  /** Builds one request against a server's base URL. */
  @FunctionalInterface
  interface Request {
    HttpRequest to(URI base) throws Exception;
  }

  private static HttpRequest.Builder json(URI base, String path) {
    return HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json");
  }

  private static Request postJson(String path, String body) {
    return base -> json(base, path).POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  private static Request method(String method, String path) {
    return base ->
        HttpRequest.newBuilder(base.resolve(path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
  }

  /** A completion report of {@code version} of my_important_data, under an id the server issued. */
  private static Request completionUnderAnIssuedId(String version) {
    return base -> {
      HttpResponse<String> check = HTTP.send(postJson("v1/update", CHECK).to(base), ofString());
      assertThat(check.statusCode()).isEqualTo(200);
      String id =
          ClientCodec.create()
              .decodeUpdateResponse(check.body().getBytes(StandardCharsets.UTF_8))
              .requestId();
      return postJson("v1/completion", report(id, version)).to(base);
    };
  }

  private static String report(String requestId, String version) {
    return "{\"request_id\": \"" + requestId + "\", \"updates\": {\"my_important_data\":"
        + " {\"status\": \"success\", \"version\": \"" + version + "\"}}}";
  }

  /** An id for the offer both servers make, issued under a key neither holds. */
  private static String forgedId() {
    AvailableUpdate offer =
        AvailableUpdate.builder()
            .updateType("my_important_data")
            .url(URI.create("https://updates.example.com/d"))
            .hashFunction(HashFunction.SHA512)
            .hashValue("ab".repeat(64))
            .size(10)
            .version("1.0")
            .build();
    return RequestIds.create(RequestIds.newKey(), Clock.systemUTC(), Duration.ofDays(1))
        .issue("your_app", List.of(offer));
  }

  static Stream<Arguments> problems() {
    // One byte over the limit, sent chunked: both servers then read up to the limit and refuse,
    // and the connection closes cleanly (a declared length over the limit is refused unread).
    Request overTheLimit =
        base ->
            json(base, "v1/update")
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () ->
                            new ByteArrayInputStream(
                                new byte[EmbeddedServerExample.MAX_BODY_BYTES + 1])))
                .build();
    return Stream.of(
        Arguments.of(404, Named.of("POST /v2/update", postJson("v2/update", CHECK))),
        Arguments.of(404, Named.of("POST /v1/update/extra", postJson("v1/update/extra", CHECK))),
        Arguments.of(404, Named.of("POST /v1/%75pdate", postJson("v1/%75pdate", CHECK))),
        Arguments.of(404, Named.of("GET /?q=1", method("GET", "?q=1"))),
        Arguments.of(404, Named.of("DELETE /v1", method("DELETE", "v1"))),
        Arguments.of(405, Named.of("GET /v1/update", method("GET", "v1/update"))),
        Arguments.of(405, Named.of("PUT /v1/completion", method("PUT", "v1/completion"))),
        Arguments.of(413, Named.of("1 MiB + 1 byte", overTheLimit)),
        Arguments.of(
            422, Named.of("version not offered", completionUnderAnIssuedId("9.9"))),
        Arguments.of(
            422,
            Named.of(
                "malformed request id",
                postJson("v1/completion", report("xyz321", "1.0")))),
        Arguments.of(
            422,
            Named.of("forged request id", postJson("v1/completion", report(forgedId(), "1.0")))));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("problems")
  void refusedRequest_isTheSameProblemFromBoth(int status, Request request) throws Exception {
    HttpResponse<String> fromExample = HTTP.send(request.to(example.baseUrl()), ofString());
    HttpResponse<String> fromReference = HTTP.send(request.to(reference.baseUrl()), ofString());

    for (HttpResponse<String> r : List.of(fromExample, fromReference)) {
      assertThat(r.statusCode()).as(r.uri().toString()).isEqualTo(status);
      // docs/PROTOCOL.md: every 4xx body is application/problem+json.
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }
    assertThat(fromExample.headers().firstValue("Allow"))
        .isEqualTo(fromReference.headers().firstValue("Allow"));
    JsonNode e = JSON.readTree(fromExample.body());
    assertThat(e).isEqualTo(JSON.readTree(fromReference.body()));
    assertThat(e.path("detail").asText()).isNotEmpty();
  }
}
