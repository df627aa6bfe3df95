package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The automatic halt with two replicas sharing one PostgreSQL and one request-id key: what one
 * replica decides, the other honours at its next poll, and an operator may lift it at either.
 */
class ReplicaHaltTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

  @TempDir static Path pgDir;
  private static EmbeddedDatabase db;

  @TempDir Path dir;
  private AppUpdateServer a;
  private AppUpdateServer b;

  @BeforeAll
  static void startDatabase() throws Exception {
    db = EmbeddedDatabase.start(pgDir.resolve("pg"));
  }

  @AfterAll
  static void stopDatabase() throws Exception {
    db.close();
  }

  @AfterEach
  void stopServers() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  private AppUpdateServer replica(String name, String url, Path catalog, MutableClock clock) {
    return AppUpdateServer.builder()
        .port(0)
        .dataDir(dir.resolve(name))
        .keyFile(dir.resolve("shared.key"))
        .database(EmbeddedDatabase.settings(url))
        .catalog(catalog)
        .watchCatalog(false)
        .adminPort(0)
        .clock(clock)
        .build();
  }

  private static String offeredVersion(AppUpdateServer server, String installation)
      throws Exception {
    HttpResponse<String> r =
        Fixtures.postJson(
            server,
            "/v1/update",
            "{\"product\":\"your_app\",\"version\":\"1\",\"platform\":\"linux\",\"locale\":\"en\","
                + "\"installation_id\":\""
                + installation
                + "\"}");
    assertThat(r.statusCode()).isEqualTo(200);
    return JSON.readTree(r.body()).get("available_updates").get(0).get("version").textValue();
  }

  private static void report(AppUpdateServer server, String installation, String outcome)
      throws Exception {
    HttpResponse<String> check =
        Fixtures.postJson(
            server,
            "/v1/update",
            "{\"product\":\"your_app\",\"version\":\"1\",\"platform\":\"linux\",\"locale\":\"en\","
                + "\"installation_id\":\""
                + installation
                + "\"}");
    String id = JSON.readTree(check.body()).get("request_id").textValue();
    HttpResponse<String> r =
        Fixtures.postJson(
            server,
            "/v1/completion",
            "{\"request_id\":\""
                + id
                + "\",\"updates\":{\"data\":{\"version\":\"2.0\","
                + outcome
                + "}}}");
    assertThat(r.statusCode()).isEqualTo(204);
  }

  private HttpResponse<String> resume(AppUpdateServer server, String dataDir) throws Exception {
    String token = Files.readString(dir.resolve(dataDir).resolve(AdminToken.NAME)).strip();
    return Fixtures.CLIENT.send(
        HttpRequest.newBuilder(
                server.adminUrl().resolve("/admin/v1/releases/your_app/data/2.0/resume"))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void halt_failuresPostedToOneReplica_otherStopsOfferingAtItsNextPollAndResumeOnItReachesBoth()
      throws Exception {
    String url = db.newDatabase();
    Path catalog =
        Files.writeString(
            dir.resolve("catalog.json"),
            Fixtures.catalog("data:1.0", "data:2.0")
                .replace(
                    "\"version\": \"2.0\",",
                    "\"version\": \"2.0\", \"halt\": {\"max_failure_rate\": 0.5,"
                        + " \"min_reports\": 4},"));
    MutableClock clockA = new MutableClock(T0);
    // B's clock is behind A's: the order of halts and resumes must not depend on the replicas'
    // clocks agreeing.
    MutableClock clockB = new MutableClock(T0.minusSeconds(30));
    a = replica("a", url, catalog, clockA);
    a.start();
    b = replica("b", url, catalog, clockB);
    b.start();
    assertThat(offeredVersion(a, "x")).isEqualTo("2.0");
    assertThat(offeredVersion(b, "x")).isEqualTo("2.0");

    for (String installation : new String[] {"i1", "i2", "i3"}) {
      report(a, installation, "\"status\":\"failed\",\"code\":\"bad_checksum\",\"reason\":\"x\"");
    }
    report(a, "i4", "\"status\":\"success\"");
    a.halts().tick();
    assertThat(offeredVersion(a, "x")).isEqualTo("1.0");

    // B polls the store every POLL_SECONDS; its next poll is that tick.
    assertThat(Halts.POLL_SECONDS).isLessThanOrEqualTo(10);
    clockB.advance(Duration.ofSeconds(Halts.POLL_SECONDS));
    b.halts().tick();
    assertThat(offeredVersion(b, "x")).isEqualTo("1.0");
    assertThat(Fixtures.get(b, "/healthz").body())
        .contains("\"halted\":[{\"product\":\"your_app\",\"update_type\":\"data\",\"version\":\"2\"");

    HttpResponse<String> resumed = resume(b, "b");
    assertThat(resumed.statusCode()).as(resumed.body()).isEqualTo(200);
    assertThat(offeredVersion(b, "x")).isEqualTo("2.0");

    clockA.advance(Duration.ofSeconds(Halts.POLL_SECONDS));
    a.halts().tick();
    b.halts().tick();
    assertThat(offeredVersion(a, "x")).isEqualTo("2.0");
    assertThat(offeredVersion(b, "x")).isEqualTo("2.0");

    // The reports that halted it do not halt it again once resumed.
    report(a, "i5", "\"status\":\"success\"");
    a.halts().tick();
    b.halts().tick();
    assertThat(offeredVersion(a, "x")).isEqualTo("2.0");
    assertThat(offeredVersion(b, "x")).isEqualTo("2.0");
    assertThat(
            EmbeddedDatabase.queryLong(
                url, "SELECT count(*) FROM halt_events WHERE NOT halted AND actor = 'operator'"))
        .isEqualTo(1);
  }
}
