package dev.appupdate.examples.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.appupdate.examples.DownloadedFiles;
import dev.appupdate.examples.ServedCatalog;
import dev.appupdate.protocol.FailureCode;
import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class UpdateCommandTest {
  @RegisterExtension
  static WireMockExtension wiremock =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().http2PlainDisabled(true))
          .build();

  private static final ServedCatalog.Offered DATA =
      ServedCatalog.release("my_important_data", "1.0", 1234, 1);
  private static final ServedCatalog.Offered BLOB =
      ServedCatalog.release("my_important_binary_blob", "2.0", 300_000, 2);

  @TempDir Path dir;

  private String[] update(String server, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "update",
                "--server",
                server,
                "--product",
                "your_app",
                "--version",
                "666",
                "--platform",
                "macOS",
                "--locale",
                "en-US",
                "--dir",
                dir.toString()));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  private List<String> filesInDir() throws IOException {
    return DownloadedFiles.names(dir);
  }

  @Test
  void everyUpdateVerified_printsOkLinesKeepsTheFilesAndExits0() throws IOException {
    try (ServedCatalog server = ServedCatalog.start(DATA, BLOB)) {
      CliRun run = CliRun.run(update(server.baseUrl().toString()));

      assertThat(run.exit()).isZero();
      assertThat(run.outLines())
          .containsExactly(
              "my_important_binary_blob 2.0 ok", "my_important_data 1.0 ok", "completion reported");
      assertThat(DownloadedFiles.of(dir, DATA)).hasBinaryContent(DATA.bytes());
      assertThat(DownloadedFiles.of(dir, BLOB)).hasBinaryContent(BLOB.bytes());
      assertThat(filesInDir()).hasSize(2);
      assertThat(server.completions())
          .singleElement()
          .satisfies(
              report ->
                  assertThat(report.updates())
                      .isEqualTo(
                          Map.of(
                              "my_important_data", Outcome.success("1.0"),
                              "my_important_binary_blob", Outcome.success("2.0"))));
    }
  }

  @Test
  void tamperedFile_printsBadChecksumReportsItAndExits1() throws IOException {
    try (ServedCatalog server = ServedCatalog.start(DATA, BLOB)) {
      byte[] tampered = BLOB.bytes().clone();
      tampered[tampered.length - 1] ^= 1;
      server.tamper(BLOB, tampered);

      CliRun run = CliRun.run(update(server.baseUrl().toString()));

      assertThat(run.exit()).isEqualTo(1);
      assertThat(run.outLines())
          .containsExactly(
              "my_important_binary_blob 2.0 failed: bad checksum",
              "my_important_data 1.0 ok",
              "completion reported");
      assertThat(filesInDir()).singleElement().asString().startsWith("my_important_data-1.0");
      Outcome blob = server.completions().get(0).updates().get("my_important_binary_blob");
      assertThat(blob)
          .isEqualTo(
              Outcome.failed("2.0", FailureCode.BAD_CHECKSUM, Outcome.BAD_CHECKSUM)
                  .withObserved(
                      HashFunction.SHA512, ServedCatalog.sha512(tampered), (long) tampered.length));
    }
  }

  @Test
  void secondRun_findsTheVerifiedFilesAndDownloadsNothing() throws IOException {
    try (ServedCatalog server = ServedCatalog.start(DATA)) {
      CliRun first = CliRun.run(update(server.baseUrl().toString()));
      // The bytes on the server change: a second download would fail verification.
      server.tamper(DATA, new byte[DATA.bytes().length]);

      CliRun second = CliRun.run(update(server.baseUrl().toString()));

      assertThat(first.err()).contains("downloading my_important_data 1.0");
      assertThat(second.exit()).isZero();
      assertThat(second.outLines())
          .containsExactly("my_important_data 1.0 ok", "completion reported");
      assertThat(second.err()).isEmpty();
      assertThat(DownloadedFiles.of(dir, DATA)).hasBinaryContent(DATA.bytes());
    }
  }

  @Test
  void notATerminal_progressIsPlainLinesOnStderr() throws IOException {
    try (ServedCatalog server = ServedCatalog.start(DATA)) {
      CliRun run = CliRun.run(update(server.baseUrl().toString()));

      assertThat(run.err().lines())
          .containsExactly(
              "downloading my_important_data 1.0 (1.2 KiB) from "
                  + server.baseUrl()
                  + "files/my_important_data-1.0",
              "my_important_data 1.0: 1.2 KiB received");
    }
  }

  @Test
  void terminal_progressIsARedrawnBarOnStderr() throws IOException {
    try (ServedCatalog server = ServedCatalog.start(DATA)) {
      AppUpdateCli cli = new AppUpdateCli(true, duration -> {}, () -> 0L);

      CliRun run = CliRun.run(cli, update(server.baseUrl().toString()));

      assertThat(run.exit()).isZero();
      assertThat(run.err())
          .startsWith("\rmy_important_data 1.0 [------------------------------]   0%")
          .contains("\rmy_important_data 1.0 [##############################] 100% 1.2 KiB of")
          .endsWith("\n")
          .containsOnlyOnce("\n");
      assertThat(run.out()).doesNotContain("\r");
    }
  }

  @Test
  void nothingOffered_printsNoUpdateAvailableAndExits0() throws IOException {
    try (ServedCatalog server = ServedCatalog.start()) {
      CliRun run = CliRun.run(update(server.baseUrl().toString()));

      assertThat(run.exit()).isZero();
      assertThat(run.out()).isEqualTo("no update available\n");
      assertThat(server.completions()).isEmpty();
    }
  }

  @Test
  void nothingListening_exits3AndDownloadsNothing() throws IOException {
    int port = CliRun.closedPort();

    CliRun run = CliRun.run(update("http://127.0.0.1:" + port));

    assertThat(run.exit()).isEqualTo(3);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .startsWith(
            "appupdate update: cannot reach the update server at http://127.0.0.1:"
                + port
                + "/v1/update: connection refused to 127.0.0.1:"
                + port)
        .endsWith("\n")
        .hasLineCount(1);
    assertThat(filesInDir()).isEmpty();
  }

  @Test
  void checkRefused_exits3WithTheServersReason() {
    wiremock.stubFor(
        post(urlEqualTo("/v1/update"))
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withHeader("Content-Type", "application/problem+json")
                    .withBody(
                        "{\"title\": \"Bad Request\", \"status\": 400,"
                            + " \"detail\": \"unknown product your_app\"}")));

    CliRun run = CliRun.run(update(wiremock.baseUrl()));

    assertThat(run.exit()).isEqualTo(3);
    assertThat(run.err())
        .isEqualTo(
            "appupdate update: update check failed: POST "
                + wiremock.baseUrl()
                + "/v1/update answered HTTP 400: unknown product your_app\n");
  }

  @Test
  void reportRefused_saysSoAndExits1EvenThoughTheUpdateWorked() throws IOException {
    byte[] bytes = DATA.bytes();
    wiremock.stubFor(
        post(urlEqualTo("/v1/update"))
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"available_updates\": [{\"update_type\": \"my_important_data\","
                            + " \"url\": \"" + wiremock.baseUrl() + "/files/data\","
                            + " \"hash_function\": \"sha512\", \"hash_value\": \""
                            + ServedCatalog.sha512(bytes) + "\", \"size\": " + bytes.length
                            + ", \"version\": \"1.0\"}], \"request_id\": \"xyz321\"}")));
    wiremock.stubFor(get(urlEqualTo("/files/data")).willReturn(aResponse().withBody(bytes)));
    wiremock.stubFor(
        post(urlEqualTo("/v1/completion"))
            .willReturn(
                aResponse()
                    .withStatus(422)
                    .withHeader("Content-Type", "application/problem+json")
                    .withBody(
                        "{\"title\": \"Unprocessable Content\", \"status\": 422,"
                            + " \"detail\": \"request_id has expired\"}")));

    CliRun run = CliRun.run(update(wiremock.baseUrl()));

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.outLines())
        .containsExactly(
            "my_important_data 1.0 ok",
            "completion not reported: POST "
                + wiremock.baseUrl()
                + "/v1/completion answered HTTP 422: request_id has expired");
    assertThat(DownloadedFiles.of(dir, DATA)).hasBinaryContent(bytes);
  }

  @Test
  void onlyUnreadableOffers_saysNothingWasInstalledAndExits1() {
    wiremock.stubFor(
        post(urlEqualTo("/v1/update"))
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"available_updates\": [{\"update_type\": 7, \"url\": \"x\"}],"
                            + " \"request_id\": \"xyz321\"}")));

    CliRun run = CliRun.run(update(wiremock.baseUrl()));

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out())
        .isEqualTo(
            "no update installed: the server offered only updates that cannot be read\n");
  }

  @Test
  void missingDir_isAUsageError() {
    CliRun run =
        CliRun.run(
            "update", "--server", "http://127.0.0.1:8000", "--product", "your_app", "--version",
            "666", "--platform", "macOS", "--locale", "en-US");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo("appupdate update: --dir is required (see 'appupdate update --help')\n");
  }

  @Test
  void dirThatIsARegularFile_isAUsageErrorAndTouchesNothing() throws IOException {
    Path file = Files.writeString(dir.resolve("notes.txt"), "not a directory");
    int port = CliRun.closedPort();

    CliRun run =
        CliRun.run(
            "update", "--server", "http://127.0.0.1:" + port, "--product", "your_app",
            "--version", "666", "--platform", "macOS", "--locale", "en-US", "--dir",
            file.toString());

    // Not exit 3 from a check that was never needed, nor exit 1 after downloading.
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "appupdate update: --dir: \"" + file + "\" is not a directory"
                + " (see 'appupdate update --help')\n");
    assertThat(Files.readString(file)).isEqualTo("not a directory");
  }

  @Test
  void jsonFlag_isNotAnUpdateOption() {
    CliRun run = CliRun.run(update("http://127.0.0.1:8000", "--json"));

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).startsWith("appupdate update: unknown option \"--json\"");
  }

  @Test
  void plainHttpToAnotherHost_isAUsageError() {
    CliRun run = CliRun.run(update("http://updates.example.com"));

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .startsWith("appupdate update: --server: plain http to updates.example.com is refused");
  }
}
