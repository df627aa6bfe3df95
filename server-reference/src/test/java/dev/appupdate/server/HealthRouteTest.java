package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthRouteTest {
  @TempDir Path dir;
  private AppUpdateServer server;

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void healthz_demoCatalog_isOkWithItsTwoReleasesLoadedAtStart() throws Exception {
    server =
        AppUpdateServer.builder()
            .port(0)
            .dataDir(dir)
            .clock(new MutableClock(Instant.parse("2025-01-02T03:04:05Z")))
            .build();
    server.start();

    HttpResponse<String> r = Fixtures.get(server, "/healthz");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(r.body())
        .isEqualTo(
            "{\"status\":\"ok\",\"releases\":2,\"catalog_loaded_at\":\"2025-01-02T03:04:05Z\","
                + "\"last_catalog_error\":null,\"last_catalog_error_at\":null,"
                + "\"completion_store\":{\"status\":\"ok\",\"reason\":null},"
                + "\"halted\":[]}");
  }

  @Test
  void healthz_reportsReleaseCountLoadTimeAndLastCatalogError() throws Exception {
    server = Fixtures.demoServer(dir).build();
    server.start();
    server
        .catalog()
        .install(
            new CatalogHolder.Snapshot(
                r -> List.of(),
                Fixtures.EXPLAIN_NOTHING,
                7,
                Instant.parse("2025-01-02T03:04:05Z")));
    server
        .catalog()
        .failed(
            new CatalogHolder.Failure(
                Instant.parse("2025-01-02T04:00:00Z"),
                "releases[3].hash_value: must be 128 lower-case hex digits"));

    HttpResponse<String> r = Fixtures.get(server, "/healthz");

    assertThat(r.body())
        .isEqualTo(
            "{\"status\":\"ok\",\"releases\":7,\"catalog_loaded_at\":\"2025-01-02T03:04:05Z\","
                + "\"last_catalog_error\":\"releases[3].hash_value:"
                + " must be 128 lower-case hex digits\","
                + "\"last_catalog_error_at\":\"2025-01-02T04:00:00Z\",\"completion_store\":{\"status\":\"ok\",\"reason\":null},"
                + "\"halted\":[]}");
  }

  @Test
  void healthz_head_hasLengthAndNoBody() throws Exception {
    server = AppUpdateServer.builder().port(0).dataDir(dir).build();
    server.start();

    int length = Fixtures.get(server, "/healthz").body().length();

    RawHttp.Response r = RawHttp.send(server.port(), "HEAD /healthz HTTP/1.1\nHost: x");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Length")).isEqualTo(Integer.toString(length));
    assertThat(r.body()).isEmpty();
  }

  @Test
  void healthz_post_is405AllowingGetAndHead() throws Exception {
    server = AppUpdateServer.builder().port(0).dataDir(dir).build();
    server.start();

    HttpResponse<String> r = Fixtures.postJson(server, "/healthz", "{}");

    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow")).hasValue("GET, HEAD");
  }

  @Test
  void healthz_completionLogBroken_is200SayingTheStoreIsDownWithoutItsPath() throws Exception {
    server =
        Fixtures.demoServer(dir)
            .clock(new MutableClock(Instant.parse("2025-01-02T03:04:05Z")))
            .build();
    server.start();
    String id = server.requestIds().issue("your_app", Fixtures.DEMO_OFFERS);
    // Something else writes the log: the server refuses to write after it and the log is broken.
    Files.writeString(dir.resolve("data").resolve(JsonlCompletionStore.NAME), "{}\n");
    try (LogCapture log = new LogCapture("dev.appupdate.server")) {
      assertThat(
              Fixtures.postJson(
                      server,
                      "/v1/completion",
                      Fixtures.completion(id, "my_important_data", "success", "1.0"))
                  .statusCode())
          .isEqualTo(503);
      assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("copytruncate"));
    }

    HttpResponse<String> r = Fixtures.get(server, "/healthz");

    // Update checks still work: a load balancer must keep the server in rotation.
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(r.body())
        .startsWith("{\"status\":\"degraded\",")
        .contains(
            "\"completion_store\":{\"status\":\"down\",\"reason\":\"the completion log cannot be"
                + " written since 2025-01-02T03:04:05Z: every completion is refused until the"
                + " server is restarted; the server log says why\"}")
        .doesNotContain(dir.toString());
  }
}
