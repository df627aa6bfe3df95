package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rollout health end to end, against the runnable jar: a release with a halt threshold is halted
 * by the failures real clients report, stays halted across a restart, and comes back on resume;
 * the statistics and the metrics count exactly what was sent; the admin routes want the token and
 * exist on the admin port only.
 */
class RolloutHealthIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ADMIN =
      Pattern.compile("admin listener on http://127\\.0\\.0\\.1:(\\d+)");

  @TempDir Path dir;

  /** One running jar: its public and admin ports and the token. */
  private record Server(ServerProcess process, URI publicUrl, URI adminUrl, String token) {}

  private Server start() throws Exception {
    Path catalog = dir.resolve("catalog.json");
    if (!Files.exists(catalog)) {
      Files.writeString(
          catalog,
          Fixtures.catalog("data:1.0", "data:2.0")
              .replace(
                  "\"version\": \"2.0\",",
                  "\"version\": \"2.0\", \"halt\": {\"max_failure_rate\": 0.2,"
                      + " \"min_reports\": 6},"));
    }
    ServerProcess p =
        ServerProcess.start(
            dir,
            "--port", "0",
            "--admin-port", "0",
            "--catalog", catalog.toString(),
            "--data", dir.resolve("data").toString());
    int port = p.awaitPort();
    Matcher m = ADMIN.matcher(p.stderr());
    assertThat(m.find()).as("the admin listener's log line in %s", p.stderr()).isTrue();
    String token = Files.readString(dir.resolve("data").resolve(AdminToken.NAME)).strip();
    assertThat(p.stderr()).doesNotContain(token);
    return new Server(
        p,
        URI.create("http://127.0.0.1:" + port + "/"),
        URI.create("http://127.0.0.1:" + m.group(1) + "/"),
        token);
  }

  private static HttpResponse<String> send(HttpRequest.Builder b) {
    try {
      return Fixtures.CLIENT.send(
          b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static HttpResponse<String> post(URI url, String body) {
    return send(
        HttpRequest.newBuilder(url)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private static HttpResponse<String> admin(Server s, String method, String path, String token) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(s.adminUrl().resolve(path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return send(b);
  }

  /** The version offered for data to a fresh installation, or null on 204. */
  private static String offered(Server s, String installation) throws IOException {
    HttpResponse<String> r = check(s, installation);
    return r.statusCode() == 204
        ? null
        : JSON.readTree(r.body()).get("available_updates").get(0).get("version").textValue();
  }

  private static HttpResponse<String> check(Server s, String installation) {
    return post(
        s.publicUrl().resolve("v1/update"),
        "{\"product\":\"your_app\",\"version\":\"1\",\"platform\":\"linux\",\"locale\":\"en\","
            + "\"installation_id\":\""
            + installation
            + "\"}");
  }

  private static void report(Server s, String installation, String status, String code)
      throws IOException {
    HttpResponse<String> r = check(s, installation);
    assertThat(r.statusCode()).isEqualTo(200);
    String id = JSON.readTree(r.body()).get("request_id").textValue();
    String outcome =
        status.equals("success")
            ? "{\"status\":\"success\",\"version\":\"2.0\"}"
            : "{\"status\":\"failed\",\"version\":\"2.0\",\"code\":\"" + code
                + "\",\"reason\":\"x\"}";
    assertThat(
            post(
                    s.publicUrl().resolve("v1/completion"),
                    "{\"request_id\":\"" + id + "\",\"updates\":{\"data\":" + outcome + "}}")
                .statusCode())
        .isEqualTo(204);
  }

  @Test
  void failingRollout_isHaltedDurablyAndResumed_statsAndMetricsCountExactly() throws Exception {
    Server s = start();
    try {
      // The admin routes want the token and are not on the public port.
      assertThat(admin(s, "GET", "admin/v1/stats", null).statusCode()).isEqualTo(401);
      assertThat(admin(s, "GET", "metrics", "not-the-token").statusCode()).isEqualTo(401);
      assertThat(
              send(HttpRequest.newBuilder(s.publicUrl().resolve("admin/v1/stats"))
                      .header("Authorization", "Bearer " + s.token()))
                  .statusCode())
          .isEqualTo(404);
      assertThat(
              send(HttpRequest.newBuilder(s.publicUrl().resolve("metrics"))
                      .header("Authorization", "Bearer " + s.token()))
                  .statusCode())
          .isEqualTo(404);
      String before = admin(s, "GET", "metrics", s.token()).body();

      // A network failure is a report but not a failure that halts; a cancel counts nowhere.
      report(s, "i6", "failed", "download_failed");
      report(s, "i7", "failed", "cancelled");
      report(s, "i1", "success", null);
      report(s, "i2", "success", null);
      report(s, "i3", "failed", "install_failed");
      report(s, "i4", "failed", "bad_checksum");
      // The sixth reporter: 3 of 6 broken, 0.5 > 0.2.
      report(s, "i5", "failed", "install_failed");

      Await.until(
          "the release is halted",
          () -> {
            try {
              return "1.0".equals(offered(s, "fresh"));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
      int checksAfterReports = 7;

      JsonNode release =
          JSON.readTree(admin(s, "GET", "admin/v1/stats", s.token()).body())
              .get("products").get(0).get("releases").get(0);
      assertThat(release.get("version").textValue()).isEqualTo("2.0");
      assertThat(release.get("state").textValue()).isEqualTo("halted");
      assertThat(release.get("halt").get("detail").textValue())
          .isEqualTo("failure rate 0.5 over 6 reports");
      assertThat(release.get("reports").asLong()).isEqualTo(6);
      assertThat(release.get("successes").asLong()).isEqualTo(2);
      assertThat(release.get("failures").asLong()).isEqualTo(4);
      assertThat(release.get("by_code").toString())
          .isEqualTo(
              "{\"bad_checksum\":1,\"cancelled\":1,\"download_failed\":1,\"install_failed\":2}");
      assertThat(Fixtures.CLIENT.send(
              HttpRequest.newBuilder(s.publicUrl().resolve("healthz")).build(),
              HttpResponse.BodyHandlers.ofString()).body())
          .contains("\"detail\":\"failure rate 0.5 over 6 reports\"");

      String after = admin(s, "GET", "metrics", s.token()).body();
      PrometheusText.parse(after);
      assertThat(
              PrometheusText.value(after, "appupdate_completions_total", "code", "install_failed")
                  - PrometheusText.value(before, "appupdate_completions_total", "code", "install_failed"))
          .isEqualTo(2);
      assertThat(
              PrometheusText.value(after, "appupdate_completions_total", "code", "none")
                  - PrometheusText.value(before, "appupdate_completions_total", "code", "none"))
          .isEqualTo(2);
      double offeredChecks =
          PrometheusText.value(after, "appupdate_checks_total", "result", "offered")
              - PrometheusText.value(before, "appupdate_checks_total", "result", "offered");
      // The 7 checks of the reports, and those of the wait: each answered 200.
      assertThat(offeredChecks).isGreaterThan(checksAfterReports);
      assertThat(PrometheusText.value(after, "appupdate_halts_total", "actor", "automatic"))
          .isEqualTo(1);
      assertThat(PrometheusText.parse(after)).containsEntry("appupdate_halted_releases", 1.0);
    } finally {
      s.process().process().destroy();
      assertThat(s.process().awaitExit()).isZero();
      s.process().close();
    }

    Server again = start();
    try {
      assertThat(offered(again, "fresh")).as("halted across the restart").isEqualTo("1.0");
      String metrics0 = admin(again, "GET", "metrics", again.token()).body();
      assertThat(offered(again, "x")).isEqualTo("1.0");
      String metrics1 = admin(again, "GET", "metrics", again.token()).body();
      assertThat(
              PrometheusText.value(metrics1, "appupdate_checks_total", "result", "offered")
                  - PrometheusText.value(metrics0, "appupdate_checks_total", "result", "offered"))
          .as("one check, counted once")
          .isEqualTo(1);

      HttpResponse<String> resumed =
          admin(again, "POST", "admin/v1/releases/your_app/data/2.0/resume", again.token());
      assertThat(resumed.statusCode()).isEqualTo(200);
      assertThat(offered(again, "fresh")).isEqualTo("2.0");
    } finally {
      again.process().close();
    }
  }
}
