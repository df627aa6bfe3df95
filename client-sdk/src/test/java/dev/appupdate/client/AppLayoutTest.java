package dev.appupdate.client;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.appupdate.client.internal.AppDirectory;
import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.CompletionReport;
import dev.appupdate.protocol.FailureCode;
import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.Outcome;
import dev.appupdate.protocol.Patch;
import dev.appupdate.protocol.ServerCodec;
import dev.appupdate.protocol.UpdateResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Staged updates through the SDK: the installer, the deferred report, confirmation, delivery. */
class AppLayoutTest {
  @RegisterExtension
  static WireMockExtension server =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().http2PlainDisabled(true))
          .build();

  @TempDir Path dir;

  private final FakeTime time = new FakeTime();
  private Path appDir;
  private AppLayout layout;

  @BeforeEach
  void installVersionOne() throws IOException {
    appDir = dir.resolve("app");
    layout = AppLayout.open(appDir);
    Path v1 = Files.write(dir.resolve("v1.zip"), ZipUnpackerTest.zip("lib/app.jar", "one"));
    layout.install("1.0", v1);
  }

  private UpdateClient client() {
    return Fixtures.client(server.baseUrl(), time).retryPolicy(Fixtures.threeAttempts()).build();
  }

  /** Offers {@code archive} as app 2.0 under request id req-1. */
  private AvailableUpdate offering(byte[] archive) {
    AvailableUpdate offer =
        Fixtures.offer("app", "2.0", archive, URI.create(server.baseUrl() + "/files/app"));
    server.stubFor(
        post("/v1/update")
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"available_updates\":[{\"update_type\":\"app\",\"url\":\""
                            + offer.url()
                            + "\",\"hash_function\":\"sha512\",\"hash_value\":\""
                            + offer.hashValue()
                            + "\",\"size\":"
                            + offer.size()
                            + ",\"version\":\"2.0\"}],\"request_id\":\"req-1\"}")));
    server.stubFor(get("/files/app").willReturn(aResponse().withBody(archive)));
    server.stubFor(post("/v1/completion").willReturn(aResponse().withStatus(204)));
    return offer;
  }

  private static List<CompletionReport> reports() {
    List<LoggedRequest> posted = server.findAll(postRequestedFor(urlEqualTo("/v1/completion")));
    return posted.stream()
        .map(r -> ServerCodec.create().decodeCompletionReport(r.getBody()))
        .toList();
  }

  @Test
  void update_withTheLayoutInstaller_stagesAndReportsNothingYet() throws IOException {
    AvailableUpdate offer = offering(ZipUnpackerTest.zip("lib/app.jar", "two"));

    UpdateSummary summary = client().update(dir.resolve("downloads"), layout.installer());

    assertThat(summary.staged()).containsExactly(offer);
    assertThat(summary.entries()).isEmpty();
    assertThat(reports()).as("the outcome is not known yet").isEmpty();
    assertThat(layout.currentVersion()).contains("1.0");
    assertThat(layout.stagedVersion()).contains("2.0");
    assertThat(layout.versionDirectory("2.0").resolve("lib/app.jar")).hasContent("two");
    assertThat(layout.versionDirectory("1.0").resolve("lib/app.jar")).hasContent("one");
    assertThat(Fixtures.files(dir.resolve("downloads")))
        .as("the archive is unpacked, not kept")
        .isEmpty();
  }

  @Test
  void update_installerForOneUpdateType_stagesItAndInstallsTheOthersAsUsual() throws IOException {
    byte[] archive = ZipUnpackerTest.zip("lib/app.jar", "two");
    byte[] data = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    AvailableUpdate app =
        Fixtures.offer("app", "2.0", archive, URI.create(server.baseUrl() + "/files/app"));
    AvailableUpdate blocklist =
        Fixtures.offer("blocklist", "7", data, URI.create(server.baseUrl() + "/files/data"));
    server.stubFor(
        post("/v1/update")
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"available_updates\":["
                            + json(app)
                            + ","
                            + json(blocklist)
                            + "],\"request_id\":\"req-1\"}")));
    server.stubFor(get("/files/app").willReturn(aResponse().withBody(archive)));
    server.stubFor(get("/files/data").willReturn(aResponse().withBody(data)));
    server.stubFor(post("/v1/completion").willReturn(aResponse().withStatus(204)));
    Path blocklistFile = dir.resolve("blocklist.json");

    UpdateSummary summary =
        client()
            .update(
                dir.resolve("downloads"),
                layout.installer("app", d -> Files.move(d.path(), blocklistFile)));

    assertThat(summary.staged()).containsExactly(app);
    assertThat(blocklistFile).hasContent("{}");
    assertThat(layout.stagedVersion()).contains("2.0");
    assertThat(reports())
        .containsExactly(CompletionReport.of("req-1", Map.of("blocklist", Outcome.success("7"))));
  }

  private static String json(AvailableUpdate u) {
    return "{\"update_type\":\""
        + u.updateType()
        + "\",\"url\":\""
        + u.url()
        + "\",\"hash_function\":\"sha512\",\"hash_value\":\""
        + u.hashValue()
        + "\",\"size\":"
        + u.size()
        + ",\"version\":\""
        + u.version()
        + "\"}";
  }

  @Test
  void confirmStarted_inTheNewVersion_sendsSuccessOnce() throws IOException {
    offering(ZipUnpackerTest.zip("lib/app.jar", "two"));
    client().update(dir.resolve("downloads"), layout.installer());
    AppDirectory.open(appDir).switchToStaged(); // what the launcher does at the next start

    assertThat(layout.confirmStarted(client())).isTrue();
    assertThat(layout.confirmStarted(client())).isTrue();

    assertThat(reports())
        .containsExactly(CompletionReport.of("req-1", Map.of("app", Outcome.success("2.0"))));
    assertThat(layout.versionDirectory("1.0")).doesNotExist();
  }

  @Test
  void confirmStarted_stagedAfterAFailedPatch_reportsThePatchNoteWithTheSuccess()
      throws IOException {
    byte[] archive = ZipUnpackerTest.zip("lib/app.jar", "two");
    byte[] base = "not kept".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    AvailableUpdate offer =
        Fixtures.offer("app", "2.0", archive, URI.create(server.baseUrl() + "/files/app"))
            .toBuilder()
            .patch(
                Patch.builder()
                    .from("1.0")
                    .fromHashValue(Fixtures.sha512(base))
                    .format("append")
                    .url(URI.create(server.baseUrl() + "/files/patch"))
                    .hashFunction(HashFunction.SHA512)
                    .hashValue(Fixtures.sha512(base))
                    .size(base.length)
                    .build())
            .build();
    server.stubFor(
        post("/v1/update")
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        ServerCodec.create()
                            .encodeUpdateResponse(UpdateResponse.of(List.of(offer), "req-1")))));
    server.stubFor(get("/files/app").willReturn(aResponse().withBody(archive)));
    server.stubFor(post("/v1/completion").willReturn(aResponse().withStatus(204)));
    PatchApplier never =
        new PatchApplier() {
          @Override
          public List<String> formats() {
            return List.of("append");
          }

          @Override
          public void apply(String format, Path b, Path patch, long size, OutputStream out)
              throws IOException {
            throw new IOException("not reached: there is no base");
          }
        };
    UpdateClient client =
        Fixtures.client(server.baseUrl(), time)
            .retryPolicy(Fixtures.threeAttempts())
            .patches(never)
            .build();

    client.update(dir.resolve("downloads"), layout.installer());
    AppDirectory.open(appDir).switchToStaged();
    layout.confirmStarted(client);

    assertThat(reports())
        .containsExactly(
            CompletionReport.of(
                "req-1",
                Map.of("app", Outcome.success("2.0").withPatchFailure("no base file of app 1.0"))));
  }

  @Test
  void confirmStarted_afterARollback_sendsInstallFailedWithTheReason() throws IOException {
    offering(ZipUnpackerTest.zip("lib/app.jar", "two"));
    client().update(dir.resolve("downloads"), layout.installer());
    AppDirectory app = AppDirectory.open(appDir);
    app.switchToStaged();
    app.rollBack("rolled back: did not confirm within 60 s (2 attempts)");

    assertThat(layout.confirmStarted(client())).as("1.0 runs again and is current").isTrue();

    assertThat(reports())
        .containsExactly(
            CompletionReport.of(
                "req-1",
                Map.of(
                    "app",
                    Outcome.failed(
                        "2.0",
                        FailureCode.INSTALL_FAILED,
                        "rolled back: did not confirm within 60 s (2 attempts)"))));
    assertThat(layout.currentVersion()).contains("1.0");
  }

  @Test
  void stagedVersionReplacedBeforeItRan_isReportedCancelledInsteadOfWaitingForever()
      throws IOException {
    offering(ZipUnpackerTest.zip("lib/app.jar", "two"));
    client().update(dir.resolve("downloads"), layout.installer());
    layout.install("3.0", Files.write(dir.resolve("v3.zip"), ZipUnpackerTest.zip("a", "3")));

    assertThat(layout.confirmStarted(client())).isTrue();

    assertThat(reports())
        .containsExactly(
            CompletionReport.of(
                "req-1",
                Map.of(
                    "app",
                    Outcome.failed(
                        "2.0",
                        FailureCode.CANCELLED,
                        "superseded by version 3.0 before version 2.0 confirmed"))));
    assertThat(appDir.resolve("reports")).isEmptyDirectory();
    assertThat(layout.stagedVersion()).contains("3.0");
  }

  @Test
  void update_archiveEscapingItsDirectory_isReportedInstallFailedAtOnce() throws IOException {
    offering(ZipUnpackerTest.zip("lib/app.jar", "two", "../../evil.txt", "x"));

    UpdateSummary summary = client().update(dir.resolve("downloads"), layout.installer());

    assertThat(summary.staged()).isEmpty();
    assertThat(reports())
        .containsExactly(
            CompletionReport.of(
                "req-1",
                Map.of(
                    "app",
                    Outcome.failed(
                        "2.0",
                        FailureCode.INSTALL_FAILED,
                        "install failed: archive refused: entry '../../evil.txt' escapes the"
                            + " directory"))));
    assertThat(dir.resolve("evil.txt")).doesNotExist();
    assertThat(layout.stagedVersion()).isEmpty();
    try (var versions = Files.list(appDir.resolve("versions"))) {
      assertThat(versions)
          .as("nothing left behind")
          .containsExactly(layout.versionDirectory("1.0"));
    }
  }

  @Test
  void deliverReports_serverUnavailable_keepsTheReportUntilALaterCall() throws IOException {
    offering(ZipUnpackerTest.zip("lib/app.jar", "two"));
    client().update(dir.resolve("downloads"), layout.installer());
    AppDirectory.open(appDir).switchToStaged();
    server.stubFor(post("/v1/completion").willReturn(aResponse().withStatus(503)));

    assertThat(layout.confirmStarted(client())).isTrue();
    assertThat(layout.deliverReports(client())).isEqualTo(1);

    server.stubFor(post("/v1/completion").willReturn(aResponse().withStatus(204)));
    assertThat(layout.deliverReports(client())).isZero();
    assertThat(layout.deliverReports(client())).isZero();
    assertThat(reports())
        .as("one attempt at start, three later, one last")
        .hasSize(1 + 3 + 1)
        .last()
        .isEqualTo(CompletionReport.of("req-1", Map.of("app", Outcome.success("2.0"))));
  }

  @Test
  void deliverReports_expiredRequestId_isDroppedNotRetriedForever() throws IOException {
    offering(ZipUnpackerTest.zip("lib/app.jar", "two"));
    client().update(dir.resolve("downloads"), layout.installer());
    AppDirectory.open(appDir).switchToStaged();
    server.stubFor(
        post("/v1/completion")
            .willReturn(
                aResponse()
                    .withStatus(422)
                    .withHeader("Content-Type", "application/problem+json")
                    .withBody("{\"title\":\"expired\",\"status\":422}")));

    assertThat(layout.confirmStarted(client())).isTrue();

    assertThat(layout.deliverReports(client())).isZero();
    assertThat(reports()).hasSize(1);
    assertThat(AppDirectory.open(appDir).reports()).isEmpty();
  }
}
