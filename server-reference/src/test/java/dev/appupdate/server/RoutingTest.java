package dev.appupdate.server;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoutingTest {
  @TempDir Path dir;
  private AppUpdateServer server;
  private int port;

  @BeforeEach
  void start() throws Exception {
    server = Fixtures.demoServer(dir).build();
    server.start();
    port = server.port();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @ParameterizedTest
  @CsvSource({
    "GET, /",
    "GET, /v1",
    "POST, /v1/update/",
    "POST, //v1/update",
    "POST, /v1/UPDATE",
    "GET, /healthz/",
    "DELETE, /nope",
    "GET, /x/../healthz"
  })
  void unknownPath_is404Problem(String method, String path) throws Exception {
    RawHttp.Response r =
        RawHttp.send(port, method + " " + path + " HTTP/1.1\nHost: x\nContent-Length: 0");

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(r.text())
        .contains(
            "\"status\":404",
            "; protocol v1 answers POST /v1/update and POST /v1/completion\"");
  }

  @ParameterizedTest
  @CsvSource({
    "POST, //v1/update, //v1/update",
    "POST, ///v1/update, ///v1/update",
    "GET, //host/files/important_data_v1.json, //host/files/important_data_v1.json",
    "GET, /a%0Ab?x=1, /a%0Ab",
    "GET, /caf\u00e9, /caf?"
  })
  void unknownPath_404NamesThePathAsTheRequestSentIt(String method, String target, String named)
      throws Exception {
    RawHttp.Response r = RawHttp.send(port, method + " " + target + " HTTP/1.1\nHost: x");

    assertThat(r.status()).isEqualTo(404);
    assertThat(r.text()).contains("\"detail\":\"no resource at \\\"" + named + "\\\";");
  }

  @Test
  void accessLog_namesThePathAsTheRequestSentIt() throws Exception {
    try (LogCapture access = new LogCapture("dev.appupdate.server.access")) {
      RawHttp.send(port, "POST //v1/update?q=1 HTTP/1.1\nHost: x\nContent-Length: 0");

      assertThat(access.await(1))
          .singleElement(as(InstanceOfAssertFactories.STRING))
          .contains("POST \"//v1/update?q=1\" 404");
    }
  }

  @ParameterizedTest
  @CsvSource({
    "GET, /v1/update, POST",
    "PUT, /v1/update, POST",
    "DELETE, /v1/completion, POST",
    "OPTIONS, /v1/completion, POST",
    "POST, /healthz, 'GET, HEAD'",
    "PATCH, /files/important_data_v1.json, 'GET, HEAD'",
    "post, /v1/update, POST"
  })
  void wrongMethod_is405WithAllow(String method, String path, String allow) throws Exception {
    RawHttp.Response r =
        RawHttp.send(port, method + " " + path + " HTTP/1.1\nHost: x\nContent-Length: 0");

    assertThat(r.status()).isEqualTo(405);
    assertThat(r.header("Allow")).isEqualTo(allow);
    assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
  }

  @Test
  void headOnPostRoute_is405WithoutBody() throws Exception {
    RawHttp.Response r = RawHttp.send(port, "HEAD /v1/update HTTP/1.1\nHost: x");

    assertThat(r.status()).isEqualTo(405);
    assertThat(r.header("Allow")).isEqualTo("POST");
    assertThat(r.body()).isEmpty();
  }

  @Test
  void embeddedDemoFiles_areServedByDefault() throws Exception {
    RawHttp.Response r = RawHttp.send(port, "GET /files/important_data_v1.json HTTP/1.1\nHost: x");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    assertThat(r.body()).hasSize(246);
    assertThat(RawHttp.send(port, "GET /files/important_binary_v2.zip HTTP/1.1\nHost: x").body())
        .hasSize(1312);
    assertThat(RawHttp.send(port, "GET /files/catalog.json HTTP/1.1\nHost: x").status())
        .isEqualTo(404);
  }

  @Test
  void keptAliveConnection_servesSeveralRequests() throws Exception {
    try (java.net.Socket s = RawHttp.connect(port)) {
      for (int i = 0; i < 3; i++) {
        s.getOutputStream().write(RawHttp.head("GET /healthz HTTP/1.1\nHost: x"));
        assertThat(RawHttp.read(s.getInputStream(), false).status()).isEqualTo(200);
      }
    }
  }

  @Test
  void keptAliveConnection_servesSeveralPostsBetweenGets() throws Exception {
    byte[] seed = Fixtures.SEED_REQUEST.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try (java.net.Socket s = RawHttp.connect(port)) {
      for (int i = 0; i < 3; i++) {
        java.io.ByteArrayOutputStream request = new java.io.ByteArrayOutputStream();
        request.write(
            RawHttp.head(
                "POST /v1/update HTTP/1.1\nHost: x\nContent-Type: application/json\n"
                    + "Content-Length: "
                    + seed.length));
        request.write(seed);
        s.getOutputStream().write(request.toByteArray()); // one write: no wait for a delayed ACK
        assertThat(RawHttp.read(s.getInputStream(), false).status()).isEqualTo(200);
        s.getOutputStream().write(RawHttp.head("HEAD /healthz HTTP/1.1\nHost: x"));
        assertThat(RawHttp.read(s.getInputStream(), true).status()).isEqualTo(200);
      }
    }
  }

  @Test
  void everyRequest_writesOneAccessLogLine() throws Exception {
    try (LogCapture access = new LogCapture("dev.appupdate.server.access")) {
      RawHttp.send(port, "GET /healthz?probe=1 HTTP/1.1\nHost: x");
      RawHttp.send(port, "GET /nope HTTP/1.1\nHost: x");

      List<String> lines = access.await(2);

      // Lines are written in the order requests finish logging, which two worker threads may
      // swap: the client already has the first answer when its worker records it.
      assertThat(lines)
          .satisfiesExactlyInAnyOrder(
              line ->
                  assertThat(line)
                      .matches("INFO 127\\.0\\.0\\.1 GET \"/healthz\\?probe=1\" 200 \\d+ \\d+ms"),
              line ->
                  assertThat(line)
                      .matches("INFO 127\\.0\\.0\\.1 GET \"/nope\" 404 \\d+ \\d+ms"));
    }
  }
}
