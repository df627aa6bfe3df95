package dev.appupdate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appupdate.server.AppUpdateServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatsCommandTest {
  @TempDir Path dir;
  private AppUpdateServer server;
  private Path tokenFile;

  @BeforeEach
  void start() throws Exception {
    Path catalog =
        Files.writeString(
            dir.resolve("catalog.json"),
            "{\"releases\": [\n"
                + "{\"product\": \"your_app\", \"update_type\": \"data\", \"version\": \"2.0\","
                + " \"url\": \"files/d2\", \"hash_function\": \"sha256\", \"hash_value\": \""
                + "ab".repeat(32)
                + "\", \"size\": 10, \"rollout_percent\": 25,"
                + " \"halt\": {\"max_failure_rate\": 0.05, \"min_reports\": 50}},\n"
                + "{\"product\": \"other_app\", \"update_type\": \"data\", \"version\": \"1.0\","
                + " \"url\": \"files/o1\", \"hash_function\": \"sha256\", \"hash_value\": \""
                + "cd".repeat(32)
                + "\", \"size\": 10}\n"
                + "]}\n");
    tokenFile = dir.resolve("admin.token");
    server =
        AppUpdateServer.builder()
            .port(0)
            .catalog(catalog)
            .dataDir(dir.resolve("data"))
            .adminPort(0)
            .adminTokenFile(tokenFile)
            .build();
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void stats_printsOneLinePerReleaseAndTheHalts() throws Exception {
    HttpResponse<String> halt =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        server.adminUrl().resolve("/admin/v1/releases/your_app/data/2.0/halt"))
                    .header("Authorization", "Bearer " + Files.readString(tokenFile).strip())
                    .POST(HttpRequest.BodyPublishers.ofString("{\"note\": \"crash on start\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(halt.statusCode()).isEqualTo(200);

    CliRun run =
        CliRun.run(
            "stats", "--admin", server.adminUrl().toString(), "--token-file", tokenFile.toString());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out().lines())
        .first()
        .asString()
        .startsWith("PRODUCT    TYPE  VERSION  STATE   ROLLOUT  REPORTS  FAILURES  RATE  CODES");
    assertThat(run.out())
        .contains("other_app  data  1.0      live    100.0    0        0         -     -")
        .contains("your_app   data  2.0      halted  25.0     0        0         -     -")
        .contains("your_app data 2.0 halted ")
        .contains("(operator): by an operator: crash on start")
        .doesNotContain(Files.readString(tokenFile).strip());
  }

  @Test
  void stats_productAndJson_filterAndPrintTheDocument() throws Exception {
    CliRun table =
        CliRun.run(
            "stats", "--admin", server.adminUrl().toString(), "--token-file", tokenFile.toString(),
            "--product", "other_app");
    CliRun json =
        CliRun.run(
            "stats", "--admin", server.adminUrl().toString(), "--token-file", tokenFile.toString(),
            "--json");

    assertThat(table.out()).contains("other_app").doesNotContain("your_app");
    assertThat(json.exit()).isZero();
    assertThat(json.out()).startsWith("{").contains("\"generated_at\"").contains("\"your_app\"");
  }

  @Test
  void stats_wrongToken_exits1() throws Exception {
    Path wrong = Files.writeString(dir.resolve("wrong.token"), "not-the-token-at-all\n");

    CliRun run =
        CliRun.run("stats", "--admin", server.adminUrl().toString(), "--token-file", wrong.toString());

    assertThat(run.exit()).isEqualTo(Exit.FAILED);
    assertThat(run.err()).contains("refused the token");
  }

  @Test
  void stats_nothingListening_exits3() throws Exception {
    CliRun run =
        CliRun.run(
            "stats", "--admin", "http://127.0.0.1:" + CliRun.closedPort(), "--token-file",
            tokenFile.toString());

    assertThat(run.exit()).isEqualTo(Exit.NO_SERVER);
  }
}
