package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private AppUpdateServer server;
  private String token;

  @BeforeEach
  void start() throws Exception {
    Path catalog =
        Files.writeString(
            dir.resolve("catalog.json"),
            Fixtures.catalog("data:1.0", "data:2.0")
                .replace(
                    "\"version\": \"2.0\",",
                    "\"version\": \"2.0\", \"halt\": {\"max_failure_rate\": 0.5,"
                        + " \"min_reports\": 4},"));
    server =
        Fixtures.demoServer(dir).catalog(catalog).watchCatalog(false).adminPort(0).build();
    server.start();
    token = Files.readString(dir.resolve("data").resolve(AdminToken.NAME)).strip();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> admin(String method, String path, String bearer) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(server.adminUrl().resolve(path))
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return Fixtures.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String check(String installation) throws Exception {
    HttpResponse<String> r =
        Fixtures.postJson(
            server,
            "/v1/update",
            "{\"product\":\"your_app\",\"version\":\"1\",\"platform\":\"linux\",\"locale\":\"en\","
                + "\"installation_id\":\""
                + installation
                + "\"}");
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private void fail(String installation, String code) throws Exception {
    String id = JSON.readTree(check(installation)).get("request_id").textValue();
    HttpResponse<String> r =
        Fixtures.postJson(
            server,
            "/v1/completion",
            "{\"request_id\":\""
                + id
                + "\",\"updates\":{\"data\":{\"status\":\"failed\",\"version\":\"2.0\","
                + "\"code\":\""
                + code
                + "\",\"reason\":\"x\"}}}");
    assertThat(r.statusCode()).isEqualTo(204);
  }

  @Test
  void tokenFile_createdOwnerOnly_andNotLogged() throws Exception {
    Path file = dir.resolve("data").resolve(AdminToken.NAME);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(token).hasSizeGreaterThanOrEqualTo(40);
  }

  @Test
  void adminRoutes_missingOrWrongToken_are401Problems() throws Exception {
    for (String bearer : new String[] {null, "wrong", token + "x", token.substring(1)}) {
      HttpResponse<String> r = admin("GET", "/admin/v1/stats", bearer);
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
          v -> assertThat(v).startsWith("Bearer"));
      assertThat(r.body()).doesNotContain(token);
      assertThat(admin("GET", "/metrics", bearer).statusCode()).isEqualTo(401);
      assertThat(admin("POST", "/admin/v1/releases/your_app/data/2.0/halt", bearer).statusCode())
          .isEqualTo(401);
    }
    assertThat(admin("GET", "/admin/v1/stats", token).statusCode()).isEqualTo(200);
  }

  @Test
  void adminRoutes_foreignHostHeader_areRefused() throws Exception {
    int port = server.adminUrl().getPort();
    String auth = "\nAuthorization: Bearer " + token;

    assertThat(RawHttp.send(port, "GET /admin/v1/stats HTTP/1.1\nHost: evil.example:" + port + auth).status())
        .isEqualTo(421);
    assertThat(RawHttp.send(port, "GET /metrics HTTP/1.1\nHost: 127.0.0.1:1" + auth).status())
        .isEqualTo(421);
    assertThat(RawHttp.send(port, "GET /metrics HTTP/1.1\nHost: localhost:" + port + auth).status())
        .isEqualTo(200);
  }

  @Test
  void publicPort_neverServesAdminRoutes() throws Exception {
    for (String path : new String[] {"/admin/v1/stats", "/metrics", "/admin/v1/releases/your_app/data/2.0/halt"}) {
      HttpResponse<String> r =
          Fixtures.CLIENT.send(
              HttpRequest.newBuilder(server.baseUrl().resolve(path))
                  .header("Authorization", "Bearer " + token)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(path).isEqualTo(404);
    }
  }

  @Test
  void stats_countWhatWasPosted() throws Exception {
    fail("a", "install_failed");
    fail("b", "download_failed");
    fail("c", "cancelled");
    String id = JSON.readTree(check("d")).get("request_id").textValue();
    Fixtures.postJson(server, "/v1/completion", Fixtures.completion(id, "data", "success", "2.0"));

    JsonNode stats = JSON.readTree(admin("GET", "/admin/v1/stats", token).body());

    assertThat(stats.get("store").get("kind").textValue()).isEqualTo("jsonl");
    assertThat(stats.get("store").get("status").textValue()).isEqualTo("ok");
    JsonNode release = stats.get("products").get(0).get("releases").get(0);
    assertThat(stats.get("products").get(0).get("product").textValue()).isEqualTo("your_app");
    assertThat(release.get("version").textValue()).isEqualTo("2.0");
    assertThat(release.get("state").textValue()).isEqualTo("live");
    assertThat(release.get("reports").asLong()).isEqualTo(3);
    assertThat(release.get("successes").asLong()).isEqualTo(1);
    assertThat(release.get("failures").asLong()).isEqualTo(2);
    assertThat(release.get("failure_rate").asDouble()).isEqualTo(2.0 / 3);
    assertThat(release.get("by_code").toString())
        .isEqualTo("{\"cancelled\":1,\"download_failed\":1,\"install_failed\":1}");
    assertThat(release.get("halt_threshold").get("min_reports").asLong()).isEqualTo(4);
    assertThat(release.get("hourly")).hasSize(1);
    assertThat(release.get("hourly").get(0).get("failures").asLong()).isEqualTo(2);
    JsonNode older = stats.get("products").get(0).get("releases").get(1);
    assertThat(older.get("reports").asLong()).isZero();
    assertThat(older.get("failure_rate").isNull()).isTrue();

    JsonNode later =
        JSON.readTree(admin("GET", "/admin/v1/stats?since=2999-01-01T00:00:00Z", token).body());
    assertThat(later.get("products").get(0).get("releases").get(0).get("reports").asLong())
        .isZero();
    assertThat(admin("GET", "/admin/v1/stats?since=yesterday", token).statusCode()).isEqualTo(400);
  }

  @Test
  void stats_matchTheirSchema() throws Exception {
    fail("a", "install_failed");
    admin("POST", "/admin/v1/releases/your_app/data/1.0/halt", token);
    com.networknt.schema.Schema schema =
        com.networknt.schema.SchemaRegistry.withDefaultDialect(
                com.networknt.schema.SpecificationVersion.DRAFT_2020_12)
            .getSchema(
                Files.readString(
                    Path.of(System.getProperty("user.dir"))
                        .resolve("../docs/schemas/admin-stats.schema.json")),
                com.networknt.schema.InputFormat.JSON);

    String stats = admin("GET", "/admin/v1/stats", token).body();

    assertThat(schema.validate(stats, com.networknt.schema.InputFormat.JSON)).isEmpty();
    assertThat(schema.validate(stats.replace("\"live\"", "\"alive\""), com.networknt.schema.InputFormat.JSON))
        .isNotEmpty();
  }

  @Test
  void haltAndResume_byOperator_changeTheOffersAndHealthz() throws Exception {
    HttpResponse<String> halted =
        admin("POST", "/admin/v1/releases/your_app/data/2.0.0/halt", token);
    assertThat(halted.statusCode()).isEqualTo(200);
    assertThat(check("x")).contains("\"version\":\"1.0\"");
    assertThat(Fixtures.get(server, "/healthz").body())
        .contains("\"halted\":[{\"product\":\"your_app\",\"update_type\":\"data\",\"version\":\"2\"");
    assertThat(admin("POST", "/admin/v1/releases/your_app/data/2.0/halt", token).statusCode())
        .isEqualTo(409);
    assertThat(admin("POST", "/admin/v1/releases/your_app/data/7.0/halt", token).statusCode())
        .isEqualTo(404);
    assertThat(admin("GET", "/admin/v1/releases/your_app/data/2.0/halt", token).statusCode())
        .isEqualTo(405);

    assertThat(admin("POST", "/admin/v1/releases/your_app/data/2.0/resume", token).statusCode())
        .isEqualTo(200);
    assertThat(check("x")).contains("\"version\":\"2.0\"");
    assertThat(Fixtures.get(server, "/healthz").body()).contains("\"halted\":[]");
  }

  @Test
  void automaticHalt_thresholdPassed_withholdsTheRelease() throws Exception {
    for (String installation : new String[] {"a", "b", "c"}) {
      fail(installation, "bad_checksum");
    }
    String id = JSON.readTree(check("d")).get("request_id").textValue();
    Fixtures.postJson(server, "/v1/completion", Fixtures.completion(id, "data", "success", "2.0"));

    server.halts().tick();

    assertThat(check("e")).contains("\"version\":\"1.0\"");
    JsonNode release =
        JSON.readTree(admin("GET", "/admin/v1/stats", token).body())
            .get("products").get(0).get("releases").get(0);
    assertThat(release.get("state").textValue()).isEqualTo("halted");
    assertThat(release.get("halt").get("actor").textValue()).isEqualTo("automatic");
    assertThat(release.get("halt").get("detail").textValue())
        .isEqualTo("failure rate 0.75 over 4 reports");
    String explain =
        Fixtures.postJson(
                server,
                "/v1/explain",
                "{\"product\":\"your_app\",\"version\":\"1\",\"platform\":\"linux\","
                    + "\"locale\":\"en\"}")
            .body();
    assertThat(explain).contains("halted: failure rate 0.75 over 4 reports");
  }

  @Test
  void metrics_areThePrometheusTextFormat_andCountChecks() throws Exception {
    String before = admin("GET", "/metrics", token).body();
    check("a");
    check("b");

    HttpResponse<String> r = admin("GET", "/metrics", token);

    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
        v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
    assertThat(PrometheusText.value(r.body(), "appupdate_checks_total", "result", "offered")
            - PrometheusText.value(before, "appupdate_checks_total", "result", "offered"))
        .isEqualTo(2);
    assertThat(PrometheusText.value(r.body(), "appupdate_offers_total", "update_type", "data"))
        .isEqualTo(2);
    assertThat(r.body()).contains("jvm_memory_used_bytes");
    PrometheusText.parse(r.body());
  }

  @Test
  void build_nonLoopbackAdminWithoutTls_isRefused() throws Exception {
    AppUpdateServer.Builder b =
        Fixtures.demoServer(dir).adminPort(0).adminBind(InetAddress.getByName("192.0.2.1"));

    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("only with TLS");
    assertThatThrownBy(() -> Fixtures.demoServer(dir).adminTokenFile(dir.resolve("t")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("need adminPort");
  }

  @Test
  void adminUrl_isLoopbackByDefault() {
    assertThat(server.adminUrl()).isEqualTo(URI.create("http://127.0.0.1:" + server.adminUrl().getPort()));
    assertThat(StandardCharsets.UTF_8).isNotNull();
  }
}
