package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appupdate.protocol.ClientCodec;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL store in the runnable jar and on the module path: the driver, the pool and Flyway
 * are found, the migrations are read from the jar, and the pool's and Flyway's messages reach the
 * server's log through slf4j-jdk14.
 */
class ServerJarPostgresIT {
  @TempDir static Path pgDir;
  private static EmbeddedDatabase db;

  @TempDir Path dir;

  @BeforeAll
  static void startDatabase() throws Exception {
    db = EmbeddedDatabase.start(pgDir.resolve("pg"));
  }

  @AfterAll
  static void stopDatabase() throws Exception {
    db.close();
  }

  @Test
  void runnableJar_withDatabase_recordsACompletionAndLogsTheMigrationThroughJul()
      throws Exception {
    String url = db.newDatabase();
    try (ServerProcess server =
        ServerProcess.start(dir, "--port", "0", "--data", "data", "--database", url)) {
      int port = server.awaitPort();

      assertThat(checkAndReport(port)).isEqualTo(204);
      assertThat(EmbeddedDatabase.queryLong(url, "SELECT count(*) FROM completions"))
          .isEqualTo(1);
      assertThat(server.stderr())
          .contains("INFO org.flywaydb.core")
          .contains("INFO com.zaxxer.hikari")
          .contains("database schema migrated to version 1 (1 migrations applied)")
          .contains("completions in PostgreSQL " + url);
    }
  }

  @Test
  void modulePath_withDatabase_recordsACompletion() throws Exception {
    String url = db.newDatabase();
    try (ServerProcess server =
        ServerProcess.startOnModulePath(dir, "--port", "0", "--data", "data", "--database", url)) {
      int port = server.awaitPort();

      assertThat(checkAndReport(port)).isEqualTo(204);
      assertThat(EmbeddedDatabase.queryLong(url, "SELECT count(*) FROM completions"))
          .isEqualTo(1);
    }
  }

  @Test
  void importCompletions_fromTheRunnableJar_isIdempotent() throws Exception {
    String url = db.newDatabase();
    Path log = dir.resolve("completions.jsonl");
    Files.writeString(
        log,
        "{\"received_at\":\"2025-06-01T10:00:00Z\",\"request_id\":\"r1\",\"product\":\"app\","
            + "\"issued_at\":\"2025-06-01T09:00:00Z\",\"update_type\":\"data\","
            + "\"status\":\"success\",\"version\":\"1\"}\n");

    List<String> first;
    List<String> second;
    try (ServerProcess p =
        ServerProcess.start(dir, "import-completions", log.toString(), "--database", url)) {
      first = p.stdoutLines();
      assertThat(p.awaitExit()).as(p.stderr()).isZero();
    }
    try (ServerProcess p =
        ServerProcess.start(dir, "import-completions", log.toString(), "--database", url)) {
      second = p.stdoutLines();
      assertThat(p.awaitExit()).as(p.stderr()).isZero();
    }

    assertThat(first)
        .containsExactly(
            "imported " + log + ": 1 lines, 1 new completions, 0 already in the database, 0"
                + " unreadable lines skipped");
    assertThat(second)
        .containsExactly(
            "imported " + log + ": 1 lines, 0 new completions, 1 already in the database, 0"
                + " unreadable lines skipped");
  }

  /** Checks for updates and reports the first offer as a success; returns the report's status. */
  private static int checkAndReport(int port) throws Exception {
    URI base = URI.create("http://127.0.0.1:" + port + "/");
    HttpResponse<String> offer = post(base.resolve("v1/update"), Fixtures.SEED_REQUEST);
    assertThat(offer.statusCode()).isEqualTo(200);
    String id =
        ClientCodec.create()
            .decodeUpdateResponse(offer.body().getBytes(StandardCharsets.UTF_8))
            .requestId();
    return post(
            base.resolve("v1/completion"),
            Fixtures.completion(id, "my_important_data", "success", "1.0"))
        .statusCode();
  }

  private static HttpResponse<String> post(URI uri, String body) throws Exception {
    return Fixtures.CLIENT.send(
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
