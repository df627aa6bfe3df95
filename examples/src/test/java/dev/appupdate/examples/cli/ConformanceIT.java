package dev.appupdate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.appupdate.examples.ServedCatalog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code appupdate conformance} against the reference server's jar, which signs its answers: no
 * case fails, and the cases for files and response signatures run rather than skip.
 */
class ConformanceIT {
  private static final ServedCatalog.Offered DATA =
      ServedCatalog.release("my_important_data", "1.0", 1234, 1);
  private static final ServedCatalog.Offered BLOB =
      ServedCatalog.release("my_important_binary_blob", "2.0", 4321, 2);

  @TempDir Path keys;
  @TempDir Path serverDir;
  @TempDir Path work;

  private ReferenceServer server;
  private Path catalog;

  @BeforeEach
  void start() throws Exception {
    CliRun keygen =
        CliRun.run(
            "keygen", "--private", key("response.key"), "--public", key("response.pub"));
    assertThat(keygen.exit()).as("stderr: %s", keygen.err()).isZero();
    catalog = ReferenceServer.write(serverDir, DATA, BLOB);
    server = ReferenceServer.start(serverDir, List.of("--response-key", key("response.key")));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private String key(String file) {
    return keys.resolve(file).toString();
  }

  private List<String> args(String maxBody, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "conformance",
                "--server", server.baseUrl().toString(),
                "--catalog", catalog.toString(),
                // The reference server's default body limit.
                "--max-body", maxBody,
                "--server-key", key("response.pub")));
    args.addAll(List.of(more));
    return args;
  }

  @Test
  void cliJar_againstTheServerJar_passesEveryCaseWithJsonReport() throws Exception {
    JsonNode report;
    try (JarProcess cli =
        JarProcess.start(
            "appupdate-cli", JarProcess.jar("appupdate.cli.jar"), work, args("65536", "--json"))) {
      int exit = cli.awaitExit();
      // The report says which case failed: shown with the exit code.
      assertThat(exit)
          .as("stderr: %s%nstdout: %s", cli.stderr(), String.join("\n", cli.stdoutLines()))
          .isZero();
      report = new ObjectMapper().readTree(String.join("\n", cli.stdoutLines()));
    }

    assertThat(report.path("failed").asInt()).as(report.toPrettyString()).isZero();
    Map<String, String> status = new java.util.HashMap<>();
    report.path("cases").forEach(c -> status.put(c.path("name").asText(), c.path("status").asText()));
    assertThat(status)
        .containsEntry("files.download", "PASS")
        .containsEntry("signatures.response", "PASS")
        .containsEntry("completion.foreign_request_id", "PASS")
        .containsEntry("size.too_large", "PASS")
        .containsEntry("patches.offered", "SKIP");
  }

  @Test
  void conformance_textReport_oneLinePerCaseAndExit0() {
    CliRun run = CliRun.run(args("65536").toArray(String[]::new));

    assertThat(run.exit()).as("stdout: %s%nstderr: %s", run.out(), run.err()).isZero();
    List<String> lines = run.outLines();
    assertThat(lines.subList(0, lines.size() - 1))
        .allSatisfy(l -> assertThat(l).matches("(PASS|SKIP) \\S+.* \\[[^]]+\\]: .+"));
    assertThat(lines.get(lines.size() - 1)).matches("\\d+ cases: 0 failed");
    assertThat(lines.stream().filter(l -> l.startsWith("SKIP")).collect(Collectors.toList()))
        .hasSize(2);
  }

  @Test
  void conformance_wrongBodyLimit_exits1WithTheSizeCaseFailed() {
    // The server's limit is 64 KiB: the kit's body of 1 KiB + 1 is accepted, not refused.
    CliRun run = CliRun.run(args("1024").toArray(String[]::new));

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.outLines()).anyMatch(l -> l.startsWith("FAIL size.too_large [Status codes]"));
  }
}
