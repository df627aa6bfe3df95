package dev.appupdate.client;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.ClientCodec;
import dev.appupdate.protocol.CompletionReport;
import dev.appupdate.protocol.FailureCode;
import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.Outcome;
import dev.appupdate.protocol.RejectedOffer;
import dev.appupdate.protocol.ServerCodec;
import dev.appupdate.protocol.UpdateResponse;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class UpdateFlowTest {
  @RegisterExtension
  static WireMockExtension server =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().http2PlainDisabled(true))
          .build();

  private static final byte[] DATA = Fixtures.payload(3_000, 11);
  private static final byte[] BLOB = Fixtures.payload(5_000, 12);

  @TempDir Path dir;

  private final FakeTime time = new FakeTime();

  private UpdateClient client() {
    return Fixtures.client(server.baseUrl(), time).retryPolicy(Fixtures.threeAttempts()).build();
  }

  private URI url(String path) {
    return URI.create(server.baseUrl() + path);
  }

  private AvailableUpdate data() {
    return Fixtures.offer("my_important_data", "1.0", DATA, url("/files/data"));
  }

  private AvailableUpdate blob() {
    return Fixtures.offer("my_important_binary_blob", "2.0", BLOB, url("/files/blob"));
  }

  private static String json(AvailableUpdate u) {
    return "{\"update_type\":\""
        + u.updateType()
        + "\",\"url\":\""
        + u.url()
        + "\","
        + "\"hash_function\":\"sha512\",\"hash_value\":\""
        + u.hashValue()
        + "\","
        + "\"size\":"
        + u.size()
        + ",\"version\":\""
        + u.version()
        + "\"}";
  }

  private void offering(String... offers) {
    server.stubFor(
        post("/v1/update")
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"available_updates\":["
                            + String.join(",", offers)
                            + "],\"request_id\":\"req-1\"}")));
    server.stubFor(post("/v1/completion").willReturn(aResponse().withStatus(204)));
  }

  private CheckResult resultOf(AvailableUpdate... offers) {
    return new CheckResult(UpdateResponse.of(List.of(offers), "req-1"));
  }

  /** Returns update type to failure code of the one completion report the server received. */
  private static Map<String, FailureCode> reportedCodes() {
    List<LoggedRequest> reports = server.findAll(postRequestedFor(urlEqualTo("/v1/completion")));
    assertThat(reports).hasSize(1);
    Map<String, FailureCode> codes = new LinkedHashMap<>();
    ServerCodec.create()
        .decodeCompletionReport(reports.get(0).getBody())
        .updates()
        .forEach((type, outcome) -> codes.put(type, outcome.code()));
    return codes;
  }

  @Test
  void reportBuilder_collectsOneOutcomePerUpdate() {
    CheckResult result = resultOf(data(), blob());

    CompletionReport report = result.report().succeeded(data()).failed(blob(), "disk full").build();

    assertThat(report.requestId()).isEqualTo("req-1");
    assertThat(report.updates())
        .containsExactly(
            Map.entry("my_important_data", Outcome.success("1.0")),
            Map.entry("my_important_binary_blob", Outcome.failed("2.0", FailureCode.OTHER, "disk full")));
  }

  @Test
  void reportBuilder_checksumMismatch_reportsBadChecksumWithWhatWasReceived() {
    CheckResult result = resultOf(blob());
    String actual = "cd".repeat(64);
    ChecksumMismatchException mismatch =
        new ChecksumMismatchException(
            HashFunction.SHA512, blob().hashValue(), actual, 5_000, blob().url());

    CompletionReport report = result.report().failed(blob(), mismatch).build();

    assertThat(report.updates().get("my_important_binary_blob"))
        .isEqualTo(
            Outcome.failed("2.0", FailureCode.BAD_CHECKSUM, "bad checksum").withObserved(HashFunction.SHA512, actual, 5_000L));
  }

  @Test
  void reportBuilder_multiLineReason_isReducedToOneLine() {
    CompletionReport report =
        resultOf(data()).report().failed(data(), "first line\nsecond\tline").build();

    assertThat(report.updates().get("my_important_data").reason())
        .isEqualTo("first line second line");
  }

  @Test
  void reportBuilder_longReasonWithASurrogatePairAtTheCut_staysValidText() {
    String reason = "install failed: " + "x".repeat(180) + "\uD83D\uDE00" + "y".repeat(20);

    CompletionReport report = resultOf(data()).report().failed(data(), reason).build();

    String r = report.updates().get("my_important_data").reason();
    assertThat(r.codePointCount(0, r.length())).isEqualTo(200);
    assertThat(r).isEqualTo("install failed: " + "x".repeat(180) + "\uD83D\uDE00" + "...");
  }

  @Test
  void reportBuilder_reasonWithUnpairedSurrogates_dropsThem() {
    CompletionReport report =
        resultOf(data()).report().failed(data(), "disk\uD800 full\uDC00!").build();

    assertThat(report.updates().get("my_important_data").reason()).isEqualTo("disk full!");
  }

  @Test
  void reportBuilder_updateNotOffered_isRejected() {
    assertThatThrownBy(() -> resultOf(data()).report().succeeded(blob()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("update my_important_binary_blob 2.0 is not an offer of this check result");
  }

  @Test
  void reportBuilder_secondOutcomeForTheSameUpdate_isRejected() {
    CheckResult.ReportBuilder builder = resultOf(data()).report().succeeded(data());

    assertThatThrownBy(() -> builder.failed(data(), "again"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("outcome of my_important_data already recorded");
  }

  @Test
  void reportBuilder_noOutcome_cannotBuild() {
    assertThatThrownBy(() -> resultOf(data()).report().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no outcome recorded");
  }

  @Test
  void reportBuilder_rejectedOfferWithoutVersion_cannotBeReported() {
    // An entry whose update type reads but whose version does not.
    UpdateResponse response =
        ClientCodec.create()
            .decodeUpdateResponse(
                ("{\"available_updates\": [{\"update_type\": \"blob\", \"version\": \" \"}],"
                        + " \"request_id\": \"req-1\"}")
                    .getBytes(StandardCharsets.UTF_8));
    RejectedOffer unnamed = response.rejected().get(0);
    CheckResult result = new CheckResult(response);

    assertThatThrownBy(() -> result.report().failed(unnamed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no readable update_type and version");
  }

  @Test
  void report_postsTheCompletionAndRetriesAServerError() throws IOException {
    server.stubFor(
        post("/v1/completion")
            .inScenario("flaky")
            .whenScenarioStateIs(STARTED)
            .willReturn(aResponse().withStatus(503))
            .willSetStateTo("ok"));
    server.stubFor(
        post("/v1/completion")
            .inScenario("flaky")
            .whenScenarioStateIs("ok")
            .willReturn(aResponse().withStatus(204)));

    client().report(resultOf(data()).report().failed(data(), "disk full").build());

    server.verify(
        2,
        postRequestedFor(urlEqualTo("/v1/completion"))
            .withRequestBody(
                equalToJson(
                    "{\"request_id\":\"req-1\",\"updates\":{\"my_important_data\":"
                        + "{\"status\":\"failed\",\"version\":\"1.0\","
                        + "\"code\":\"other\",\"reason\":\"disk full\"}}}")));
    assertThat(time.sleeps()).containsExactly(Duration.ofMillis(100));
  }

  @Test
  void report_tooManyRequestsWithRetryAfter_waitsAsAskedThenReportsAgain() throws IOException {
    server.stubFor(
        post("/v1/completion")
            .inScenario("limited")
            .whenScenarioStateIs(STARTED)
            .willReturn(
                aResponse()
                    .withStatus(429)
                    .withHeader("Retry-After", "3")
                    .withHeader("Content-Type", "application/problem+json")
                    .withBody(
                        "{\"type\":\"about:blank\",\"title\":\"Too Many Requests\","
                            + "\"status\":429,\"detail\":\"rate limit\"}"))
            .willSetStateTo("ok"));
    server.stubFor(
        post("/v1/completion")
            .inScenario("limited")
            .whenScenarioStateIs("ok")
            .willReturn(aResponse().withStatus(204)));

    client().report(resultOf(data()).report().failed(data(), "disk full").build());

    server.verify(2, postRequestedFor(urlEqualTo("/v1/completion")));
    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(3));
  }

  @Test
  void report_unknownRequestId_throwsWithoutRetrying() {
    server.stubFor(
        post("/v1/completion")
            .willReturn(
                aResponse()
                    .withStatus(422)
                    .withHeader("Content-Type", "application/problem+json")
                    .withBody(
                        "{\"title\":\"Unprocessable Content\",\"status\":422,"
                            + "\"detail\":\"request_id is expired\"}")));

    assertThatThrownBy(() -> client().report(resultOf(data()).report().succeeded(data()).build()))
        .isInstanceOfSatisfying(
            UpdateServerException.class, e -> assertThat(e.status()).isEqualTo(422))
        .hasMessageEndingWith("answered HTTP 422: request_id is expired");
    server.verify(1, postRequestedFor(urlEqualTo("/v1/completion")));
  }

  @Test
  void update_installsVerifiedOffersAndReportsEveryOutcomeInOneCompletion() throws IOException {
    String invalid =
        "{\"update_type\":\"gecko_media_plugins\",\"url\":\"https://cdn.example.com/gmp\","
            + "\"hash_function\":\"md5\",\"hash_value\":\"abc123\",\"size\":10,"
            + "\"version\":\"3.0\"}";
    String nameless = "{\"url\":\"https://cdn.example.com/x\"}";
    offering(json(data()), json(blob()), invalid, nameless);
    server.stubFor(get("/files/data").willReturn(aResponse().withBody(DATA)));
    byte[] wrong = Fixtures.payload(5_000, 13);
    server.stubFor(get("/files/blob").willReturn(aResponse().withBody(wrong)));
    List<DownloadedUpdate> installed = new ArrayList<>();

    UpdateSummary summary = client().update(dir, installed::add);

    assertThat(installed)
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.offer()).isEqualTo(data());
              assertThat(Files.readAllBytes(d.path())).isEqualTo(DATA);
            });
    assertThat(summary.requestId()).isEqualTo("req-1");
    assertThat(summary.reported()).isTrue();
    assertThat(summary.allSucceeded()).isFalse();
    assertThat(summary.entries())
        .extracting(
            e -> {
              Outcome o = e.outcome();
              return e.updateType() + " " + o.version() + " " + o.status() + " " + o.reason();
            })
        .containsExactly(
            "my_important_data 1.0 success null",
            "my_important_binary_blob 2.0 failed bad checksum",
            "gecko_media_plugins 3.0 failed invalid offer: available_updates[2].hash_function:"
                + " unsupported hash function \"md5\";"
                + " allowed: sha256, sha384, sha512");
    server.verify(
        1,
        postRequestedFor(urlEqualTo("/v1/completion"))
            .withRequestBody(
                equalToJson(
                    "{\"request_id\":\"req-1\",\"updates\":{"
                        + "\"my_important_data\":{\"status\":\"success\",\"version\":\"1.0\"},"
                        + "\"my_important_binary_blob\":{\"status\":\"failed\",\"version\":\"2.0\","
                        + "\"code\":\"bad_checksum\",\"reason\":\"bad checksum\","
                        + "\"hash_function\":\"sha512\","
                        + "\"hash_value\":\""
                        + Fixtures.sha512(wrong)
                        + "\",\"size\":5000},"
                        + "\"gecko_media_plugins\":{\"status\":\"failed\",\"version\":\"3.0\","
                        + "\"code\":\"other\","
                        + "\"reason\":\"invalid offer: available_updates[2].hash_function:"
                        + " unsupported hash function \\\"md5\\\";"
                        + " allowed: sha256, sha384, sha512\"}}}")));
    assertThat(Fixtures.files(dir))
        .containsExactly(Fixtures.finalName("my_important_data", "1.0"));
  }

  @Test
  void update_installerThrows_reportsTheFailureWithItsMessage() throws IOException {
    offering(json(data()));
    server.stubFor(get("/files/data").willReturn(aResponse().withBody(DATA)));

    UpdateSummary summary =
        client()
            .update(
                dir,
                d -> {
                  throw new IOException("cannot replace\nthe data file");
                });

    assertThat(summary.entries())
        .singleElement()
        .satisfies(
            e -> assertThat(e.outcome().reason()).isEqualTo("install failed: cannot replace the data file"));
    server.verify(
        postRequestedFor(urlEqualTo("/v1/completion"))
            .withRequestBody(
                equalToJson(
                    "{\"request_id\":\"req-1\",\"updates\":{\"my_important_data\":"
                        + "{\"status\":\"failed\",\"version\":\"1.0\","
                        + "\"code\":\"install_failed\","
                        + "\"reason\":\"install failed: cannot replace the data file\"}}}")));
  }

  @Test
  void update_noUpdates_reportsNothing() throws IOException {
    server.stubFor(post("/v1/update").willReturn(aResponse().withStatus(204)));

    UpdateSummary summary = client().update(dir, d -> {});

    assertThat(summary.entries()).isEmpty();
    assertThat(summary.requestId()).isNull();
    assertThat(summary.reported()).isFalse();
    server.verify(0, postRequestedFor(urlEqualTo("/v1/completion")));
  }

  @Test
  void update_checkFails_throwsAndDownloadsNothing() {
    server.stubFor(post("/v1/update").willReturn(aResponse().withStatus(400)));

    assertThatThrownBy(() -> client().update(dir, d -> {}))
        .isInstanceOfSatisfying(
            UpdateServerException.class, e -> assertThat(e.status()).isEqualTo(400));
    assertThat(Fixtures.files(dir)).isEmpty();
  }

  @Test
  void update_reportNotDelivered_returnsTheSummaryWithTheFailure() throws IOException {
    offering(json(data()));
    server.stubFor(get("/files/data").willReturn(aResponse().withBody(DATA)));
    server.stubFor(post("/v1/completion").willReturn(aResponse().withStatus(500)));

    UpdateSummary summary = client().update(dir, d -> {});

    assertThat(summary.allSucceeded()).isTrue();
    assertThat(summary.reported()).isFalse();
    assertThat(summary.reportFailure())
        .isInstanceOfSatisfying(
            UpdateServerException.class, e -> assertThat(e.status()).isEqualTo(500));
  }

  @Test
  void update_listenerThrows_reportsTheAbortAndTheRestAsCancelledThenRethrows() {
    offering(json(data()), json(blob()));
    server.stubFor(get("/files/data").willReturn(aResponse().withBody(DATA)));
    server.stubFor(get("/files/blob").willReturn(aResponse().withBody(BLOB)));
    List<DownloadedUpdate> installed = new ArrayList<>();

    assertThatThrownBy(
            () ->
                client()
                    .update(
                        dir,
                        installed::add,
                        p -> {
                          throw new IllegalStateException("progress bar\ndisposed");
                        }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("progress bar\ndisposed")
        .hasNoSuppressedExceptions();

    assertThat(installed).isEmpty();
    server.verify(
        1,
        postRequestedFor(urlEqualTo("/v1/completion"))
            .withRequestBody(
                equalToJson(
                    "{\"request_id\":\"req-1\",\"updates\":{"
                        + "\"my_important_data\":{\"status\":\"failed\",\"version\":\"1.0\","
                        + "\"code\":\"other\","
                        + "\"reason\":\"download aborted: progress bar disposed\"},"
                        + "\"my_important_binary_blob\":{\"status\":\"failed\","
                        + "\"version\":\"2.0\",\"code\":\"cancelled\","
                        + "\"reason\":\"cancelled\"}}}")));
  }

  @Test
  void update_listenerThrowsAndReportFails_rethrowsWithTheReportFailureSuppressed() {
    offering(json(data()));
    server.stubFor(post("/v1/completion").willReturn(aResponse().withStatus(400)));
    server.stubFor(get("/files/data").willReturn(aResponse().withBody(DATA)));

    assertThatThrownBy(
            () ->
                client()
                    .update(
                        dir,
                        d -> {},
                        p -> {
                          throw new IllegalStateException("gone");
                        }))
        .isInstanceOf(IllegalStateException.class)
        .satisfies(
            e ->
                assertThat(e.getSuppressed())
                    .singleElement()
                    .isInstanceOfSatisfying(
                        UpdateServerException.class, s -> assertThat(s.status()).isEqualTo(400)));
  }

  @Test
  void reportBuilder_isEmptyUntilAnOutcomeIsRecorded() {
    CheckResult.ReportBuilder report = resultOf(data()).report();

    assertThat(report.isEmpty()).isTrue();
    assertThat(report.succeeded(data()).isEmpty()).isFalse();
  }

  @Test
  void update_installerInterruptedInsideFileIo_reportsCancelledNotInstallFailed()
      throws IOException {
    offering(json(data()), json(blob()));
    server.stubFor(get("/files/data").willReturn(aResponse().withBody(DATA)));
    UpdateSummary summary;
    try {
      summary =
          client()
              .update(
                  dir,
                  d -> {
                    // What FileChannel and Files.copy do when the installing thread is interrupted.
                    Thread.currentThread().interrupt();
                    throw new ClosedByInterruptException();
                  });
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }

    // install_failed counts toward the automatic halt of a release; an interrupt must not.
    assertThat(summary.entries())
        .extracting(e -> e.outcome().reason())
        .containsExactly("install interrupted", "cancelled");
    assertThat(reportedCodes())
        .containsExactly(
            Map.entry("my_important_data", FailureCode.CANCELLED),
            Map.entry("my_important_binary_blob", FailureCode.CANCELLED));
  }

  @Test
  void update_installerWrapsAnInterruptedIoException_reportsCancelledAndSetsTheFlag()
      throws IOException {
    offering(json(data()));
    server.stubFor(get("/files/data").willReturn(aResponse().withBody(DATA)));
    boolean interrupted;
    try {
      client()
          .update(
              dir,
              d -> {
                // The flag already cleared, as by a library that caught the interrupt.
                throw new UncheckedIOException(new InterruptedIOException("copy interrupted"));
              });
    } finally {
      interrupted = Thread.interrupted();
    }

    assertThat(interrupted).isTrue();
    assertThat(reportedCodes())
        .containsExactly(Map.entry("my_important_data", FailureCode.CANCELLED));
  }

  @Test
  void update_installerSocketTimeout_isAnInstallFailureNotAnInterrupt() throws IOException {
    offering(json(data()));
    server.stubFor(get("/files/data").willReturn(aResponse().withBody(DATA)));

    client()
        .update(
            dir,
            d -> {
              throw new SocketTimeoutException("read timed out");
            });

    assertThat(Thread.currentThread().isInterrupted()).isFalse();
    assertThat(reportedCodes())
        .containsExactly(Map.entry("my_important_data", FailureCode.INSTALL_FAILED));
  }

  @Test
  void update_installerThrowsError_reportsInstallAbortedAndTheRestAsCancelledThenRethrows() {
    offering(json(data()), json(blob()));
    server.stubFor(get("/files/data").willReturn(aResponse().withBody(DATA)));
    server.stubFor(get("/files/blob").willReturn(aResponse().withBody(BLOB)));

    assertThatThrownBy(
            () ->
                client()
                    .update(
                        dir,
                        d -> {
                          throw new NoClassDefFoundError("com/acme/Patcher");
                        }))
        .isInstanceOf(NoClassDefFoundError.class)
        .hasMessage("com/acme/Patcher")
        .hasNoSuppressedExceptions();

    server.verify(
        1,
        postRequestedFor(urlEqualTo("/v1/completion"))
            .withRequestBody(
                equalToJson(
                    "{\"request_id\":\"req-1\",\"updates\":{"
                        + "\"my_important_data\":{\"status\":\"failed\",\"version\":\"1.0\","
                        + "\"code\":\"install_failed\","
                        + "\"reason\":\"install aborted: com/acme/Patcher\"},"
                        + "\"my_important_binary_blob\":{\"status\":\"failed\","
                        + "\"version\":\"2.0\",\"code\":\"cancelled\","
                        + "\"reason\":\"cancelled\"}}}")));
  }

  @Test
  void update_listenerThrowsError_reportsDownloadAbortedThenRethrows() {
    offering(json(data()), json(blob()));
    server.stubFor(get("/files/data").willReturn(aResponse().withBody(DATA)));
    server.stubFor(get("/files/blob").willReturn(aResponse().withBody(BLOB)));

    assertThatThrownBy(
            () ->
                client()
                    .update(
                        dir,
                        d -> {},
                        p -> {
                          throw new AssertionError("listener bug");
                        }))
        .isInstanceOf(AssertionError.class)
        .hasMessage("listener bug");

    assertThat(reportedCodes())
        .containsExactly(
            Map.entry("my_important_data", FailureCode.OTHER),
            Map.entry("my_important_binary_blob", FailureCode.CANCELLED));
  }

  @Test
  void update_installerThrowsErrorAndReportFails_rethrowsWithTheReportFailureSuppressed() {
    offering(json(data()));
    server.stubFor(get("/files/data").willReturn(aResponse().withBody(DATA)));
    server.stubFor(post("/v1/completion").willReturn(aResponse().withStatus(400)));

    assertThatThrownBy(
            () ->
                client()
                    .update(
                        dir,
                        d -> {
                          throw new OutOfMemoryError("Java heap space");
                        }))
        .isInstanceOf(OutOfMemoryError.class)
        .satisfies(
            e ->
                assertThat(e.getSuppressed())
                    .singleElement()
                    .isInstanceOfSatisfying(
                        UpdateServerException.class, s -> assertThat(s.status()).isEqualTo(400)));
  }

  @Test
  void update_invalidOfferBeforeValidOnes_summaryKeepsTheServersOrder() throws IOException {
    String invalid =
        "{\"update_type\":\"gecko_media_plugins\",\"url\":\"https://cdn.example.com/gmp\","
            + "\"hash_function\":\"md5\",\"hash_value\":\"abc123\",\"size\":10,"
            + "\"version\":\"3.0\"}";
    offering(json(data()), invalid, json(blob()));
    server.stubFor(get("/files/data").willReturn(aResponse().withBody(DATA)));
    server.stubFor(get("/files/blob").willReturn(aResponse().withBody(BLOB)));

    UpdateSummary summary = client().update(dir, d -> {});

    assertThat(summary.entries())
        .extracting(UpdateSummary.Entry::updateType)
        .containsExactly("my_important_data", "gecko_media_plugins", "my_important_binary_blob");
  }

  @Test
  void update_offerWithAPortOutOfRange_isReportedAsInvalidUrl() throws IOException {
    AvailableUpdate bad =
        Fixtures.offer(
            "my_important_data", "1.0", DATA, URI.create("https://cdn.example.com:99999/data"));
    offering(json(bad));

    UpdateSummary summary = client().update(dir, d -> {});

    assertThat(summary.entries())
        .singleElement()
        .satisfies(e -> assertThat(e.outcome().reason()).isEqualTo("invalid URL"));
    assertThat(summary.reported()).isTrue();
  }

  @Test
  void update_installerInterrupted_stillReportsAndKeepsTheInterruptFlag() throws IOException {
    offering(json(data()), json(blob()));
    server.stubFor(get("/files/data").willReturn(aResponse().withBody(DATA)));
    UpdateSummary summary;
    try {
      summary =
          client()
              .update(
                  dir,
                  d -> {
                    throw new InterruptedException("shutting down");
                  });
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }

    assertThat(summary.reported()).isTrue();
    assertThat(summary.entries())
        .extracting(e -> e.outcome().reason())
        .containsExactly("install interrupted", "cancelled");
    server.verify(1, postRequestedFor(urlEqualTo("/v1/completion")));
  }

  @Test
  void update_downloadInterrupted_stillReportsAndKeepsTheInterruptFlag() throws IOException {
    offering(json(data()));
    server.stubFor(get("/files/data").willReturn(aResponse().withBody(DATA)));
    UpdateSummary summary;
    try {
      summary =
          client()
              .update(
                  dir,
                  d -> {},
                  p -> {
                    Thread.currentThread().interrupt();
                    return true;
                  });
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }

    assertThat(summary.reported()).isTrue();
    assertThat(summary.entries())
        .extracting(e -> e.outcome().reason())
        .containsExactly("cancelled");
  }

  @Test
  void update_downloadCancelled_reportsTheRestAsCancelled() throws IOException {
    offering(json(data()), json(blob()));
    server.stubFor(get("/files/data").willReturn(aResponse().withBody(DATA)));
    server.stubFor(get("/files/blob").willReturn(aResponse().withBody(BLOB)));
    List<DownloadedUpdate> installed = new ArrayList<>();

    UpdateSummary summary = client().update(dir, installed::add, p -> false);

    assertThat(installed).isEmpty();
    assertThat(summary.entries())
        .extracting(e -> e.outcome().reason())
        .containsExactly("cancelled", "cancelled");
    assertThat(summary.reported()).isTrue();
  }

  @Test
  void update_eachKindOfFailure_isReportedWithItsFailureCode() throws IOException {
    AvailableUpdate gone =
        Fixtures.offer("gecko_media_plugins", "3.0", DATA, url("/files/gone"));
    offering(json(data()), json(blob()), json(gone));
    server.stubFor(get("/files/data").willReturn(aResponse().withBody(DATA)));
    // One byte short on every attempt: a size mismatch, not a transfer failure.
    server.stubFor(
        get("/files/blob")
            .willReturn(aResponse().withBody(java.util.Arrays.copyOf(BLOB, BLOB.length - 1))));
    server.stubFor(get("/files/gone").willReturn(aResponse().withStatus(404)));

    client()
        .update(
            dir,
            d -> {
              throw new IOException("disk full");
            });

    assertThat(reportedCodes())
        .containsExactly(
            Map.entry("my_important_data", FailureCode.INSTALL_FAILED),
            Map.entry("my_important_binary_blob", FailureCode.SIZE_MISMATCH),
            Map.entry("gecko_media_plugins", FailureCode.DOWNLOAD_FAILED));
  }

  @Test
  void update_installerInterrupted_reportsItAndTheRestAsCancelled() throws IOException {
    offering(json(data()), json(blob()));
    server.stubFor(get("/files/data").willReturn(aResponse().withBody(DATA)));
    try {
      client()
          .update(
              dir,
              d -> {
                throw new InterruptedException("shutting down");
              });
    } finally {
      Thread.interrupted();
    }

    assertThat(reportedCodes())
        .containsExactly(
            Map.entry("my_important_data", FailureCode.CANCELLED),
            Map.entry("my_important_binary_blob", FailureCode.CANCELLED));
  }

  @Test
  void update_downloadCancelled_reportsCancelledCodes() throws IOException {
    offering(json(data()), json(blob()));
    server.stubFor(get("/files/data").willReturn(aResponse().withBody(DATA)));

    client().update(dir, d -> {}, p -> false);

    assertThat(reportedCodes())
        .containsOnly(
            Map.entry("my_important_data", FailureCode.CANCELLED),
            Map.entry("my_important_binary_blob", FailureCode.CANCELLED));
  }

  @Test
  void reportBuilder_explicitCode_isSentWithTheReason() {
    CompletionReport report =
        resultOf(data())
            .report()
            .failed(data(), FailureCode.BAD_SIGNATURE, "signature by an unknown key")
            .build();

    assertThat(report.updates().get("my_important_data").code())
        .isEqualTo(FailureCode.BAD_SIGNATURE);
  }
}
