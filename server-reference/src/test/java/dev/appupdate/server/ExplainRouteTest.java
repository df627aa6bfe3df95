package dev.appupdate.server;

import static dev.appupdate.server.Fixtures.SEED_REQUEST;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExplainRouteTest {
  @TempDir Path dir;
  private AppUpdateServer server;

  @AfterEach
  void stop() {
    server.close();
  }

  private void startDemo() throws Exception {
    server = Fixtures.demoServer(dir).build();
    server.start();
  }

  @Test
  void explain_seedRequest_showsBothDemoReleasesOffered() throws Exception {
    startDemo();

    HttpResponse<String> r = Fixtures.postJson(server, "/v1/explain", SEED_REQUEST);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(r.body())
        .isEqualTo(
            "{\"product\":\"your_app\",\"candidates\":["
                + "{\"update_type\":\"my_important_binary_blob\",\"version\":\"2.0\","
                + "\"offered\":true,\"reason\":\"offered\",\"signed_by\":[]},"
                + "{\"update_type\":\"my_important_data\",\"version\":\"1.0\","
                + "\"offered\":true,\"reason\":\"offered\",\"signed_by\":[]}]}");
  }

  @Test
  void explain_catalogFile_givesTheReasonForEachReleaseHeldBack() throws Exception {
    Path catalog =
        Files.writeString(
            dir.resolve("catalog.json"),
            Fixtures.catalog("data:1.0", "data:2.0", "data:3.0")
                .replace(
                    "\"url\": \"files/data-2.0\"", "\"url\": \"files/data-2.0\", \"paused\": true")
                .replace(
                    "\"url\": \"files/data-3.0\"",
                    "\"url\": \"files/data-3.0\", \"match\": {\"platforms\": [\"Windows\"]}"));
    server = Fixtures.demoServer(dir).catalog(catalog).build();
    server.start();

    HttpResponse<String> r =
        Fixtures.postJson(
            server, "/v1/explain", SEED_REQUEST.replace("}", ",\"installed\":{\"data\":\"0.9\"}}"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .isEqualTo(
            "{\"product\":\"your_app\",\"candidates\":["
                + "{\"update_type\":\"data\",\"version\":\"3.0\",\"offered\":false,"
                + "\"reason\":\"platform macOS not in [Windows]\",\"signed_by\":[]},"
                + "{\"update_type\":\"data\",\"version\":\"2.0\",\"offered\":false,"
                + "\"reason\":\"paused\",\"signed_by\":[]},"
                + "{\"update_type\":\"data\",\"version\":\"1.0\",\"offered\":true,"
                + "\"reason\":\"offered\",\"signed_by\":[]}]}");
  }

  @Test
  void explain_unknownProduct_isAnEmptyList() throws Exception {
    startDemo();

    HttpResponse<String> r =
        Fixtures.postJson(server, "/v1/explain", SEED_REQUEST.replace("your_app", "other_app"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"product\":\"other_app\",\"candidates\":[]}");
  }

  @Test
  void explain_invalidFields_is400ListingEachField() throws Exception {
    startDemo();

    HttpResponse<String> r =
        Fixtures.postJson(server, "/v1/explain", "{\"product\":\"your app\",\"version\":1.5}");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(r.body())
        .contains("{\"field\":\"product\",\"message\":\"must start with a letter or digit")
        .contains("{\"field\":\"version\",\"message\":\"must be a string or an integer, got 1.5\"}")
        .contains("{\"field\":\"platform\",\"message\":\"is required\"}");
  }

  @Test
  void explain_textPlain_is415() throws Exception {
    startDemo();

    HttpResponse<String> r = Fixtures.post(server, "/v1/explain", "text/plain", SEED_REQUEST);

    assertThat(r.statusCode()).isEqualTo(415);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }

  @Test
  void explain_bodyOverTheLimit_is413() throws Exception {
    server = Fixtures.demoServer(dir).bodyLimit(100).build();
    server.start();

    HttpResponse<String> r =
        Fixtures.postJson(
            server,
            "/v1/explain",
            SEED_REQUEST.replace("}", ",\"x\":\"" + "y".repeat(100) + "\"}"));

    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.body()).contains("the request body is larger than 100 bytes");
  }

  @Test
  void explain_get_is405AllowingPost() throws Exception {
    startDemo();

    HttpResponse<String> r = Fixtures.get(server, "/v1/explain");

    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow")).hasValue("POST");
  }
}
