package dev.appupdate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.appupdate.examples.DownloadedFiles;
import dev.appupdate.examples.ServedCatalog;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: the reference server's runnable jar in a child JVM, with a catalog and files
 * written by the test, and the CLI run against it as a user runs it. What a user can see is
 * checked: the exit code, the lines on screen, the verified files on disk, and the records in the
 * server's completion log.
 */
class EndToEndIT {
  private static final ServedCatalog.Offered DATA =
      ServedCatalog.release("my_important_data", "1.0", 1234, 1);
  private static final ServedCatalog.Offered BLOB =
      ServedCatalog.release("my_important_binary_blob", "2.0", 300_000, 2);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path serverDir;
  @TempDir Path work;

  private ReferenceServer server;

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  private List<String> args(String command, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                command,
                "--server", server.baseUrl().toString(),
                "--product", ServedCatalog.PRODUCT,
                "--version", "666",
                "--platform", "macOS",
                "--locale", "en-US"));
    args.addAll(List.of(extra));
    return args;
  }

  private String[] update(Path dir) {
    return args("update", "--dir", dir.toString()).toArray(String[]::new);
  }

  @Test
  void update_againstTheServerJar_verifiesEveryFileAndTheServerLogsBothSuccesses()
      throws Exception {
    server = ReferenceServer.start(serverDir, DATA, BLOB);
    Path downloads = work.resolve("downloads");

    CliRun run = CliRun.run(update(downloads));

    assertThat(run.exit()).as("stderr: %s", run.err()).isZero();
    assertThat(run.outLines())
        .containsExactly(
            "my_important_binary_blob 2.0 ok", "my_important_data 1.0 ok", "completion reported");
    assertThat(DownloadedFiles.of(downloads, DATA)).hasBinaryContent(DATA.bytes());
    assertThat(DownloadedFiles.of(downloads, BLOB)).hasBinaryContent(BLOB.bytes());
    assertThat(DownloadedFiles.names(downloads)).as("no partial file left").hasSize(2);
    List<JsonNode> log = server.completions();
    assertThat(log)
        .extracting(
            r -> r.path("product").asText(),
            r -> r.path("update_type").asText(),
            r -> r.path("status").asText(),
            r -> r.path("version").asText(),
            r -> r.path("reported_version").asText(),
            r -> r.has("reason"))
        .containsExactlyInAnyOrder(
            tuple("your_app", "my_important_data", "success", "1", "1.0", false),
            tuple("your_app", "my_important_binary_blob", "success", "2", "2.0", false));
    assertOneRequestId(log);
  }

  @Test
  void cliJar_inAChildJvm_updatesAndExits0() throws Exception {
    server = ReferenceServer.start(serverDir, DATA, BLOB);
    Path downloads = work.resolve("downloads");

    List<String> stdout;
    int exit;
    String stderr;
    try (JarProcess cli =
        JarProcess.start(
            "appupdate-cli",
            JarProcess.jar("appupdate.cli.jar"),
            work,
            List.of(update(downloads)))) {
      exit = cli.awaitExit();
      stdout = cli.stdoutLines();
      stderr = cli.stderr();
    }

    assertThat(exit).as("stderr: %s", stderr).isZero();
    assertThat(stdout)
        .containsExactly(
            "my_important_binary_blob 2.0 ok", "my_important_data 1.0 ok", "completion reported");
    // Not a terminal: plain progress lines, not a redrawn bar.
    assertThat(stderr)
        .contains("downloading my_important_binary_blob 2.0 (293.0 KiB) from " + server.baseUrl())
        .doesNotContain("\r");
    assertThat(DownloadedFiles.of(downloads, DATA)).hasBinaryContent(DATA.bytes());
    assertThat(DownloadedFiles.of(downloads, BLOB)).hasBinaryContent(BLOB.bytes());
    List<JsonNode> log = server.completions();
    assertThat(log)
        .extracting(r -> r.path("update_type").asText(), r -> r.path("status").asText())
        .containsExactlyInAnyOrder(
            tuple("my_important_data", "success"), tuple("my_important_binary_blob", "success"));
    assertOneRequestId(log);
  }

  @Test
  void bothJars_answerVersionWithTheProjectVersion() throws Exception {
    String version = System.getProperty("appupdate.version");

    assertThat(runJar("appupdate.cli.jar", "--version")).containsExactly("appupdate " + version);
    assertThat(runJar("appupdate.server.jar", "--version"))
        .containsExactly("appupdate-server " + version);
  }

  @Test
  void bothJars_printTheirHelpInTheSameLayout() throws Exception {
    List<String> cli = runJar("appupdate.cli.jar", "check", "--help");
    List<String> server = runJar("appupdate.server.jar", "--help");

    for (List<String> help : List.of(cli, server)) {
      // The synopsis, its continuation lines indented, then a blank line.
      assertThat(help.get(0)).startsWith("Usage: ");
      assertThat(help.subList(1, help.indexOf(""))).allSatisfy(l -> assertThat(l).startsWith(" "));
      // Headings on lines of their own, in this order, each after a blank line.
      assertThat(help).containsSubsequence("", "Options:").containsSubsequence("", "Exit codes:");
      assertThat(help.indexOf("Options:")).isLessThan(help.indexOf("Exit codes:"));
      // The help option last among the options, worded alike.
      String helpOption = help.get(help.indexOf("Exit codes:") - 2);
      assertThat(helpOption).matches("  -h, --help +print this help and exit");
      assertThat(help.get(help.indexOf("Exit codes:") + 1)).matches("  0   \\S.*");
      assertThat(help).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
    }
  }

  private List<String> runJar(String property, String... args) throws Exception {
    try (JarProcess p = JarProcess.start(property, JarProcess.jar(property), work, List.of(args))) {
      assertThat(p.awaitExit()).as("stderr: %s", p.stderr()).isZero();
      assertThat(p.stderr()).isEmpty();
      return p.stdoutLines();
    }
  }

  @Test
  void fileTamperedOnTheServer_exits1WithBadChecksumAndTheServerLogsTheFailure()
      throws Exception {
    server = ReferenceServer.start(serverDir, DATA, BLOB);
    byte[] tampered = BLOB.bytes().clone();
    tampered[tampered.length / 2] ^= 1;
    server.tamper(BLOB, tampered);
    Path downloads = work.resolve("downloads");

    CliRun run = CliRun.run(update(downloads));

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.outLines())
        .containsExactly(
            "my_important_binary_blob 2.0 failed: bad checksum",
            "my_important_data 1.0 ok",
            "completion reported");
    assertThat(DownloadedFiles.of(downloads, DATA)).hasBinaryContent(DATA.bytes());
    assertThat(DownloadedFiles.names(downloads))
        .as("nothing kept of the tampered file")
        .hasSize(1);
    List<JsonNode> log = server.completions();
    assertThat(log)
        .extracting(
            r -> r.path("update_type").asText(),
            r -> r.path("status").asText(),
            r -> r.path("version").asText(),
            r -> r.path("code").asText(null),
            r -> r.path("reason").asText(null),
            r -> r.path("hash_function").asText(null),
            r -> r.path("hash_value").asText(null),
            r -> r.path("size").isMissingNode() ? null : r.path("size").asLong())
        .containsExactlyInAnyOrder(
            tuple("my_important_data", "success", "1", null, null, null, null, null),
            tuple(
                "my_important_binary_blob",
                "failed",
                "2",
                "bad_checksum",
                "bad checksum",
                "sha512",
                ServedCatalog.sha512(tampered),
                (long) tampered.length));
    assertOneRequestId(log);
  }

  @Test
  void checkJson_printsTheServersResponseAsItIs() throws Exception {
    server = ReferenceServer.start(serverDir, DATA, BLOB);

    CliRun run = CliRun.run(args("check", "--json").toArray(String[]::new));

    assertThat(run.exit()).isZero();
    assertThat(run.err()).isEmpty();
    JsonNode printed = JSON.readTree(run.out());
    assertThat(printed.path("available_updates"))
        .extracting(
            o -> o.path("update_type").asText(),
            o -> o.path("version").asText(),
            o -> o.path("url").asText(),
            o -> o.path("hash_value").asText(),
            o -> o.path("size").asLong())
        .containsExactly(
            tuple(
                "my_important_binary_blob",
                "2.0",
                server.baseUrl().resolve("files/" + ReferenceServer.fileName(BLOB)).toString(),
                ServedCatalog.sha512(BLOB.bytes()),
                (long) BLOB.bytes().length),
            tuple(
                "my_important_data",
                "1.0",
                server.baseUrl().resolve("files/" + ReferenceServer.fileName(DATA)).toString(),
                ServedCatalog.sha512(DATA.bytes()),
                (long) DATA.bytes().length));
    // The same request sent directly gets the same document but for its own request id.
    JsonNode direct =
        JSON.readTree(
            post(
                server.baseUrl().resolve("v1/update"),
                "{\"product\": \"your_app\", \"version\": \"666\", \"platform\": \"macOS\","
                    + " \"locale\": \"en-US\"}"));
    assertThat(printed.path("request_id").asText()).isNotBlank();
    assertThat(withoutRequestId(printed)).isEqualTo(withoutRequestId(direct));
  }

  private static JsonNode withoutRequestId(JsonNode response) {
    ObjectNode copy = response.deepCopy();
    copy.remove("request_id");
    return copy;
  }

  private static String post(URI uri, String json) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("POST %s: %s", uri, response.body()).isEqualTo(200);
    return response.body();
  }

  /** Every record names the same request id: the one the server issued for this update. */
  private static void assertOneRequestId(List<JsonNode> log) {
    assertThat(log.stream().map(r -> r.path("request_id").asText()).distinct())
        .singleElement()
        .asString()
        .matches("[A-Za-z0-9_-]{16,199}");
  }
}
