package dev.appupdate.examples.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.appupdate.protocol.CodecLimits;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

class CheckCommandTest {
  @RegisterExtension
  static WireMockExtension server =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().http2PlainDisabled(true))
          .build();

  private static final String DATA_HASH = "a2".repeat(64);
  private static final String BLOB_HASH = "b2".repeat(64);

  private static final String OFFERS =
      "{\"available_updates\": [\n"
          + "  {\"update_type\": \"my_important_binary_blob\","
          + " \"url\": \"https://cdn.example.com/blob.zip\", \"hash_function\": \"sha512\","
          + " \"hash_value\": \"" + BLOB_HASH + "\", \"size\": 4321, \"version\": \"2.0\","
          + " \"critical\": true, \"mirrors\": [\"https://mirror.example.org/blob.zip\"]},\n"
          + "  {\"update_type\": \"my_important_data\","
          + " \"url\": \"https://cdn.example.com/data.json\", \"hash_function\": \"sha512\","
          + " \"hash_value\": \"" + DATA_HASH + "\", \"size\": 1234, \"version\": \"1.0\"}\n"
          + "], \"request_id\": \"xyz321\"}";

  private static String[] check(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "check",
                "--server",
                server.baseUrl(),
                "--product",
                "your_app",
                "--version",
                "666",
                "--platform",
                "macOS",
                "--locale",
                "en-US"));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  private static void answering(int status, String contentType, String body) {
    server.stubFor(
        post(urlEqualTo("/v1/update"))
            .willReturn(
                aResponse().withStatus(status).withHeader("Content-Type", contentType)
                    .withBody(body)));
  }

  @Test
  void offers_areShownAsAnAlignedTableWithMirrorsAndTheRequestId() {
    answering(200, "application/json", OFFERS);

    CliRun run = CliRun.run(check());

    assertThat(run.exit()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.outLines())
        .containsExactly(
            "update_type               version  size  critical  url",
            "my_important_binary_blob  2.0      4321  yes       https://cdn.example.com/blob.zip",
            "                                                   mirror"
                + " https://mirror.example.org/blob.zip",
            "my_important_data         1.0      1234  no        https://cdn.example.com/data.json",
            "request_id: xyz321");
  }

  @Test
  void json_printsTheResponseBodyExactlyAsItCame() {
    answering(200, "application/json", OFFERS);

    CliRun run = CliRun.run(check("--json"));

    assertThat(run.exit()).isZero();
    assertThat(run.out()).isEqualTo(OFFERS + "\n");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void request_isTheOneTheClientSendsWithEveryOption() {
    answering(200, "application/json", OFFERS);

    CliRun run =
        CliRun.run(
            check(
                "--channel",
                "beta",
                "--installation-id",
                "3f1c0a9e-5b7d-4c21-9e38-1a2b3c4d5e6f",
                "--installed",
                "my_important_data=1.0",
                "--installed=fonts=7"));

    assertThat(run.exit()).isZero();
    server.verify(
        1,
        postRequestedFor(urlEqualTo("/v1/update"))
            .withHeader("Content-Type", equalTo("application/json"))
            .withRequestBody(
                equalToJson(
                    "{\"product\": \"your_app\", \"version\": \"666\", \"platform\": \"macOS\","
                        + " \"locale\": \"en-US\", \"channel\": \"beta\","
                        + " \"installation_id\": \"3f1c0a9e-5b7d-4c21-9e38-1a2b3c4d5e6f\","
                        + " \"installed\": {\"my_important_data\": \"1.0\", \"fonts\": \"7\"}}")));
  }

  @Test
  void noContent_printsNoUpdateAvailable() {
    server.stubFor(post(urlEqualTo("/v1/update")).willReturn(aResponse().withStatus(204)));

    CliRun run = CliRun.run(check());

    assertThat(run.exit()).isZero();
    assertThat(run.out()).isEqualTo("no update available\n");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void noContentWithJson_printsNothingOnStdoutAndSaysSoOnStderr() {
    server.stubFor(post(urlEqualTo("/v1/update")).willReturn(aResponse().withStatus(204)));

    CliRun run = CliRun.run(check("--json"));

    assertThat(run.exit()).isZero();
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("no update available\n");
  }

  @Test
  void invalidOffers_areListedSeparatelyBelowTheValidOnes() {
    answering(
        200,
        "application/json",
        "{\"available_updates\": [{\"update_type\": \"my_important_data\","
            + " \"url\": \"https://cdn.example.com/data.json\", \"hash_function\": \"sha512\","
            + " \"hash_value\": \"" + DATA_HASH + "\", \"size\": 1234, \"version\": \"1.0\"},"
            + " {\"update_type\": \"fonts\", \"url\": \"https://cdn.example.com/f.zip\","
            + " \"hash_function\": \"md5\", \"hash_value\": \"abc\", \"size\": 1,"
            + " \"version\": \"7\"}], \"request_id\": \"xyz321\"}");

    CliRun run = CliRun.run(check());

    assertThat(run.exit()).isZero();
    assertThat(run.outLines())
        .containsExactly(
            "update_type        version  size  critical  url",
            "my_important_data  1.0      1234  no        https://cdn.example.com/data.json",
            "request_id: xyz321",
            "invalid offers:",
            "  fonts 7: available_updates[1].hash_function: unsupported hash function \"md5\";"
                + " allowed: sha256, sha384, sha512");
  }

  @Test
  void errorStatus_exits3WithTheProblemDetail() {
    answering(
        400,
        "application/problem+json",
        "{\"type\": \"about:blank\", \"title\": \"Bad Request\", \"status\": 400,"
            + " \"detail\": \"invalid update request: locale: must be a BCP 47 language tag\"}");

    CliRun run = CliRun.run(check());

    assertThat(run.exit()).isEqualTo(3);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo(
            "appupdate check: "
                + server.baseUrl()
                + "/v1/update answered HTTP 400: invalid update request: locale: must be a BCP"
                + " 47 language tag\n");
  }

  @Test
  void unavailableServer_exits3AfterOneRequestWithoutRetrying() {
    answering(503, "text/plain", "down for maintenance");

    CliRun run = CliRun.run(check());

    assertThat(run.exit()).isEqualTo(3);
    assertThat(run.err()).endsWith("/v1/update answered HTTP 503\n");
    server.verify(1, postRequestedFor(urlEqualTo("/v1/update")));
  }

  @Test
  void redirect_exits3NamingTheLocation() {
    server.stubFor(
        post(urlEqualTo("/v1/update"))
            .willReturn(
                aResponse().withStatus(307).withHeader("Location", "https://elsewhere/v1/update")));

    CliRun run = CliRun.run(check());

    assertThat(run.exit()).isEqualTo(3);
    assertThat(run.err())
        .endsWith(
            "answered HTTP 307 (Location: https://elsewhere/v1/update; check does not follow"
                + " redirects)\n");
  }

  @Test
  void answerThatIsNoUpdateResponse_exits3SayingWhy() {
    answering(200, "application/json", "{\"offers\": []}");

    CliRun run = CliRun.run(check());

    assertThat(run.exit()).isEqualTo(3);
    assertThat(run.err())
        .startsWith(
            "appupdate check: the answer of "
                + server.baseUrl()
                + "/v1/update is not a valid update response: invalid update response: ")
        .contains("available_updates");
  }

  @Test
  void nothingListening_exits3SayingTheServerCannotBeReached() throws IOException {
    int port = CliRun.closedPort();

    CliRun run =
        CliRun.run(
            "check", "--server", "http://127.0.0.1:" + port, "--product", "your_app",
            "--version", "666", "--platform", "macOS", "--locale", "en-US");

    assertThat(run.exit()).isEqualTo(3);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo(
            "appupdate check: cannot reach the update server at http://127.0.0.1:"
                + port
                + "/v1/update: connection refused to 127.0.0.1:"
                + port
                + "\n");
  }

  @Test
  @Timeout(20)
  void answerStalledAfterTheHeaders_isAbortedAtTheDeadline() throws Exception {
    // The JDK's request timeout ends with the headers; without a deadline over the whole
    // exchange, a body that stops coming would hold the check open for ever.
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread stalling =
          new Thread(
              () -> {
                try (Socket s = socket.accept()) {
                  s.getOutputStream()
                      .write(
                          ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                  + "Content-Length: 1000\r\n\r\n{\"available_updates\"")
                              .getBytes(StandardCharsets.US_ASCII));
                  s.getOutputStream().flush();
                  // Hold the connection open, sending nothing, until the client hangs up.
                  s.getInputStream().transferTo(OutputStream.nullOutputStream());
                } catch (IOException e) {
                  // The client hung up: what this server waits for.
                }
              });
      stalling.setDaemon(true);
      stalling.start();
      URI uri = URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/v1/update");

      assertThatThrownBy(() -> CheckCommand.exchange(uri, new byte[0], Duration.ofMillis(500)))
          .isInstanceOf(HttpTimeoutException.class);
      stalling.join(10_000);
      assertThat(stalling.isAlive()).as("connection closed after the deadline").isFalse();
    }
  }

  @Test
  void answerLongerThanADocument_isReadAsNoBody() throws Exception {
    answering(200, "application/json", " ".repeat(CodecLimits.defaults().maxDocumentBytes() + 1));

    HttpResponse<byte[]> answer =
        CheckCommand.exchange(
            URI.create(server.baseUrl() + "/v1/update"), new byte[0], Duration.ofSeconds(10));

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).isNull();
  }

  @Test
  void tlsToAPlainHttpServer_exits3SayingTheHandshakeFailed() {
    String https = "https://127.0.0.1:" + server.getPort();

    CliRun run =
        CliRun.run(
            "check", "--server", https, "--product", "your_app", "--version", "666",
            "--platform", "macOS", "--locale", "en-US");

    assertThat(run.exit()).isEqualTo(3);
    assertThat(run.err())
        .startsWith(
            "appupdate check: cannot reach the update server at "
                + https
                + "/v1/update: TLS handshake failed: ")
        .doesNotContainPattern("\\w+(Exception|Error)\\b")
        .hasLineCount(1);
  }

  @Test
  void missingOptions_areAUsageErrorNamingEachOnOneLine() {
    CliRun run = CliRun.run("check", "--product", "your_app");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "appupdate check: --server, --version, --platform and --locale are required (see"
                + " 'appupdate check --help')\n");
  }

  @Test
  void missingLocale_isAUsageError() {
    CliRun run =
        CliRun.run(
            "check", "--server", server.baseUrl(), "--product", "your_app", "--version", "666",
            "--platform", "macOS");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo("appupdate check: --locale is required (see 'appupdate check --help')\n");
  }

  @Test
  void invalidLocale_isAUsageErrorNamingTheOption() {
    CliRun run =
        CliRun.run(
            "check", "--server", server.baseUrl(), "--product", "your_app", "--version", "666",
            "--platform", "macOS", "--locale", "en_US");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "appupdate check: --locale: must be a BCP 47 language tag such as en-US, got"
                + " \"en_US\" (see 'appupdate check --help')\n");
    server.verify(0, postRequestedFor(urlEqualTo("/v1/update")));
  }

  @Test
  void installedWithoutVersion_isAUsageError() {
    CliRun run = CliRun.run(check("--installed", "my_important_data"));

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .startsWith(
            "appupdate check: --installed needs TYPE=VERSION, got \"my_important_data\"");
  }

  @Test
  void installedTypeGivenTwice_isAUsageError() {
    CliRun run = CliRun.run(check("--installed", "data=1", "--installed", "data=2"));

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).startsWith("appupdate check: --installed names data twice (1 and 2)");
  }

  @Test
  void installedWithInvalidType_isAUsageErrorQuotingTheEntry() {
    CliRun run = CliRun.run(check("--installed", "my data=1.0"));

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .startsWith(
            "appupdate check: --installed \"my data=1.0\": must start with a letter or digit");
  }

  @Test
  void serverThatIsNoUrl_isAUsageError() {
    CliRun run =
        CliRun.run(
            "check", "--server", "http://exa mple", "--product", "your_app", "--version", "666",
            "--platform", "macOS", "--locale", "en-US");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).startsWith("appupdate check: --server: not a URL: ");
  }

  @Test
  void relativeServer_isAUsageErrorNamingTheOption() {
    CliRun run =
        CliRun.run(
            "check", "--server", "127.0.0.1:8000", "--product", "your_app", "--version", "666",
            "--platform", "macOS", "--locale", "en-US");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .startsWith(
            "appupdate check: --server must be an absolute URL such as http://127.0.0.1:8000,"
                + " got \"127.0.0.1:8000\"");
  }

  @Test
  void serverOfAnotherScheme_isAUsageErrorNamingTheOption() {
    CliRun run =
        CliRun.run(
            "check", "--server", "ftp://updates.example.com", "--product", "your_app",
            "--version", "666", "--platform", "macOS", "--locale", "en-US");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .startsWith(
            "appupdate check: --server must be an absolute https or http URI with a host, got"
                + " ftp://updates.example.com");
  }

  @Test
  void plainHttpToAnotherHost_isRefusedPointingAtInsecureHttp() {
    CliRun run =
        CliRun.run(
            "check", "--server", "http://updates.example.com", "--product", "your_app",
            "--version", "666", "--platform", "macOS", "--locale", "en-US");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "appupdate check: --server: plain http to updates.example.com is refused; use"
                + " https, or add --insecure-http (loopback hosts need neither) (see"
                + " 'appupdate check --help')\n");
  }

  @Test
  void insecureHttp_allowsPlainHttpToANonLoopbackAddress() {
    // 0.0.0.0 is not a loopback address, but on Linux a connection to it reaches this host,
    // where WireMock listens on every interface.
    assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux"));
    answering(200, "application/json", OFFERS);
    String server0 = "http://0.0.0.0:" + server.getPort();

    CliRun refused =
        CliRun.run(
            "check", "--server", server0, "--product", "your_app", "--version", "666",
            "--platform", "macOS", "--locale", "en-US");
    CliRun allowed =
        CliRun.run(
            "check", "--server", server0, "--product", "your_app", "--version", "666",
            "--platform", "macOS", "--locale", "en-US", "--insecure-http");

    assertThat(refused.exit()).isEqualTo(2);
    assertThat(allowed.exit()).isZero();
    assertThat(allowed.out()).contains("request_id: xyz321");
  }

  @Test
  void positionalArgument_isAUsageError() {
    CliRun run = CliRun.run(check("extra"));

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).startsWith("appupdate check: unexpected argument \"extra\"");
  }
}
