package dev.appupdate.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.sun.net.httpserver.HttpServer;
import dev.appupdate.client.CheckResult;
import dev.appupdate.client.UpdateClient;
import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.ClientCodec;
import dev.appupdate.protocol.CompletionReport;
import dev.appupdate.protocol.Outcome;
import dev.appupdate.protocol.UpdateRequest;
import dev.appupdate.protocol.catalog.Catalog;
import dev.appupdate.protocol.requestid.RequestIds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EmbeddedServerExampleTest {
  private static final ServedCatalog.Offered DATA =
      ServedCatalog.release("my_important_data", "1.0", 1234, 1);
  private static final ServedCatalog.Offered BLOB =
      ServedCatalog.release("my_important_binary_blob", "2.0", 4321, 2);

  private static final String SEED =
      "{\"product\": \"your_app\", \"version\": 666, \"platform\": \"macOS\","
          + " \"locale\": \"en-US\"}";

  private final HttpClient http = HttpClient.newHttpClient();
  private ServedCatalog server;

  @BeforeEach
  void start() throws IOException {
    server = ServedCatalog.start(DATA, BLOB);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> post(String path, String contentType, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(server.baseUrl().resolve(path))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void seedFormPost_answers200WithEveryMatchingOfferAndAnId() throws Exception {
    // The seed sketch's request, verbatim: an integer version, sent the way curl -d sends it.
    String seed =
        "{\"product\": \"your_app\", \"version\": 666, \"platform\": \"macOS\","
            + " \"locale\": \"en-US\"}";

    HttpResponse<String> answer = post("v1/update", "application/x-www-form-urlencoded", seed);

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(answer.body())
        .contains(
            "\"update_type\":\"my_important_binary_blob\"",
            "\"url\":\"" + server.baseUrl() + "files/my_important_binary_blob-2.0\"",
            "\"hash_value\":\"" + ServedCatalog.sha512(BLOB.bytes()) + "\"",
            "\"size\":4321",
            "\"update_type\":\"my_important_data\"")
        .containsPattern("\"request_id\":\"[A-Za-z0-9_-]{40,198}\"");
  }

  @Test
  void updateClientCheck_readsTheOffersItWouldDownload() throws IOException {
    UpdateClient client =
        UpdateClient.builder()
            .serverUri(server.baseUrl())
            .request(UpdateRequest.of("your_app", "666", "macOS", "en-US"))
            .build();

    CheckResult result = client.check();

    assertThat(result.rejected()).isEmpty();
    assertThat(result.offers())
        .extracting(AvailableUpdate::updateType, AvailableUpdate::version, AvailableUpdate::size)
        .containsExactly(
            tuple("my_important_binary_blob", "2.0", 4321L),
            tuple("my_important_data", "1.0", 1234L));
  }

  @Test
  void requestOfAnotherProduct_answers204WithoutBody() throws Exception {
    String request =
        "{\"product\": \"other_app\", \"version\": \"1\", \"platform\": \"macOS\","
            + " \"locale\": \"en-US\"}";

    HttpResponse<String> answer = post("v1/update", "application/json", request);

    assertThat(answer.statusCode()).isEqualTo(204);
    assertThat(answer.body()).isEmpty();
  }

  @Test
  void everythingInstalled_answers204() throws Exception {
    String request =
        "{\"product\": \"your_app\", \"version\": \"1\", \"platform\": \"macOS\","
            + " \"locale\": \"en-US\", \"installed\": {\"my_important_data\": \"1.0\","
            + " \"my_important_binary_blob\": \"2.0\"}}";

    assertThat(post("v1/update", null, request).statusCode()).isEqualTo(204);
  }

  @Test
  void invalidRequest_answers400ProblemListingEveryBadField() throws Exception {
    String request =
        "{\"product\": \"your app\", \"version\": 1.5, \"platform\": \"macOS\","
            + " \"locale\": \"en_US\"}";

    HttpResponse<String> answer = post("v1/update", "application/json", request);

    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(answer.body())
        .contains(
            "\"field\":\"product\"",
            "\"field\":\"version\"",
            "must be a string or an integer, got 1.5",
            "\"field\":\"locale\"");
  }

  @Test
  void getOnUpdate_answers405WithAllowHeader() throws Exception {
    HttpResponse<String> answer =
        http.send(
            HttpRequest.newBuilder(server.baseUrl().resolve("v1/update")).GET().build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(answer.statusCode()).isEqualTo(405);
    assertThat(answer.headers().firstValue("Allow")).hasValue("POST");
  }

  @Test
  void textPlainBody_answers415() throws Exception {
    assertThat(post("v1/update", "text/plain", "{}").statusCode()).isEqualTo(415);
  }

  @Test
  void pathBelowTheEndpoint_answers404() throws Exception {
    assertThat(post("v1/update/extra", "application/json", "{}").statusCode()).isEqualTo(404);
  }

  @Test
  void bodyOverTheLimit_answers413() throws Exception {
    String huge = " ".repeat(EmbeddedServerExample.MAX_BODY_BYTES) + "{}";

    assertThat(post("v1/update", "application/json", huge).statusCode()).isEqualTo(413);
  }

  /** Runs a real update check and returns the request id the example issued. */
  private String checkedRequestId() throws Exception {
    HttpResponse<String> answer =
        post(
            "v1/update",
            "application/json",
            "{\"product\": \"your_app\", \"version\": \"1\", \"platform\": \"macOS\","
                + " \"locale\": \"en-US\"}");
    assertThat(answer.statusCode()).isEqualTo(200);
    return ClientCodec.create()
        .decodeUpdateResponse(answer.body().getBytes(StandardCharsets.UTF_8))
        .requestId();
  }

  private static String report(String requestId, String updateType, String version) {
    return "{\"request_id\": \"" + requestId + "\", \"updates\": {\"" + updateType + "\":"
        + " {\"status\": \"success\", \"version\": \"" + version + "\"}}}";
  }

  @Test
  void completionUnderTheIssuedId_answers204AndHandsTheReportOver() throws Exception {
    String id = checkedRequestId();

    HttpResponse<String> answer =
        post("v1/completion", "application/json", report(id, "my_important_data", "1.0"));

    assertThat(answer.statusCode()).isEqualTo(204);
    assertThat(server.completions())
        .containsExactly(
            CompletionReport.of(id, Map.of("my_important_data", Outcome.success("1.0"))));
  }

  @Test
  void completionUnderAForgedId_answers422AndRecordsNothing() throws Exception {
    // Well formed, and issued for the same offers, but under another key.
    String forged =
        RequestIds.create(RequestIds.newKey(), Clock.systemUTC(), Duration.ofDays(1))
            .issue(
                "your_app",
                ClientCodec.create()
                    .decodeUpdateResponse(
                        post(
                                "v1/update",
                                "application/json",
                                "{\"product\": \"your_app\", \"version\": \"1\","
                                    + " \"platform\": \"macOS\", \"locale\": \"en-US\"}")
                            .body()
                            .getBytes(StandardCharsets.UTF_8))
                    .availableUpdates());

    HttpResponse<String> answer =
        post("v1/completion", "application/json", report(forged, "my_important_data", "1.0"));

    assertThat(answer.statusCode()).isEqualTo(422);
    assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(answer.body()).contains("\"field\":\"request_id\"", "was not issued by this server");
    assertThat(server.completions()).isEmpty();
  }

  @Test
  void completionOfAVersionNotOffered_answers422NamingTheUpdate() throws Exception {
    String id = checkedRequestId();

    HttpResponse<String> answer =
        post("v1/completion", "application/json", report(id, "my_important_data", "9.9"));

    assertThat(answer.statusCode()).isEqualTo(422);
    assertThat(answer.body())
        .contains(
            "\"field\":\"updates.my_important_data\"",
            "version 9.9 of my_important_data was not offered under this request_id");
    assertThat(server.completions()).isEmpty();
  }

  @Test
  void completionWithoutAReferenceServerId_answers422() throws Exception {
    HttpResponse<String> answer =
        post("v1/completion", "application/json", report("xyz321", "my_important_data", "1.0"));

    assertThat(answer.statusCode()).isEqualTo(422);
    assertThat(answer.body()).contains("request_id is malformed");
  }

  @Test
  void completionTheConsumerCannotRecord_answers503WithRetryAfterAndAProblem() throws Exception {
    Catalog catalog =
        Catalog.parse(
            ("{\"releases\": [" + ServedCatalog.releaseJson(DATA) + "]}")
                .getBytes(StandardCharsets.UTF_8),
            "test catalog");
    HttpServer failing =
        EmbeddedServerExample.start(
            0,
            catalog,
            RequestIds.newKey(),
            report -> {
              throw new UncheckedIOException(new IOException("No space left on device"));
            });
    try {
      URI base = EmbeddedServerExample.baseUrl(failing);
      String check =
          "{\"product\": \"your_app\", \"version\": \"1\", \"platform\": \"macOS\","
              + " \"locale\": \"en-US\"}";
      String id =
          ClientCodec.create()
              .decodeUpdateResponse(
                  http.send(
                          HttpRequest.newBuilder(base.resolve("v1/update"))
                              .POST(HttpRequest.BodyPublishers.ofString(check))
                              .build(),
                          HttpResponse.BodyHandlers.ofByteArray())
                      .body())
              .requestId();

      HttpResponse<String> answer =
          http.send(
              HttpRequest.newBuilder(base.resolve("v1/completion"))
                  .POST(
                      HttpRequest.BodyPublishers.ofString(report(id, "my_important_data", "1.0")))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      // docs/PROTOCOL.md: 503 when the server cannot record a completion right now, with
      // Retry-After for the client's next attempt.
      assertThat(answer.statusCode()).isEqualTo(503);
      assertThat(answer.headers().firstValue("Retry-After")).hasValue("30");
      assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(answer.body()).contains("the completion could not be recorded");
    } finally {
      failing.stop(0);
    }
  }

  @Test
  void latin1Body_answers415NamingTheCharset() throws Exception {
    HttpResponse<String> answer =
        post("v1/update", "application/json; charset=iso-8859-1", "{}");

    assertThat(answer.statusCode()).isEqualTo(415);
    assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(answer.body()).contains("charset \\\"iso-8859-1\\\" is not accepted");
  }

  @Test
  void asciiCharset_isAccepted() throws Exception {
    assertThat(post("v1/update", "application/json; charset=\"US-ASCII\"", SEED).statusCode())
        .isEqualTo(200);
  }

  @Test
  void malformedCompletion_answers400AndRecordsNothing() throws Exception {
    HttpResponse<String> answer = post("v1/completion", "application/json", "{\"updates\": {}");

    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(answer.body()).contains("\"field\":\"$\"", "at line 1, column 15");
    assertThat(server.completions()).isEmpty();
  }

  @Test
  void baseUrl_isTheLoopbackAddressAndBoundPort() {
    URI base = server.baseUrl();

    assertThat(base.getScheme()).isEqualTo("http");
    assertThat(base.getHost()).isEqualTo("127.0.0.1");
    assertThat(base.getPort()).isPositive();
    assertThat(base.getPath()).isEqualTo("/");
  }
}
