package dev.appupdate.client;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.CompletionReport;
import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.Outcome;
import dev.appupdate.protocol.ProtocolException;
import dev.appupdate.protocol.RejectedOffer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CheckTest {
  @RegisterExtension
  static WireMockExtension server =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().http2PlainDisabled(true))
          .build();

  private static final String HASH = "ab".repeat(64);
  private static final String OFFER =
      "{\"update_type\":\"my_important_data\",\"url\":\"https://cdn.example.com/data-1.0.json\","
          + "\"hash_function\":\"sha512\",\"hash_value\":\""
          + HASH
          + "\",\"size\":1234,"
          + "\"version\":\"1.0\",\"mirrors\":[\"https://mirror.example.com/data-1.0.json\"]}";

  private final FakeTime time = new FakeTime();
  private UpdateClient client;

  @BeforeEach
  void setUp() {
    client = Fixtures.client(server.baseUrl(), time).retryPolicy(Fixtures.threeAttempts()).build();
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(
      String body) {
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withBody(body);
  }

  @Test
  void check_sendsTheRequestAsJson() throws IOException {
    server.stubFor(post("/v1/update").willReturn(aResponse().withStatus(204)));
    UpdateClient c =
        Fixtures.client(
                server.baseUrl(),
                time,
                Fixtures.request()
                    .channel("beta")
                    .installationId("3f1c0a9e-52c6-4d1e-9a57-0b4d2f6f1e2a")
                    .installed("blocklist", "2.0")
                    .build())
            .build();

    c.check();

    server.verify(
        postRequestedFor(urlEqualTo("/v1/update"))
            .withHeader("Content-Type", equalTo("application/json"))
            .withRequestBody(
                equalToJson(
                    "{\"product\":\"your_app\",\"version\":\"1.0\",\"platform\":\"Linux\","
                        + "\"locale\":\"en-US\",\"channel\":\"beta\","
                        + "\"installation_id\":\"3f1c0a9e-52c6-4d1e-9a57-0b4d2f6f1e2a\","
                        + "\"installed\":{\"blocklist\":\"2.0\"}}")));
  }

  @Test
  void check_noContent_returnsEmptyResultWithoutRequestId() throws IOException {
    server.stubFor(post("/v1/update").willReturn(aResponse().withStatus(204)));

    CheckResult result = client.check();

    assertThat(result.isEmpty()).isTrue();
    assertThat(result.hasUpdates()).isFalse();
    assertThat(result.requestId()).isNull();
    assertThat(result.offers()).isEmpty();
    assertThatThrownBy(result::report)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no updates");
  }

  @Test
  void check_offers_returnsThemWithRequestId() throws IOException {
    server.stubFor(
        post("/v1/update")
            .willReturn(json("{\"available_updates\":[" + OFFER + "],\"request_id\":\"xyz321\"}")));

    CheckResult result = client.check();

    assertThat(result.requestId()).isEqualTo("xyz321");
    assertThat(result.rejected()).isEmpty();
    assertThat(result.offers())
        .containsExactly(
            AvailableUpdate.builder()
                .updateType("my_important_data")
                .url(URI.create("https://cdn.example.com/data-1.0.json"))
                .hashFunction(HashFunction.SHA512)
                .hashValue(HASH)
                .size(1234)
                .version("1.0")
                .mirrors(List.of(URI.create("https://mirror.example.com/data-1.0.json")))
                .build());
  }

  @Test
  void check_invalidOfferAlongsideValidOne_returnsBothSeparately() throws IOException {
    String bad =
        "{\"update_type\":\"blob\",\"url\":\"https://cdn.example.com/blob\","
            + "\"hash_function\":\"md5\",\"hash_value\":\"abc123\",\"size\":10,"
            + "\"version\":\"2.0\"}";
    server.stubFor(
        post("/v1/update")
            .willReturn(
                json("{\"available_updates\":[" + OFFER + "," + bad + "],\"request_id\":\"r1\"}")));

    CheckResult result = client.check();

    assertThat(result.offers())
        .extracting(AvailableUpdate::updateType)
        .containsExactly("my_important_data");
    assertThat(result.rejected()).hasSize(1);
    RejectedOffer rejected = result.rejected().get(0);
    assertThat(rejected.updateType()).isEqualTo("blob");
    assertThat(rejected.version()).isEqualTo("2.0");
    assertThat(rejected.reason()).startsWith("invalid offer: ").contains("md5");
  }

  @Test
  void check_malformedJson_throwsProtocolExceptionWithoutRetrying() {
    server.stubFor(post("/v1/update").willReturn(json("{\"available_updates\": [")));

    assertThatThrownBy(client::check)
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("invalid update response")
        .hasMessageContaining("JSON ends too early");
    server.verify(1, postRequestedFor(urlEqualTo("/v1/update")));
    assertThat(time.sleeps()).isEmpty();
  }

  @Test
  void check_missingRequestId_throwsProtocolExceptionNamingTheField() {
    server.stubFor(post("/v1/update").willReturn(json("{\"available_updates\":[" + OFFER + "]}")));

    assertThatThrownBy(client::check)
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("request_id: is required");
  }

  @Test
  void check_serverErrorThenSuccess_retriesAfterBackoff() throws IOException {
    server.stubFor(
        post("/v1/update")
            .inScenario("flaky")
            .whenScenarioStateIs(STARTED)
            .willReturn(aResponse().withStatus(500))
            .willSetStateTo("recovered"));
    server.stubFor(
        post("/v1/update")
            .inScenario("flaky")
            .whenScenarioStateIs("recovered")
            .willReturn(aResponse().withStatus(204)));

    CheckResult result = client.check();

    assertThat(result.isEmpty()).isTrue();
    server.verify(2, postRequestedFor(urlEqualTo("/v1/update")));
    // Full jitter, here at its maximum: the base delay before the first retry.
    assertThat(time.sleeps()).containsExactly(Duration.ofMillis(100));
  }

  @Test
  void check_tooManyRequestsWithRetryAfter_waitsAsAsked() throws IOException {
    server.stubFor(
        post("/v1/update")
            .inScenario("busy")
            .whenScenarioStateIs(STARTED)
            .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7"))
            .willSetStateTo("free"));
    server.stubFor(
        post("/v1/update")
            .inScenario("busy")
            .whenScenarioStateIs("free")
            .willReturn(aResponse().withStatus(204)));

    client.check();

    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(7));
  }

  @Test
  void check_retryAfterAsHttpDate_waitsUntilThatDate() throws IOException {
    server.stubFor(
        post("/v1/update")
            .inScenario("busy")
            .whenScenarioStateIs(STARTED)
            .willReturn(
                aResponse()
                    .withStatus(503)
                    .withHeader("Retry-After", "Tue, 01 Jan 2030 00:00:05 GMT"))
            .willSetStateTo("free"));
    server.stubFor(
        post("/v1/update")
            .inScenario("busy")
            .whenScenarioStateIs("free")
            .willReturn(aResponse().withStatus(204)));

    client.check();

    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(5));
  }

  @Test
  void check_retryAfterBeyondMaxDelay_givesUpWithTheStatus() {
    server.stubFor(
        post("/v1/update")
            .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3600")));

    assertThatThrownBy(client::check)
        .isInstanceOfSatisfying(
            UpdateServerException.class,
            e -> {
              assertThat(e.status()).isEqualTo(429);
              assertThat(e.retryAfter()).contains(Duration.ofHours(1));
            });
    assertThat(time.sleeps()).isEmpty();
  }

  @Test
  void check_persistentServerError_stopsAfterMaxAttemptsWithEarlierFailuresSuppressed() {
    server.stubFor(post("/v1/update").willReturn(aResponse().withStatus(502)));

    assertThatThrownBy(client::check)
        .isInstanceOfSatisfying(
            UpdateServerException.class,
            e -> {
              assertThat(e.status()).isEqualTo(502);
              assertThat(e.getSuppressed()).hasSize(2);
            })
        .hasMessageContaining("answered HTTP 502");
    server.verify(3, postRequestedFor(urlEqualTo("/v1/update")));
    assertThat(time.sleeps()).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
  }

  @Test
  void check_timeBudgetExhausted_stopsRetrying() {
    server.stubFor(post("/v1/update").willReturn(aResponse().withStatus(503)));
    UpdateClient c =
        Fixtures.client(server.baseUrl(), time)
            .retryPolicy(
                new RetryPolicy(
                    10, Duration.ofSeconds(4), Duration.ofSeconds(4), Duration.ofSeconds(10)))
            .build();

    assertThatThrownBy(c::check).isInstanceOf(UpdateServerException.class);

    // 4 s + 4 s fit into 10 s; a third wait would end at 12 s.
    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(4), Duration.ofSeconds(4));
  }

  @Test
  void check_badRequest_throwsWithProblemDetailAndDoesNotRetry() {
    server.stubFor(
        post("/v1/update")
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withHeader("Content-Type", "application/problem+json")
                    .withBody(
                        "{\"type\":\"about:blank\",\"title\":\"Bad Request\",\"status\":400,"
                            + "\"detail\":\"invalid update request: locale: bad\","
                            + "\"errors\":[{\"field\":\"locale\",\"message\":\"bad\"}]}")));

    assertThatThrownBy(client::check)
        .isInstanceOfSatisfying(
            UpdateServerException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.problem())
                  .hasValueSatisfying(
                      p ->
                          assertThat(p.errors())
                              .extracting(f -> f.field())
                              .containsExactly("locale"));
            })
        .hasMessageContaining("answered HTTP 400: invalid update request: locale: bad");
    assertThat(time.sleeps()).isEmpty();
  }

  @Test
  void check_errorWithoutProblemDocument_throwsWithStatusOnly() {
    server.stubFor(
        post("/v1/update")
            .willReturn(aResponse().withStatus(404).withBody("<html>not here</html>")));

    assertThatThrownBy(client::check)
        .isInstanceOfSatisfying(
            UpdateServerException.class,
            e -> {
              assertThat(e.status()).isEqualTo(404);
              assertThat(e.problem()).isEmpty();
            });
  }

  @Test
  void check_connectionResetThenSuccess_retries() throws IOException {
    server.stubFor(
        post("/v1/update")
            .inScenario("reset")
            .whenScenarioStateIs(STARTED)
            .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))
            .willSetStateTo("ok"));
    server.stubFor(
        post("/v1/update")
            .inScenario("reset")
            .whenScenarioStateIs("ok")
            .willReturn(aResponse().withStatus(204)));

    assertThat(client.check().isEmpty()).isTrue();
    assertThat(time.sleeps()).hasSize(1);
  }

  @Test
  void check_redirectToPlainHttpHost_isRefused() {
    server.stubFor(
        post("/v1/update")
            .willReturn(
                aResponse()
                    .withStatus(307)
                    .withHeader("Location", "http://updates.example.com/v1/update")));

    assertThatThrownBy(client::check)
        .isInstanceOfSatisfying(
            UpdateServerException.class, e -> assertThat(e.status()).isEqualTo(307))
        .hasMessageContaining("did not follow")
        .hasMessageContaining("plain HTTP to updates.example.com is refused");
  }

  @Test
  void check_redirectToUrlWithUserInformation_isRefusedWithoutEchoingIt() {
    server.stubFor(
        post("/v1/update")
            .willReturn(
                aResponse()
                    .withStatus(307)
                    .withHeader(
                        "Location",
                        server.baseUrl().replace("//", "//u:s3cret@") + "/api/v1/update")));
    server.stubFor(post("/api/v1/update").willReturn(aResponse().withStatus(204)));

    assertThatThrownBy(client::check)
        .isInstanceOfSatisfying(
            UpdateServerException.class, e -> assertThat(e.status()).isEqualTo(307))
        .hasMessageContaining("holds user information")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void check_permanentRedirectOnLoopback_isFollowedWithTheBody() throws IOException {
    server.stubFor(
        post("/v1/update")
            .willReturn(aResponse().withStatus(308).withHeader("Location", "/api/v1/update")));
    server.stubFor(
        post("/api/v1/update")
            .withRequestBody(equalToJson("{\"product\":\"your_app\"}", true, true))
            .willReturn(aResponse().withStatus(204)));

    assertThat(client.check().isEmpty()).isTrue();
  }

  @Test
  void check_redirectToAPortOutOfRange_isRefused() {
    server.stubFor(
        post("/v1/update")
            .willReturn(
                aResponse()
                    .withStatus(307)
                    .withHeader("Location", "http://127.0.0.1:99999/v1/update")));

    assertThatThrownBy(client::check)
        .isInstanceOfSatisfying(
            UpdateServerException.class, e -> assertThat(e.status()).isEqualTo(307))
        .hasMessageContaining("has an invalid port 99999");
  }

  @Test
  void check_answerTricklingPastTheRequestTimeout_isAborted() {
    // Every reading of the monotonic clock moves it 10 s on, so the answer, however fast its
    // bytes come, is still incomplete when 30 s have passed: a drip that never trips an idle
    // timeout, and that would otherwise go on until the document limit.
    time.tickOnEveryReading(Duration.ofSeconds(10));
    try (ScriptedServer drip = new ScriptedServer().answer(ScriptedServer.endless())) {
      UpdateClient c =
          Fixtures.client(drip.uri("/").toString(), time)
              .requestTimeout(Duration.ofSeconds(30))
              .retryPolicy(RetryPolicy.none())
              .build();

      assertThatThrownBy(c::check)
          .isInstanceOf(HttpTimeoutException.class)
          .hasMessage("response not complete within PT30S");
    }
  }

  @Test
  void check_wallClockJumpingForward_doesNotUseUpTheRetryBudget() throws IOException {
    time.jumpWallClockOnEveryReading(Duration.ofHours(1));
    server.stubFor(
        post("/v1/update")
            .inScenario("flaky")
            .whenScenarioStateIs(STARTED)
            .willReturn(aResponse().withStatus(503))
            .willSetStateTo("ok"));
    server.stubFor(
        post("/v1/update")
            .inScenario("flaky")
            .whenScenarioStateIs("ok")
            .willReturn(aResponse().withStatus(204)));

    assertThat(client.check().isEmpty()).isTrue();
    assertThat(time.sleeps()).containsExactly(Duration.ofMillis(100));
  }

  @Test
  void check_sleeperThatDoesNotWait_stillUsesUpTheRetryBudget() {
    server.stubFor(post("/v1/update").willReturn(aResponse().withStatus(503)));
    List<Duration> waits = new ArrayList<>();
    // An application's test double: no fake monotonic clock, a sleeper that returns at once.
    UpdateClient c =
        UpdateClient.builder()
            .serverUri(URI.create(server.baseUrl()))
            .request(UpdateClient.jvmRequest("your_app", "1.0").build())
            .sleeper(waits::add)
            .random(Fixtures.maxJitter())
            .retryPolicy(
                new RetryPolicy(
                    10, Duration.ofSeconds(4), Duration.ofSeconds(4), Duration.ofSeconds(10)))
            .build();

    assertThatThrownBy(c::check).isInstanceOf(UpdateServerException.class);

    assertThat(waits).containsExactly(Duration.ofSeconds(4), Duration.ofSeconds(4));
  }

  @Test
  void checkAsync_onAClientWithASingleThreadExecutor_completes() throws Exception {
    server.stubFor(post("/v1/update").willReturn(aResponse().withStatus(204)));
    ExecutorService single = Executors.newSingleThreadExecutor();
    try {
      UpdateClient c = Fixtures.client(server.baseUrl(), time).executor(single).build();

      assertThat(c.checkAsync().get(30, TimeUnit.SECONDS).isEmpty()).isTrue();
    } finally {
      single.shutdownNow();
    }
  }

  @Test
  void checkAsync_completesWithTheResult() throws Exception {
    server.stubFor(post("/v1/update").willReturn(aResponse().withStatus(204)));

    assertThat(client.checkAsync().get(5, TimeUnit.SECONDS).isEmpty()).isTrue();
  }

  @Test
  void checkAsync_failure_completesExceptionallyWithTheCheckException() {
    server.stubFor(post("/v1/update").willReturn(aResponse().withStatus(403)));

    assertThatThrownBy(() -> client.checkAsync().get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(UpdateServerException.class);
  }

  @Test
  void check_baseUrlWithAPathAndNoTrailingSlash_postsBelowThatPath() throws IOException {
    server.stubFor(post("/prefix/v1/update").willReturn(aResponse().withStatus(204)));

    CheckResult result = Fixtures.client(server.baseUrl() + "/prefix", time).build().check();

    assertThat(result.isEmpty()).isTrue();
    server.verify(1, postRequestedFor(urlEqualTo("/prefix/v1/update")));
  }

  @Test
  void report_baseUrlWithAPathAndATrailingSlash_postsBelowThatPath() throws IOException {
    server.stubFor(post("/a/b/v1/completion").willReturn(aResponse().withStatus(204)));
    UpdateClient prefixed = Fixtures.client(server.baseUrl() + "/a/b/", time).build();

    prefixed.report(
        CompletionReport.of("req-1", java.util.Map.of("t", Outcome.success("1.0"))));

    server.verify(1, postRequestedFor(urlEqualTo("/a/b/v1/completion")));
  }
}
