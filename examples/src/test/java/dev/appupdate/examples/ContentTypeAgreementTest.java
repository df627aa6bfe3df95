package dev.appupdate.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appupdate.server.AppUpdateServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reference server and {@link EmbeddedServerExample} take the same request content types,
 * charsets included (docs/PROTOCOL.md, "Request content types"), and refuse the others with the
 * same {@code 415} problem: both ask protocol-core.
 */
class ContentTypeAgreementTest {
  private static final String SEED =
      "{\"product\": \"your_app\", \"version\": 666, \"platform\": \"macOS\","
          + " \"locale\": \"en-US\"}";

  @TempDir static Path dir;

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static ServedCatalog example;
  private static AppUpdateServer reference;

  @BeforeAll
  static void start() throws IOException {
    example = ServedCatalog.start(ServedCatalog.release("my_important_data", "1.0", 10, 1));
    reference = AppUpdateServer.builder().port(0).dataDir(dir.resolve("data")).build();
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
        "multipart/form-data; boundary=x"
      })
  void refusedContentType_is415WithTheSameProblemFromBoth(String contentType) throws Exception {
    HttpResponse<String> fromExample = post(example.baseUrl(), contentType);
    HttpResponse<String> fromReference = post(reference.baseUrl(), contentType);

    assertThat(fromExample.statusCode()).isEqualTo(415);
    assertThat(fromReference.statusCode()).isEqualTo(415);
    assertThat(fromExample.body()).isEqualTo(fromReference.body());
  }
}
