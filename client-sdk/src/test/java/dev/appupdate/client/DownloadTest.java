package dev.appupdate.client;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.FailureCode;
import dev.appupdate.protocol.HashFunction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class DownloadTest {
  @RegisterExtension
  static WireMockExtension server =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().http2PlainDisabled(true))
          .build();

  private static final byte[] PAYLOAD = Fixtures.payload(10_000, 1);
  private static final String FINAL_NAME = Fixtures.finalName("my_data", "1.0");

  @TempDir Path dir;

  private final FakeTime time = new FakeTime();

  private UpdateClient client() {
    return Fixtures.client(server.baseUrl(), time).retryPolicy(Fixtures.threeAttempts()).build();
  }

  private URI url(String path) {
    return URI.create(server.baseUrl() + path);
  }

  private AvailableUpdate offer(URI url, URI... mirrors) {
    return Fixtures.offer("my_data", "1.0", PAYLOAD, url, mirrors);
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder ok(byte[] body) {
    return aResponse().withStatus(200).withHeader("ETag", "\"v1\"").withBody(body);
  }

  @Test
  void download_verifiedBody_isMovedToItsFinalNameWithNothingElseLeft() throws IOException {
    server.stubFor(get("/data").willReturn(ok(PAYLOAD)));
    List<DownloadProgress> progress = new ArrayList<>();

    DownloadedUpdate d = client().download(offer(url("/data")), dir, progress::add);

    assertThat(d.path()).isEqualTo(dir.resolve(FINAL_NAME));
    assertThat(d.offer()).isEqualTo(offer(url("/data")));
    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
    assertThat(Fixtures.files(dir)).containsExactly(FINAL_NAME);
    assertThat(progress.get(0).bytesDone()).isZero();
    assertThat(progress.get(progress.size() - 1).bytesDone()).isEqualTo(PAYLOAD.length);
    assertThat(progress).allSatisfy(p -> assertThat(p.totalBytes()).isEqualTo(PAYLOAD.length));
  }

  @Test
  void download_missingDirectory_isCreated() throws IOException {
    server.stubFor(get("/data").willReturn(ok(PAYLOAD)));
    Path nested = dir.resolve("a/b");

    DownloadedUpdate d = client().download(offer(url("/data")), nested);

    assertThat(d.path()).isEqualTo(nested.resolve(FINAL_NAME));
  }

  @Test
  void download_wrongHash_leavesNoFileAndReportsBadChecksum() {
    byte[] other = Fixtures.payload(PAYLOAD.length, 2);
    server.stubFor(get("/data").willReturn(ok(other)));

    assertThatThrownBy(() -> client().download(offer(url("/data")), dir))
        .isInstanceOfSatisfying(
            ChecksumMismatchException.class,
            e -> {
              assertThat(e.reason()).isEqualTo("bad checksum");
              assertThat(e.expected()).isEqualTo(Fixtures.sha512(PAYLOAD));
              assertThat(e.actual()).isEqualTo(Fixtures.sha512(other));
              assertThat(e.size()).isEqualTo(PAYLOAD.length);
              assertThat(e.url()).contains(url("/data"));
            })
        .hasMessageContaining("bad checksum for " + url("/data"));
    assertThat(Fixtures.files(dir)).isEmpty();
    // Bytes that do not verify are not worth another try from the same URL.
    assertThat(time.sleeps()).isEmpty();
  }

  @Test
  void download_truncatedBody_leavesNoFileAndReportsSizeMismatch() {
    server.stubFor(get("/data").willReturn(ok(Arrays.copyOf(PAYLOAD, 6_000))));

    assertThatThrownBy(() -> client().download(offer(url("/data")), dir))
        .isInstanceOfSatisfying(
            SizeMismatchException.class,
            e -> {
              assertThat(e.reason()).startsWith("size mismatch: expected 10000 bytes");
              assertThat(e.expected()).isEqualTo(10_000);
              assertThat(e.received()).isEqualTo(6_000);
            });
    assertThat(Fixtures.files(dir)).isEmpty();
  }

  @Test
  void download_truncatedStreamedBody_isCaughtWhenTheBodyEnds() {
    // Chunked, so no Content-Length tells in advance; the check at the end must catch it.
    try (ScriptedServer chunked =
        new ScriptedServer().answer(ScriptedServer.chunked(Arrays.copyOf(PAYLOAD, 6_000), 1_000))) {
      AvailableUpdate offer = Fixtures.offer("my_data", "1.0", PAYLOAD, chunked.uri("/data"));

      assertThatThrownBy(() -> client().download(offer, dir))
          .isInstanceOf(SizeMismatchException.class)
          .hasMessageContaining("ended after 6000 of the declared 10000 bytes")
          .extracting(e -> ((DownloadException) e).reason())
          .isEqualTo("size mismatch: expected 10000 bytes, got 6000");
    }
    assertThat(Fixtures.files(dir)).isEmpty();
  }

  @Test
  void download_bodyLongerThanDeclaredSize_isRefused() {
    byte[] longer = Arrays.copyOf(PAYLOAD, 12_000);
    server.stubFor(get("/data").willReturn(ok(longer)));

    assertThatThrownBy(() -> client().download(offer(url("/data")), dir))
        .isInstanceOfSatisfying(
            SizeMismatchException.class, e -> assertThat(e.reason()).startsWith("size mismatch:"));
    assertThat(Fixtures.files(dir)).isEmpty();
  }

  @Test
  void download_streamedBodyLongerThanDeclaredSize_stopsAtTheFirstExtraByte() {
    byte[] longer = Arrays.copyOf(PAYLOAD, 12_000);
    try (ScriptedServer chunked =
        new ScriptedServer().answer(ScriptedServer.chunked(longer, 1_000))) {
      AvailableUpdate offer = Fixtures.offer("my_data", "1.0", PAYLOAD, chunked.uri("/data"));

      assertThatThrownBy(() -> client().download(offer, dir))
          .isInstanceOfSatisfying(
              SizeMismatchException.class,
              e -> {
                assertThat(e.reason())
                    .isEqualTo("size mismatch: more than the declared 10000 bytes");
                assertThat(e.received()).isGreaterThan(10_000).isLessThanOrEqualTo(12_000);
              });
    }
    assertThat(Fixtures.files(dir)).isEmpty();
  }

  @Test
  void download_endlessBody_stopsReadingOnceTheDeclaredSizeIsPassed() {
    try (ScriptedServer endless = new ScriptedServer().answer(ScriptedServer.endless())) {
      AvailableUpdate offer = Fixtures.offer("my_data", "1.0", PAYLOAD, endless.uri("/data"));

      assertThatThrownBy(() -> client().download(offer, dir))
          .isInstanceOfSatisfying(
              SizeMismatchException.class,
              e -> assertThat(e.received()).isLessThan(PAYLOAD.length + 64 * 1024 + 1));
    }
    assertThat(Fixtures.files(dir)).isEmpty();
  }

  @Test
  void download_notFound_reportsTheStatusWithoutRetrying() {
    server.stubFor(get("/data").willReturn(aResponse().withStatus(404)));

    assertThatThrownBy(() -> client().download(offer(url("/data")), dir))
        .isInstanceOfSatisfying(
            HttpStatusException.class,
            e -> {
              assertThat(e.reason()).isEqualTo("HTTP 404");
              assertThat(e.status()).isEqualTo(404);
              assertThat(e.retryAfter()).isEmpty();
            })
        .hasMessageContaining("GET " + url("/data") + " answered HTTP 404");
    server.verify(1, getRequestedFor(urlEqualTo("/data")));
    assertThat(Fixtures.files(dir)).isEmpty();
  }

  @Test
  void download_serverErrorThenSuccess_retriesAndVerifies() throws IOException {
    server.stubFor(
        get("/data")
            .inScenario("flaky")
            .whenScenarioStateIs(STARTED)
            .willReturn(aResponse().withStatus(500))
            .willSetStateTo("ok"));
    server.stubFor(
        get("/data").inScenario("flaky").whenScenarioStateIs("ok").willReturn(ok(PAYLOAD)));

    DownloadedUpdate d = client().download(offer(url("/data")), dir);

    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
    assertThat(time.sleeps()).containsExactly(Duration.ofMillis(100));
    assertThat(Fixtures.files(dir)).containsExactly(FINAL_NAME);
  }

  @Test
  void download_persistentServerError_givesUpAfterMaxAttempts() {
    server.stubFor(get("/data").willReturn(aResponse().withStatus(503)));

    assertThatThrownBy(() -> client().download(offer(url("/data")), dir))
        .isInstanceOfSatisfying(
            DownloadException.class,
            e -> {
              assertThat(e.reason()).isEqualTo("HTTP 503");
              assertThat(e.getSuppressed()).hasSize(2);
            });
    server.verify(3, getRequestedFor(urlEqualTo("/data")));
    assertThat(Fixtures.files(dir)).isEmpty();
  }

  @Test
  void download_tooManyRequestsWithRetryAfter_waitsAsAsked() throws IOException {
    server.stubFor(
        get("/data")
            .inScenario("busy")
            .whenScenarioStateIs(STARTED)
            .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3"))
            .willSetStateTo("free"));
    server.stubFor(
        get("/data").inScenario("busy").whenScenarioStateIs("free").willReturn(ok(PAYLOAD)));

    DownloadedUpdate d = client().download(offer(url("/data")), dir);

    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(3));
    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
    assertThat(Fixtures.files(dir)).containsExactly(FINAL_NAME);
  }

  @Test
  void download_tooManyRequestsOnEveryAttempt_exposesTheStatusAndTheWaitAskedFor() {
    server.stubFor(
        get("/data").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")));

    assertThatThrownBy(() -> client().download(offer(url("/data")), dir))
        .isInstanceOfSatisfying(
            HttpStatusException.class,
            e -> {
              assertThat(e.status()).isEqualTo(429);
              assertThat(e.retryAfter()).contains(Duration.ofSeconds(2));
              assertThat(e.url()).contains(url("/data"));
            });
    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2));
  }

  @Test
  void download_retryBudget_coversAllUrlsTogether() {
    server.stubFor(get("/a").willReturn(aResponse().withStatus(503)));
    server.stubFor(get("/b").willReturn(aResponse().withStatus(503)));
    UpdateClient c =
        Fixtures.client(server.baseUrl(), time)
            .retryPolicy(
                new RetryPolicy(
                    10, Duration.ofSeconds(4), Duration.ofSeconds(4), Duration.ofSeconds(10)))
            .build();

    assertThatThrownBy(() -> c.download(offer(url("/a"), url("/b")), dir))
        .isInstanceOf(HttpStatusException.class);

    // 4 s + 4 s on the first URL use up the 10 s budget: the mirror gets one attempt, no retry.
    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(4), Duration.ofSeconds(4));
    server.verify(3, getRequestedFor(urlEqualTo("/a")));
    server.verify(1, getRequestedFor(urlEqualTo("/b")));
  }

  @Test
  void download_connectionResetThenSuccess_retriesAndVerifies() throws IOException {
    server.stubFor(
        get("/data")
            .inScenario("reset")
            .whenScenarioStateIs(STARTED)
            .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))
            .willSetStateTo("ok"));
    server.stubFor(
        get("/data").inScenario("reset").whenScenarioStateIs("ok").willReturn(ok(PAYLOAD)));

    DownloadedUpdate d = client().download(offer(url("/data")), dir);

    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
    // The JDK client repeats a GET once by itself when the connection dies before any response,
    // so the second request may come without the client's own backoff.
    server.verify(2, getRequestedFor(urlEqualTo("/data")));
    assertThat(Fixtures.files(dir)).containsExactly(FINAL_NAME);
  }

  @Test
  void download_connectionAlwaysReset_failsWithNetworkReasonAndLeavesNothing() {
    server.stubFor(get("/data").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

    assertThatThrownBy(() -> client().download(offer(url("/data")), dir))
        .isInstanceOfSatisfying(
            DownloadException.class, e -> assertThat(e.reason()).startsWith("network error: "));
    assertThat(time.sleeps()).hasSize(2);
    assertThat(Fixtures.files(dir)).isEmpty();
  }

  @Test
  void download_randomDataThenClose_failsWithNetworkReasonAndLeavesNothing() {
    server.stubFor(get("/data").willReturn(aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE)));

    assertThatThrownBy(() -> client().download(offer(url("/data")), dir))
        .isInstanceOfSatisfying(
            DownloadException.class,
            e -> {
              assertThat(e.reason()).startsWith("network error: ");
              assertThat(e.getCause()).isInstanceOf(IOException.class);
            });
    server.verify(3, getRequestedFor(urlEqualTo("/data")));
    assertThat(Fixtures.files(dir)).isEmpty();
  }

  @Test
  void download_dripBelowMinimumSpeed_isAbortedAsStalledAndKeptForResuming() {
    // Every reading of the monotonic clock moves it 30 s on: the first chunk, at most the whole
    // 10,000 bytes, takes longer than the 20 s window, at no more than 333 bytes/s.
    time.tickOnEveryReading(Duration.ofSeconds(30));
    server.stubFor(get("/data").willReturn(ok(PAYLOAD)));
    UpdateClient c =
        Fixtures.client(server.baseUrl(), time)
            .retryPolicy(RetryPolicy.none())
            .minimumSpeed(1_000, Duration.ofSeconds(20))
            .build();

    assertThatThrownBy(() -> c.download(offer(url("/data")), dir))
        .isInstanceOfSatisfying(
            StalledTransferException.class,
            e -> {
              assertThat(e.reason()).isEqualTo("transfer stalled");
              assertThat(e.bytesPerSecond()).isLessThan(1_000);
              assertThat(e.minimumBytesPerSecond()).isEqualTo(1_000);
              assertThat(e.window()).isEqualTo(Duration.ofSeconds(20));
            });
    // The server sent an ETag, so the bytes so far stay for a later resume; nothing is final.
    assertThat(Fixtures.files(dir))
        .containsExactly("." + FINAL_NAME + ".part", "." + FINAL_NAME + ".part.meta");
  }

  @Test
  void download_wallClockJumpingOnEveryReading_doesNotMakeTheTransferLookStalled()
      throws IOException {
    // A time sync or a user setting the date moves the wall clock; rates use a monotonic clock.
    time.jumpWallClockOnEveryReading(Duration.ofHours(1));
    server.stubFor(get("/data").willReturn(ok(PAYLOAD)));
    UpdateClient c =
        Fixtures.client(server.baseUrl(), time)
            .retryPolicy(RetryPolicy.none())
            .minimumSpeed(1_000, Duration.ofSeconds(20))
            .build();

    DownloadedUpdate d = c.download(offer(url("/data")), dir);

    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
  }

  @Test
  void download_dripWithoutValidator_leavesNothingBehind() {
    time.tickOnEveryReading(Duration.ofSeconds(30));
    server.stubFor(get("/data").willReturn(aResponse().withStatus(200).withBody(PAYLOAD)));
    UpdateClient c =
        Fixtures.client(server.baseUrl(), time)
            .retryPolicy(RetryPolicy.none())
            .minimumSpeed(1_000, Duration.ofSeconds(20))
            .build();

    assertThatThrownBy(() -> c.download(offer(url("/data")), dir))
        .isInstanceOf(StalledTransferException.class);
    assertThat(Fixtures.files(dir)).isEmpty();
  }

  @Test
  void download_serverSilentAfterHeaders_isAbortedAfterOneWindow() {
    List<Duration> waits = new ArrayList<>();
    try (ScriptedServer silent = new ScriptedServer()) {
      silent.answer(silent.silentAfterHeaders(PAYLOAD.length));
      UpdateClient c =
          Fixtures.client(server.baseUrl(), time)
              .retryPolicy(RetryPolicy.none())
              .minimumSpeed(1_000, Duration.ofSeconds(30))
              // Instead of waiting 30 s for data that never comes, see at once that none is there.
              .poller(
                  (queue, nanos) -> {
                    waits.add(Duration.ofNanos(nanos));
                    return queue.poll();
                  })
              .build();
      AvailableUpdate offer = Fixtures.offer("my_data", "1.0", PAYLOAD, silent.uri("/data"));

      assertThatThrownBy(() -> c.download(offer, dir))
          .isInstanceOfSatisfying(
              StalledTransferException.class, e -> assertThat(e.bytesPerSecond()).isZero())
          .hasMessageContaining("sent no data for PT30S");
    }
    assertThat(waits).isNotEmpty().containsOnly(Duration.ofSeconds(30));
    assertThat(Fixtures.files(dir)).isEmpty();
  }

  @Test
  void download_redirectToPlainHttpElsewhere_isRefused() {
    server.stubFor(
        get("/data")
            .willReturn(
                aResponse()
                    .withStatus(302)
                    .withHeader("Location", "http://downloads.example.com/data")));

    assertThatThrownBy(() -> client().download(offer(url("/data")), dir))
        .isInstanceOfSatisfying(
            DownloadException.class,
            e -> assertThat(e.reason()).isEqualTo("refused redirect (HTTP 302)"))
        .hasMessageContaining("plain HTTP to downloads.example.com is refused");
    assertThat(Fixtures.files(dir)).isEmpty();
  }

  @Test
  void download_redirectToUrlWithUserInformation_isRefusedWithoutEchoingIt() {
    server.stubFor(
        get("/data")
            .willReturn(
                aResponse()
                    .withStatus(302)
                    .withHeader(
                        "Location", url("/cdn/data").toString().replace("//", "//u:s3cret@"))));
    server.stubFor(get("/cdn/data").willReturn(ok(PAYLOAD)));

    assertThatThrownBy(() -> client().download(offer(url("/data")), dir))
        .isInstanceOfSatisfying(
            DownloadException.class,
            e -> assertThat(e.reason()).isEqualTo("refused redirect (HTTP 302)"))
        .hasMessageContaining("holds user information")
        .hasMessageNotContaining("s3cret");
    assertThat(Fixtures.files(dir)).isEmpty();
  }

  @Test
  void download_redirectOnLoopback_isFollowed() throws IOException {
    server.stubFor(
        get("/data").willReturn(aResponse().withStatus(302).withHeader("Location", "/cdn/data")));
    server.stubFor(get("/cdn/data").willReturn(ok(PAYLOAD)));

    DownloadedUpdate d = client().download(offer(url("/data")), dir);

    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
  }

  @Test
  void download_urlWithAPortOutOfRange_fallsBackToTheMirror() throws IOException {
    server.stubFor(get("/mirror/data").willReturn(ok(PAYLOAD)));
    AvailableUpdate offer =
        offer(URI.create("https://cdn.example.com:99999/data"), url("/mirror/data"));

    DownloadedUpdate d = client().download(offer, dir);

    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
    assertThat(time.sleeps()).isEmpty();
  }

  @Test
  void download_onlyUrlHasAPortOutOfRange_failsAsInvalidUrl() {
    AvailableUpdate offer = offer(URI.create("https://cdn.example.com:99999/data"));

    assertThatThrownBy(() -> client().download(offer, dir))
        .isInstanceOfSatisfying(
            DownloadException.class, e -> assertThat(e.reason()).isEqualTo("invalid URL"))
        .hasMessage("https://cdn.example.com:99999/data has an invalid port 99999 (1 to 65535)");
    assertThat(Fixtures.files(dir)).isEmpty();
  }

  @Test
  void download_plainHttpUrlOfOtherHost_isRefusedWithoutConnecting() {
    AvailableUpdate offer = offer(URI.create("http://cdn.example.com/data"));

    assertThatThrownBy(() -> client().download(offer, dir))
        .isInstanceOfSatisfying(
            DownloadException.class,
            e -> assertThat(e.reason()).isEqualTo("refused plain HTTP URL"))
        .hasMessageContaining("use https, or allowInsecureHttp(true)");
    assertThat(Fixtures.files(dir)).isEmpty();
  }

  @Test
  void download_primaryNotFound_fallsBackToTheMirror() throws IOException {
    server.stubFor(get("/data").willReturn(aResponse().withStatus(404)));
    server.stubFor(get("/mirror/data").willReturn(ok(PAYLOAD)));
    List<URI> sources = new ArrayList<>();

    DownloadedUpdate d =
        client().download(offer(url("/data"), url("/mirror/data")), dir, p -> sources.add(p.url()));

    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
    assertThat(sources).containsOnly(url("/mirror/data"));
    assertThat(Fixtures.files(dir)).containsExactly(FINAL_NAME);
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }

  @Test
  void download_encodedBodyOnEveryUrl_failsAsADownloadFailureNotAsABrokenRelease()
      throws IOException {
    // Even a body whose length happens to match must not be taken: its bytes are not the file's.
    byte[] encoded = Fixtures.payload(PAYLOAD.length, 9);
    server.stubFor(get("/data").willReturn(ok(encoded).withHeader("Content-Encoding", "br")));
    server.stubFor(
        get("/mirror/data").willReturn(ok(gzip(PAYLOAD)).withHeader("Content-Encoding", "GZIP")));

    assertThatThrownBy(() -> client().download(offer(url("/data"), url("/mirror/data")), dir))
        .isInstanceOfSatisfying(
            DownloadException.class,
            e -> {
              assertThat(e).isExactlyInstanceOf(DownloadException.class);
              assertThat(e.reason()).isEqualTo("unexpected content encoding br");
              assertThat(e.failureCode()).isEqualTo(FailureCode.DOWNLOAD_FAILED);
              assertThat(e.getSuppressed())
                  .singleElement()
                  .satisfies(
                      s ->
                          assertThat(((DownloadException) s).reason())
                              .isEqualTo("unexpected content encoding GZIP"));
            });
    assertThat(Fixtures.files(dir)).isEmpty();
  }

  @Test
  void download_identityContentEncoding_isAccepted() throws IOException {
    server.stubFor(get("/data").willReturn(ok(PAYLOAD).withHeader("Content-Encoding", "identity")));

    DownloadedUpdate d = client().download(offer(url("/data")), dir);

    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
  }

  @Test
  void download_primaryServesWrongBytes_fallsBackToTheMirror() throws IOException {
    server.stubFor(get("/data").willReturn(ok(Fixtures.payload(PAYLOAD.length, 9))));
    server.stubFor(get("/mirror/data").willReturn(ok(PAYLOAD)));

    DownloadedUpdate d = client().download(offer(url("/data"), url("/mirror/data")), dir);

    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
    assertThat(Fixtures.files(dir)).containsExactly(FINAL_NAME);
  }

  @Test
  void download_everyUrlFails_throwsTheChecksumMismatchWithTheOtherFailuresSuppressed() {
    server.stubFor(get("/data").willReturn(aResponse().withStatus(404)));
    server.stubFor(get("/mirror/data").willReturn(ok(Fixtures.payload(PAYLOAD.length, 9))));

    assertThatThrownBy(() -> client().download(offer(url("/data"), url("/mirror/data")), dir))
        .isInstanceOfSatisfying(
            ChecksumMismatchException.class,
            e -> {
              assertThat(e.url()).contains(url("/mirror/data"));
              assertThat(e.getSuppressed())
                  .singleElement()
                  .satisfies(
                      s -> assertThat(((DownloadException) s).reason()).isEqualTo("HTTP 404"));
            });
    assertThat(Fixtures.files(dir)).isEmpty();
  }

  @Test
  void download_listenerCancels_throwsCancelledAndKeepsPartialForResuming() {
    byte[] big = Fixtures.payload(1 << 20, 3);
    server.stubFor(get("/big").willReturn(ok(big)));
    AvailableUpdate offer = Fixtures.offer("my_data", "1.0", big, url("/big"));

    assertThatThrownBy(() -> client().download(offer, dir, p -> p.bytesDone() == 0))
        .isInstanceOfSatisfying(
            DownloadCancelledException.class, e -> assertThat(e.reason()).isEqualTo("cancelled"));
    assertThat(Fixtures.files(dir))
        .containsExactly("." + FINAL_NAME + ".part", "." + FINAL_NAME + ".part.meta");
    assertThat(time.sleeps()).isEmpty();
  }

  @Test
  void download_interrupted_throwsCancelledAndKeepsTheInterruptFlag() {
    server.stubFor(get("/data").willReturn(ok(PAYLOAD)));
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> client().download(offer(url("/data")), dir))
          .isInstanceOf(DownloadCancelledException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(Fixtures.files(dir)).isEmpty();
  }

  @Test
  void download_interruptedMidTransfer_throwsCancelledAndKeepsTheInterruptFlag()
      throws IOException {
    byte[] big = Fixtures.payload(1 << 20, 4);
    server.stubFor(get("/big").willReturn(ok(big)));
    AvailableUpdate offer = Fixtures.offer("my_data", "1.0", big, url("/big"));
    try {
      assertThatThrownBy(
              () ->
                  client()
                      .download(
                          offer,
                          dir,
                          p -> {
                            if (p.bytesDone() > 0) {
                              Thread.currentThread().interrupt();
                            }
                            return true;
                          }))
          .isInstanceOf(DownloadCancelledException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    // The server sent an ETag: the bytes so far stay, with their sidecar, for a later call.
    assertThat(Fixtures.files(dir))
        .containsExactly("." + FINAL_NAME + ".part", "." + FINAL_NAME + ".part.meta");
    byte[] kept = Files.readAllBytes(dir.resolve("." + FINAL_NAME + ".part"));
    assertThat(kept).isNotEmpty().isEqualTo(Arrays.copyOf(big, kept.length));
    assertThat(Sidecar.read(dir.resolve("." + FINAL_NAME + ".part.meta"), offer))
        .isEqualTo("\"v1\"");
  }

  @Test
  void download_verifiedFileAlreadyAtFinalPath_isReturnedWithoutRequest() throws IOException {
    Files.write(dir.resolve(FINAL_NAME), PAYLOAD);

    DownloadedUpdate d = client().download(offer(url("/data")), dir);

    assertThat(d.path()).isEqualTo(dir.resolve(FINAL_NAME));
    server.verify(0, getRequestedFor(urlEqualTo("/data")));
    assertThat(Fixtures.files(dir)).containsExactly(FINAL_NAME);
  }

  @Test
  void download_verifiedFileAtFinalPath_removesALeftoverPartialOfTheSameUpdate()
      throws IOException {
    Files.write(dir.resolve(FINAL_NAME), PAYLOAD);
    AvailableUpdate offer = offer(url("/data"));
    Files.write(dir.resolve("." + FINAL_NAME + ".part"), Arrays.copyOf(PAYLOAD, 100));
    Sidecar.write(dir.resolve("." + FINAL_NAME + ".part.meta"), offer, "\"v1\"");

    DownloadedUpdate d = client().download(offer, dir);

    assertThat(d.path()).isEqualTo(dir.resolve(FINAL_NAME));
    server.verify(0, getRequestedFor(urlEqualTo("/data")));
    assertThat(Fixtures.files(dir)).containsExactly(FINAL_NAME);
  }

  @Test
  void download_otherFileAtFinalPath_isReplacedByTheVerifiedDownload() throws IOException {
    Files.write(dir.resolve(FINAL_NAME), "stale".getBytes());
    server.stubFor(get("/data").willReturn(ok(PAYLOAD)));

    DownloadedUpdate d = client().download(offer(url("/data")), dir);

    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
  }

  @Test
  void download_otherFileAtFinalPathAndDownloadFails_leavesNothingAtFinalPath() throws IOException {
    Files.write(dir.resolve(FINAL_NAME), "stale".getBytes());
    server.stubFor(get("/data").willReturn(aResponse().withStatus(404)));

    assertThatThrownBy(() -> client().download(offer(url("/data")), dir))
        .isInstanceOf(DownloadException.class);
    assertThat(Fixtures.files(dir)).isEmpty();
  }

  @Test
  void download_typeAndVersionThatJoinToTheSameText_keepTheirOwnFiles() throws IOException {
    byte[] other = Fixtures.payload(5_000, 5);
    server.stubFor(get("/a").willReturn(ok(PAYLOAD)));
    server.stubFor(get("/b").willReturn(ok(other)));
    AvailableUpdate a = Fixtures.offer("dict", "en-1.0", PAYLOAD, url("/a"));
    AvailableUpdate b = Fixtures.offer("dict-en", "1.0", other, url("/b"));

    DownloadedUpdate da = client().download(a, dir);
    DownloadedUpdate db = client().download(b, dir);

    assertThat(da.path()).isNotEqualTo(db.path());
    assertThat(Files.readAllBytes(da.path())).isEqualTo(PAYLOAD);
    assertThat(Files.readAllBytes(db.path())).isEqualTo(other);
  }

  @Test
  void download_cleanupFailingAfterTheMove_stillReturnsTheVerifiedFile() throws IOException {
    server.stubFor(get("/data").willReturn(ok(PAYLOAD)));
    Path meta = dir.resolve("." + FINAL_NAME + ".part.meta");
    UpdateClient c =
        Fixtures.client(server.baseUrl(), time)
            .checkpoints(
                (point, u) -> {
                  if (point == Downloader.Point.VERIFIED) {
                    // A sidecar that cannot be deleted: a directory with something in it.
                    Files.delete(meta);
                    Files.createDirectories(meta.resolve("x"));
                  }
                })
            .build();

    DownloadedUpdate d = c.download(offer(url("/data")), dir);

    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
    assertThat(Fixtures.files(dir)).containsExactly("." + FINAL_NAME + ".part.meta", FINAL_NAME);
  }

  @Test
  void download_sidecarReplacedByALinkDuringTheTransfer_isNotWrittenThrough() throws IOException {
    Path victim = Files.writeString(dir.resolve("victim.txt"), "precious");
    Path downloads = Files.createDirectory(dir.resolve("downloads"));
    Path meta = downloads.resolve("." + FINAL_NAME + ".part.meta");
    assumeTrue(canLink(dir), "no symbolic links here");
    try (ScriptedServer s = new ScriptedServer()) {
      ScriptedServer.Step cutOff = ScriptedServer.resetAfter(PAYLOAD, 100, "\"e1\"");
      s.answer(
          (socket, out) -> {
            // Another local user plants the link while the request is on its way.
            Files.deleteIfExists(meta);
            Files.createSymbolicLink(meta, victim);
            cutOff.answer(socket, out);
          });
      AvailableUpdate offer = Fixtures.offer("my_data", "1.0", PAYLOAD, s.uri("/data"));
      UpdateClient c =
          Fixtures.client(server.baseUrl(), time).retryPolicy(RetryPolicy.none()).build();

      assertThatThrownBy(() -> c.download(offer, downloads)).isInstanceOf(DownloadException.class);

      assertThat(Files.readString(victim)).isEqualTo("precious");
      assertThat(Files.isSymbolicLink(meta)).isFalse();
      assertThat(Sidecar.read(meta, offer)).isEqualTo("\"e1\"");
    }
  }

  @Test
  void download_partialFileIsALink_isReplacedAndItsTargetLeftAlone() throws IOException {
    Path victim = Files.writeString(dir.resolve("victim.txt"), "precious");
    Path downloads = Files.createDirectory(dir.resolve("downloads"));
    assumeTrue(canLink(dir), "no symbolic links here");
    Files.createSymbolicLink(downloads.resolve("." + FINAL_NAME + ".part"), victim);
    server.stubFor(get("/data").willReturn(ok(PAYLOAD)));

    DownloadedUpdate d = client().download(offer(url("/data")), downloads);

    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
    assertThat(Files.readString(victim)).isEqualTo("precious");
    assertThat(Fixtures.files(downloads)).containsExactly(FINAL_NAME);
  }

  @Test
  void download_partialFileIsAHardLink_isReplacedAndItsOtherNameLeftAlone() throws IOException {
    Path victim = Files.writeString(dir.resolve("victim.txt"), "precious");
    Path downloads = Files.createDirectory(dir.resolve("downloads"));
    Fixtures.hardLink(downloads.resolve("." + FINAL_NAME + ".part"), victim);
    server.stubFor(get("/data").willReturn(ok(PAYLOAD)));

    DownloadedUpdate d = client().download(offer(url("/data")), downloads);

    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
    // The verified file must not stay reachable (and writable) under a name someone else chose.
    assertThat(Files.isSameFile(d.path(), victim)).isFalse();
    assertThat(Files.readString(victim)).isEqualTo("precious");
    assertThat(Fixtures.files(downloads)).containsExactly(FINAL_NAME);
  }

  private static boolean canLink(Path dir) {
    Path probe = dir.resolve("link-probe");
    try {
      Files.createSymbolicLink(probe, dir);
      Files.delete(probe);
      return true;
    } catch (UnsupportedOperationException | IOException e) {
      return false;
    }
  }

  @Test
  void download_versionWithPathCharacters_staysInsideTheDirectory() throws IOException {
    server.stubFor(get("/data").willReturn(ok(PAYLOAD)));
    AvailableUpdate offer = Fixtures.offer("my_data", "1.0/../../evil", PAYLOAD, url("/data"));

    DownloadedUpdate d = client().download(offer, dir);

    assertThat(d.path().getParent()).isEqualTo(dir);
    assertThat(d.path().getFileName().toString())
        .matches("my_data-1\\.0_\\.\\._\\.\\._evil-[0-9a-f]{8}");
  }

  @Test
  void download_emptyUpdate_isVerifiedLikeAnyOther() throws IOException {
    byte[] empty = new byte[0];
    server.stubFor(get("/empty").willReturn(ok(empty)));
    AvailableUpdate offer = Fixtures.offer("my_data", "1.0", empty, url("/empty"));

    DownloadedUpdate d = client().download(offer, dir);

    assertThat(Files.size(d.path())).isZero();
  }
}
