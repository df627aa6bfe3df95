package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.catalog.Release;
import dev.appupdate.protocol.signature.Ed25519Keys;
import dev.appupdate.protocol.signature.ReleaseSignatures;
import dev.appupdate.protocol.signature.SigningKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runnable jar as the dashboard's browser tests see it: a catalog of two products, real update
 * checks and completions posted to the public port, and the admin listener the page talks to.
 *
 * <p>The catalog: {@code demo-app win-x64 2.0.0} halts automatically above a failure rate of 0.2
 * over 6 reports; {@code win-x64 1.9.0} (channels {@code release, beta*}) is what clients fall
 * back to while it is halted; {@code mac-arm64 2.0.0} is signed; {@code other-tool jar 0.3} is
 * paused at a 12.5 % rollout. {@link #start} posts the reports that halt 2.0.0, then the fallback's.
 */
final class DashboardBackend implements AutoCloseable {
  static final String HALT_DETAIL = "failure rate 0.5 over 6 reports";
  /** Markup in a posted failure reason: the statistics never show reasons, the page never runs it. */
  static final String HOSTILE_REASON =
      "<img src=x onerror=\"window.pwned=1\"><script>window.pwned=2</script>";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ADMIN =
      Pattern.compile("admin listener on http://127\\.0\\.0\\.1:(\\d+)");

  private final Path dir;
  private ServerProcess process;
  private URI publicUrl;
  private URI adminUrl;
  private String token;
  private int installations;

  private DashboardBackend(Path dir) {
    this.dir = dir;
  }

  /**
   * Starts the jar in {@code dir} with the catalog and posts the reports: on 2.0.0 two successes,
   * a download failure and a cancel (neither halts), then install_failed, bad_checksum and
   * install_failed (the sixth report, 3 of 6 failing: halted); then, once clients are offered
   * 1.9.0, nine successes and one download failure on it and three successes on mac-arm64.
   */
  static DashboardBackend start(Path dir, String token) throws Exception {
    DashboardBackend b = new DashboardBackend(dir);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("catalog.json"), catalog());
    b.launch(token, "0", "0");
    b.report("win-x64", "2.0.0", "success", null, null);
    b.report("win-x64", "2.0.0", "success", null, null);
    b.report("win-x64", "2.0.0", "failed", "download_failed", "connection reset");
    b.report("win-x64", "2.0.0", "failed", "cancelled", "the user closed the window");
    b.report("win-x64", "2.0.0", "failed", "install_failed", HOSTILE_REASON);
    b.report("win-x64", "2.0.0", "failed", "bad_checksum", "bad checksum");
    b.report("win-x64", "2.0.0", "failed", "install_failed", "disk full");
    Await.until("win-x64 2.0.0 is halted", () -> "halted".equals(b.state("win-x64", "2.0.0")));
    for (int i = 0; i < 9; i++) {
      b.report("win-x64", "1.9.0", "success", null, null);
    }
    b.report("win-x64", "1.9.0", "failed", "download_failed", "timed out");
    b.addReports("mac-arm64", "2.0.0", 3, 0);
    return b;
  }

  private static String catalog() {
    String hash = "ab".repeat(64);
    Release signed =
        ReleaseSignatures.sign(
            Release.builder()
                .product("demo-app")
                .updateType("mac-arm64")
                .version("2.0.0")
                .url("files/demo-app-mac-arm64-2.0.0.zip")
                .hashFunction(HashFunction.SHA512)
                .hashValue(hash)
                .size(10)
                .build(),
            SigningKey.of(Ed25519Keys.generate()));
    String common = "\"hash_function\": \"sha512\", \"hash_value\": \"" + hash + "\", \"size\": 10";
    return "{\"releases\": [\n"
        + "  {\"product\": \"demo-app\", \"update_type\": \"win-x64\", \"version\": \"1.9.0\","
        + " \"url\": \"files/demo-app-win-x64-1.9.0.zip\", "
        + common
        + ", \"match\": {\"channels\": [\"release\", \"beta*\"]}},\n"
        + "  {\"product\": \"demo-app\", \"update_type\": \"win-x64\", \"version\": \"2.0.0\","
        + " \"url\": \"files/demo-app-win-x64-2.0.0.zip\", "
        + common
        + ", \"halt\": {\"max_failure_rate\": 0.2, \"min_reports\": 6}},\n"
        + "  {\"product\": \"demo-app\", \"update_type\": \"mac-arm64\", \"version\": \"2.0.0\","
        + " \"url\": \"files/demo-app-mac-arm64-2.0.0.zip\", "
        + common
        + ", \"signatures\": [{\"key_id\": \""
        + signed.signatures().get(0).keyId()
        + "\", \"signature\": \""
        + signed.signatures().get(0).signature()
        + "\"}]},\n"
        + "  {\"product\": \"other-tool\", \"update_type\": \"jar\", \"version\": \"0.3\","
        + " \"url\": \"files/other-tool-0.3.jar\", "
        + common
        + ", \"rollout_percent\": 12.5, \"paused\": true}\n"
        + "]}\n";
  }

  private void launch(String newToken, String port, String adminPort) throws Exception {
    token = newToken;
    Path tokenFile = dir.resolve("admin.token");
    Files.writeString(tokenFile, newToken + "\n");
    Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
    process =
        ServerProcess.start(
            dir,
            "--port", port,
            "--admin-port", adminPort,
            "--admin-token-file", tokenFile.toString(),
            "--catalog", dir.resolve("catalog.json").toString(),
            "--data", dir.resolve("data").toString());
    int publicPort = process.awaitPort();
    Matcher m = ADMIN.matcher(process.stderr());
    assertThat(m.find()).as("the admin listener's log line in %s", process.stderr()).isTrue();
    publicUrl = URI.create("http://127.0.0.1:" + publicPort + "/");
    adminUrl = URI.create("http://127.0.0.1:" + m.group(1) + "/");
  }

  /** Returns the admin listener's base URL, ending in {@code /}. */
  URI url() {
    return adminUrl;
  }

  /** Returns the bearer token the admin listener accepts. */
  String token() {
    return token;
  }

  /**
   * Restarts the server with {@code newToken} in its token file, on the same ports and data
   * directory, as an operator rotating the token does.
   */
  void restartWithToken(String newToken) throws Exception {
    process.process().destroy();
    assertThat(process.awaitExit()).isZero();
    process.close();
    launch(newToken, String.valueOf(publicUrl.getPort()), String.valueOf(adminUrl.getPort()));
  }

  /** Returns the release's {@code state} in the server's statistics. */
  String state(String updateType, String version) {
    return release("demo-app", updateType, version).get("state").textValue();
  }

  /** Returns the release as {@code GET /admin/v1/stats} shows it now. */
  JsonNode release(String product, String updateType, String version) {
    for (JsonNode p : stats().get("products")) {
      if (!p.get("product").textValue().equals(product)) {
        continue;
      }
      for (JsonNode r : p.get("releases")) {
        if (r.get("update_type").textValue().equals(updateType)
            && r.get("version").textValue().equals(version)) {
          return r;
        }
      }
    }
    throw new AssertionError("no release " + product + " " + updateType + " " + version);
  }

  /** Returns the statistics document of the admin API. */
  JsonNode stats() {
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(adminUrl.resolve("admin/v1/stats"))
                .header("Authorization", "Bearer " + token));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return read(r.body());
  }

  /** Halts a release through the admin API with the operator's {@code note}. */
  void halt(String updateType, String version, String note) throws IOException {
    HttpResponse<String> r =
        send(
            HttpRequest.newBuilder(
                    adminUrl.resolve("admin/v1/releases/demo-app/" + updateType + "/" + version
                        + "/halt"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        JSON.writeValueAsString(Map.of("note", note)))));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  /** Returns the version of {@code updateType} a new installation is offered, or null. */
  String offered(String updateType) {
    HttpResponse<String> r = check("fresh-" + ++installations);
    if (r.statusCode() == 204) {
      return null;
    }
    for (JsonNode u : read(r.body()).get("available_updates")) {
      if (u.get("update_type").textValue().equals(updateType)) {
        return u.get("version").textValue();
      }
    }
    return null;
  }

  /** Posts {@code successes} and {@code failures} (install_failed) reports, checking first. */
  void addReports(String updateType, String version, int successes, int failures) {
    for (int i = 0; i < successes; i++) {
      report(updateType, version, "success", null, null);
    }
    for (int i = 0; i < failures; i++) {
      report(updateType, version, "failed", "install_failed", "exit status 3");
    }
  }

  /**
   * Checks for updates as a new installation would and reports the outcome of the offer of
   * {@code updateType}, which must be {@code version}.
   */
  private void report(String updateType, String version, String status, String code, String why) {
    HttpResponse<String> r = check("installation-" + ++installations);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode offer = read(r.body());
    assertThat(offer.get("available_updates").findValuesAsText("version")).contains(version);
    var outcome = JSON.createObjectNode().put("status", status).put("version", version);
    if (code != null) {
      outcome.put("code", code).put("reason", why);
    }
    var body = JSON.createObjectNode().put("request_id", offer.get("request_id").textValue());
    body.putObject("updates").set(updateType, outcome);
    HttpResponse<String> done = post(publicUrl.resolve("v1/completion"), body.toString());
    assertThat(done.statusCode()).as(done.body()).isEqualTo(204);
  }

  private HttpResponse<String> check(String installation) {
    return post(
        publicUrl.resolve("v1/update"),
        "{\"product\":\"demo-app\",\"version\":\"1\",\"platform\":\"windows\",\"locale\":\"en\","
            + "\"installation_id\":\""
            + installation
            + "\"}");
  }

  private static HttpResponse<String> post(URI url, String body) {
    return send(
        HttpRequest.newBuilder(url)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
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

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns the server's standard error so far. */
  String log() throws IOException {
    return process.stderr();
  }

  @Override
  public void close() {
    process.close();
  }
}
