package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bodies and requests meant to break a server: none may give a 500 or stop it. */
class HostileInputTest {
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
  void checkAliveAndStop() throws Exception {
    try {
      assertThat(RawHttp.send(port, "GET /healthz HTTP/1.1\nHost: x").status())
          .as("the server still answers")
          .isEqualTo(200);
      assertThat(
              RawHttp.send(
                      port,
                      post("/v1/update", Fixtures.SEED_REQUEST.length()),
                      Fixtures.SEED_REQUEST.getBytes(StandardCharsets.UTF_8))
                  .status())
          .isEqualTo(200);
    } finally {
      server.close();
    }
  }

  private static String post(String path, long length) {
    return "POST "
        + path
        + " HTTP/1.1\nHost: x\nContent-Type: application/json\nContent-Length: "
        + length;
  }

  private RawHttp.Response send(String path, byte[] body) throws IOException {
    return RawHttp.send(port, post(path, body.length), body);
  }

  private static void assertProblem(RawHttp.Response r, int status, String detail) {
    assertThat(r.status()).isEqualTo(status);
    assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(r.text()).contains(detail);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/update", "/v1/completion"})
  void truncatedJson_is400(String path) throws Exception {
    assertProblem(send(path, utf8("{\"product\":\"your_app\",\"vers")), 400, "JSON ends too early");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/update", "/v1/completion"})
  void emptyBody_is400(String path) throws Exception {
    assertProblem(send(path, new byte[0]), 400, "body is empty");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/update", "/v1/completion"})
  void invalidUtf8_is400(String path) throws Exception {
    byte[] body = utf8("{\"product\":\"your_app\u00e9\"}");
    body[body.length - 3] = (byte) 0x28; // the continuation byte of é becomes '('

    assertProblem(send(path, body), 400, "invalid UTF-8 at byte offset");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/update", "/v1/completion"})
  void duplicateKeys_is400(String path) throws Exception {
    assertProblem(
        send(path, utf8("{\"product\":\"your_app\",\"product\":\"evil\"}")),
        400,
        "{\"field\":\"product\",\"message\":\"duplicate key at line 1");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/update", "/v1/completion"})
  void hugeNumbers_are400(String path) throws Exception {
    assertProblem(
        send(path, utf8("{\"version\":" + "9".repeat(5000) + "}")),
        400,
        "version: number is longer than 100 characters");
    assertProblem(send(path, utf8("{\"version\":1e999999999}")), 400, "\"status\":400");
  }

  @Test
  void hugeIntegerVersion_is400NotAnOverflow() throws Exception {
    RawHttp.Response r =
        send(
            "/v1/update",
            utf8(
                "{\"product\":\"your_app\",\"version\":"
                    + "9".repeat(90)
                    + ",\"platform\":\"macOS\",\"locale\":\"en-US\"}"));

    assertThat(r.status()).isIn(200, 204, 400);
  }

  @Test
  void hugeSize_inCompletion_is400() throws Exception {
    String body =
        "{\"request_id\":\"abc\",\"updates\":{\"x\":{\"status\":\"success\",\"version\":\"1\","
            + "\"size\":99999999999999999999999}}}";

    assertProblem(send("/v1/completion", utf8(body)), 400, "updates.x.size");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/update", "/v1/completion"})
  void wrongTypes_are400(String path) throws Exception {
    assertProblem(
        send(
            path,
            utf8(
                "{\"product\":5,\"version\":[],\"platform\":{},\"locale\":null,"
                    + "\"installed\":[],\"request_id\":7,\"updates\":\"x\"}")),
        400,
        "\"errors\":[");
    assertProblem(send(path, utf8("[1,2,3]")), 400, "must be a JSON object, got an array");
    assertProblem(send(path, utf8("\"just a string\"")), 400, "must be a JSON object");
    assertProblem(send(path, utf8("null")), 400, "\"status\":400");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/update", "/v1/completion"})
  void binaryGarbage_is400(String path) throws Exception {
    byte[] garbage = new byte[4096];
    for (int i = 0; i < garbage.length; i++) {
      garbage[i] = (byte) (i * 167 + 13);
    }

    assertThat(send(path, garbage).status()).isEqualTo(400);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/update", "/v1/completion"})
  void deepNestingWithinTheBodyLimit_is400(String path) throws Exception {
    byte[] body = new byte[60_000];
    Arrays.fill(body, (byte) '[');

    assertProblem(send(path, body), 400, "nested deeper than 16 levels");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/update", "/v1/completion"})
  void hundredThousandNestedBrackets_is413(String path) throws Exception {
    byte[] body = new byte[100_000];
    Arrays.fill(body, (byte) '[');

    assertProblem(sendWhileReading(post(path, body.length), body), 413, "larger than 65536 bytes");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/update", "/v1/completion"})
  void oneMegabyteBody_is413(String path) throws Exception {
    byte[] body = new byte[1 << 20];
    Arrays.fill(body, (byte) ' ');
    body[0] = '{';

    RawHttp.Response r = sendWhileReading(post(path, body.length), body);

    assertProblem(r, 413, "the request body is larger than 65536 bytes");
    assertThat(r.header("Connection")).isEqualTo("close");
  }

  @Test
  void declaredLengthOverTheLimit_is413BeforeTheBodyIsSent() throws Exception {
    try (Socket s = RawHttp.connect(port)) {
      s.getOutputStream().write(RawHttp.head(post("/v1/update", 1 << 20)));
      s.getOutputStream().write(utf8("{\"product\":"));
      s.getOutputStream().flush();

      // The rest of the megabyte is never sent: the answer must not wait for it.
      assertProblem(RawHttp.read(s.getInputStream(), false), 413, "larger than 65536 bytes");
    }
  }

  @Test
  void bodyOverTheLimitSentWhole_is413AndTheConnectionEndsWithoutAReset() throws Exception {
    // A client that sends its whole body before reading (as HTTP clients do) must get the whole
    // answer: closing with the body unread would reset the connection, and a reset can destroy
    // an answer not yet read. The server reads the body after answering, then closes.
    byte[] body = new byte[65_537];
    Arrays.fill(body, (byte) ' ');
    try (Socket s = RawHttp.connect(port)) {
      s.getOutputStream().write(RawHttp.head(post("/v1/update", body.length)));
      s.getOutputStream().write(body);
      s.getOutputStream().flush();

      assertProblem(RawHttp.read(s.getInputStream(), false), 413, "larger than 65536 bytes");
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void chunkedBodyOverTheLimit_is413() throws Exception {
    ByteArrayOutputStream chunked = new ByteArrayOutputStream();
    byte[] chunk = new byte[16 * 1024];
    Arrays.fill(chunk, (byte) ' ');
    for (int i = 0; i < 5; i++) {
      chunked.write(utf8(Integer.toHexString(chunk.length) + "\r\n"));
      chunked.write(chunk);
      chunked.write(utf8("\r\n"));
    }
    chunked.write(utf8("0\r\n\r\n"));
    String head =
        "POST /v1/update HTTP/1.1\nHost: x\nContent-Type: application/json\n"
            + "Transfer-Encoding: chunked";

    assertProblem(sendWhileReading(head, chunked.toByteArray()), 413, "larger than 65536 bytes");
  }

  @Test
  void chunkedBodyWithinTheLimit_isRead() throws Exception {
    byte[] json = utf8(Fixtures.SEED_REQUEST);
    ByteArrayOutputStream chunked = new ByteArrayOutputStream();
    chunked.write(utf8(Integer.toHexString(json.length) + "\r\n"));
    chunked.write(json);
    chunked.write(utf8("\r\n0\r\n\r\n"));
    String head =
        "POST /v1/update HTTP/1.1\nHost: x\nContent-Type: application/json\n"
            + "Transfer-Encoding: chunked";

    assertThat(RawHttp.send(port, head, chunked.toByteArray()).status()).isEqualTo(200);
  }

  @Test
  void controlCharactersInStrings_are400() throws Exception {
    assertProblem(
        send(
            "/v1/update",
            utf8(
                "{\"product\":\"your_app\",\"version\":\"1\",\"platform\":\"mac\\u0000OS\","
                    + "\"locale\":\"en-US\"}")),
        400,
        "platform");
  }

  @Test
  void veryLongString_is400() throws Exception {
    assertProblem(
        send("/v1/update", utf8("{\"product\":\"" + "a".repeat(20_000) + "\"}")),
        400,
        "product: string is longer than");
  }

  @Test
  void garbageRequestLine_leavesTheServerRunning() throws Exception {
    try (Socket s = RawHttp.connect(port)) {
      s.getOutputStream().write(utf8("\u0001\u0002GARBAGE\r\n\r\n"));
      s.getOutputStream().flush();
      s.getInputStream().readAllBytes();
    }
  }

  @Test
  void invalidContentLength_leavesTheServerRunning() throws Exception {
    RawHttp.Response r =
        RawHttp.send(port, "POST /v1/update HTTP/1.1\nHost: x\nContent-Length: abc");

    assertThat(r.status()).isEqualTo(400);
  }

  @Test
  void clientDisconnectingMidBody_leavesTheServerRunning() throws Exception {
    try (Socket s = RawHttp.connect(port)) {
      s.getOutputStream().write(RawHttp.head(post("/v1/completion", 5000)));
      s.getOutputStream().write(utf8("{\"request_id\":"));
      s.getOutputStream().flush();
    }
  }

  @Test
  void refusedSmallBody_isReadSoTheConnectionServesTheNextRequest()
      throws Exception {
    // Closing a connection with unread bytes resets it, and a reset can destroy the refusal
    // before the client reads it: a small body already sent is read before the 404 goes out.
    try (Socket s = RawHttp.connect(port)) {
      byte[] body = utf8("{\"product\":\"x\"}");
      s.getOutputStream().write(RawHttp.head(post("/nowhere", body.length)));
      s.getOutputStream().write(body);
      s.getOutputStream().flush();
      assertThat(RawHttp.read(s.getInputStream(), false).status()).isEqualTo(404);

      s.getOutputStream().write(RawHttp.head("GET /healthz HTTP/1.1\nHost: x"));
      s.getOutputStream().flush();
      assertThat(RawHttp.read(s.getInputStream(), false).status()).isEqualTo(200);
    }
  }

  @Test
  void updateCheck_withContentLength_keepsTheConnectionForTheNextRequest() throws Exception {
    // The body is read into a buffer of its declared length; the JDK server keeps a connection
    // only if the body was also seen to end, which a read past that length shows.
    byte[] body = utf8(Fixtures.SEED_REQUEST);
    try (Socket s = RawHttp.connect(port)) {
      for (int i = 0; i < 3; i++) {
        s.getOutputStream().write(RawHttp.head(post("/v1/update", body.length)));
        s.getOutputStream().write(body);
        s.getOutputStream().flush();
        RawHttp.Response r = RawHttp.read(s.getInputStream(), false);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).contains("\"request_id\"");
      }
    }
  }

  @Test
  void chunkedBodyWithAContentLengthToo_isRefusedByTheJdkOrReadByItsChunks() throws Exception {
    // JDK 17.0.15 refuses such a request before any handler runs ("Conflicting or malformed
    // headers"); a JDK that lets it through reads the body by its chunks whatever Content-Length
    // says, and so must JsonBody: never by the declared length.
    byte[] json = utf8(Fixtures.SEED_REQUEST);
    ByteArrayOutputStream chunked = new ByteArrayOutputStream();
    chunked.write(utf8(Integer.toHexString(json.length) + "\r\n"));
    chunked.write(json);
    chunked.write(utf8("\r\n0\r\n\r\n"));
    String head =
        "POST /v1/update HTTP/1.1\nHost: x\nContent-Type: application/json\n"
            + "Content-Length: 3\nTransfer-Encoding: chunked";

    RawHttp.Response r = RawHttp.send(port, head, chunked.toByteArray());

    if (r.status() == 200) {
      assertThat(r.text()).contains("\"request_id\"");
    } else {
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.text()).contains("Conflicting or malformed headers");
    }
  }

  @Test
  void emptyBodyWithContentLengthZero_is400AndTheConnectionServesTheNextRequest()
      throws Exception {
    try (Socket s = RawHttp.connect(port)) {
      s.getOutputStream().write(RawHttp.head(post("/v1/update", 0)));
      s.getOutputStream().flush();
      assertThat(RawHttp.read(s.getInputStream(), false).status()).isEqualTo(400);

      byte[] body = utf8(Fixtures.SEED_REQUEST);
      s.getOutputStream().write(RawHttp.head(post("/v1/update", body.length)));
      s.getOutputStream().write(body);
      s.getOutputStream().flush();
      assertThat(RawHttp.read(s.getInputStream(), false).status()).isEqualTo(200);
    }
  }

  @Test
  void refusedBody_connectionIsClosedAtOnceAndTheWorkerFreed() throws Exception {
    try (AppUpdateServer one = Fixtures.demoServer(dir.resolve("one")).workers(1, 1).build()) {
      one.start();
      try (Socket s = RawHttp.connect(one.port())) {
        s.getOutputStream().write(RawHttp.head(post("/v1/update", 1 << 20)));
        s.getOutputStream().write(utf8("{\"product\":"));
        s.getOutputStream().flush();

        assertProblem(RawHttp.read(s.getInputStream(), false), 413, "larger than 65536 bytes");
        // Not after the 30 s request timeout that reading the unwanted body would wait for: the
        // socket's own 10 s timeout would fail this read first.
        assertThat(s.getInputStream().read()).isEqualTo(-1);
      }
      // The only worker is free: a waiting request would time out behind a worker still draining.
      assertThat(RawHttp.send(one.port(), "GET /healthz HTTP/1.1\nHost: x").status())
          .isEqualTo(200);
    }
  }

  @Test
  void expectContinueOverTheLimit_is413AndTheConnectionClosed() throws Exception {
    try (Socket s = RawHttp.connect(port)) {
      s.getOutputStream()
          .write(RawHttp.head(post("/v1/completion", 1 << 20) + "\nExpect: 100-continue"));
      s.getOutputStream().flush();

      assertProblem(RawHttp.read(s.getInputStream(), false), 413, "larger than 65536 bytes");
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
  }

  /**
   * Writes the body from another thread while this one reads the answer, as servers may answer
   * before reading everything.
   */
  private RawHttp.Response sendWhileReading(String head, byte[] body) throws Exception {
    Socket s = RawHttp.connect(port);
    try {
      OutputStream out = s.getOutputStream();
      CompletableFuture<Void> writer =
          CompletableFuture.runAsync(
              () -> {
                try {
                  out.write(RawHttp.head(head));
                  out.write(body);
                  out.flush();
                } catch (IOException e) {
                  // The server may close the connection before taking everything: expected.
                }
              });
      RawHttp.Response r = RawHttp.read(s.getInputStream(), false);
      s.close(); // unblocks the writer if the server stopped reading
      writer.get(10, TimeUnit.SECONDS);
      return r;
    } finally {
      s.close();
    }
  }
}
