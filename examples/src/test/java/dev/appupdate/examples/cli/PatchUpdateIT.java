package dev.appupdate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.appupdate.examples.DownloadedFiles;
import dev.appupdate.examples.ServedCatalog;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Patch updates end to end: the reference server's jar serves a catalog whose release 2.0 lists
 * a zstd patch from 1.0 (made with {@code appupdate patch create}), and the CLI, holding 1.0 in
 * its directory from an earlier update, updates to 2.0. What crosses the wire is read from the
 * server's access log; what the client reported from its completion log.
 */
class PatchUpdateIT {
  private static final String TYPE = "my_important_binary_blob";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern FILE_GET =
      Pattern.compile("GET \"/files/([^\"]+)\" (\\d{3}) (\\d+) ");

  @TempDir Path serverDir;
  @TempDir Path work;

  private ServedCatalog.Offered v1;
  private ServedCatalog.Offered v2;
  private byte[] patch;
  private ReferenceServer server;
  private Path downloads;

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  /**
   * Release 1.0 is 400,000 pseudo-random bytes; 2.0 changes 1,000 of them in the middle and
   * appends 5,000: a patch of a few KB. 1.0 is offered to application version 1, 2.0 (with its
   * patch) to version 2, so one server serves both steps. The first step puts 1.0 into the
   * client's directory.
   */
  @BeforeEach
  void serveBothVersionsAndInstallTheFirst() throws Exception {
    Random random = new Random(16);
    byte[] old = new byte[400_000];
    random.nextBytes(old);
    byte[] changed = Arrays.copyOf(old, old.length + 5_000);
    byte[] middle = new byte[1_000];
    random.nextBytes(middle);
    System.arraycopy(middle, 0, changed, 200_000, middle.length);
    byte[] tail = new byte[5_000];
    random.nextBytes(tail);
    System.arraycopy(tail, 0, changed, old.length, tail.length);
    v1 = new ServedCatalog.Offered(TYPE, "1.0", old);
    v2 = new ServedCatalog.Offered(TYPE, "2.0", changed);

    Path files = Files.createDirectories(serverDir.resolve("files"));
    Files.write(files.resolve(ReferenceServer.fileName(v1)), v1.bytes());
    Files.write(files.resolve(ReferenceServer.fileName(v2)), v2.bytes());
    CliRun created =
        CliRun.run(
            "patch", "create",
            "--from", files.resolve(ReferenceServer.fileName(v1)).toString(),
            "--to", files.resolve(ReferenceServer.fileName(v2)).toString(),
            "-o", files.resolve("blob-1.0-2.0.zst").toString(),
            "--from-version", "1.0");
    assertThat(created.exit()).as("stderr: %s", created.err()).isZero();
    patch = Files.readAllBytes(files.resolve("blob-1.0-2.0.zst"));
    ObjectNode entry = (ObjectNode) JSON.readTree(created.out());
    assertThat(entry.path("size").asLong()).isEqualTo(patch.length);
    entry.put("url", "files/blob-1.0-2.0.zst");

    ObjectNode release1 = release(v1, "<2");
    ObjectNode release2 = release(v2, ">=2");
    release2.putArray("patches").add(entry);
    ObjectNode catalog = JSON.createObjectNode();
    catalog.putArray("releases").add(release1).add(release2);
    Files.writeString(serverDir.resolve("catalog.json"), catalog.toPrettyString());
    server = ReferenceServer.start(serverDir, List.of());

    downloads = work.resolve("downloads");
    CliRun first = CliRun.run(update("1").toArray(String[]::new));
    assertThat(first.outLines()).as("stderr: %s", first.err())
        .containsExactly(TYPE + " 1.0 ok", "completion reported");
  }

  private static ObjectNode release(ServedCatalog.Offered r, String appVersion) {
    ObjectNode o = JSON.createObjectNode();
    o.put("product", ServedCatalog.PRODUCT)
        .put("update_type", r.updateType())
        .put("version", r.version())
        .put("url", "files/" + ReferenceServer.fileName(r))
        .put("hash_function", "sha512")
        .put("hash_value", ServedCatalog.sha512(r.bytes()))
        .put("size", r.bytes().length);
    o.putObject("match").put("app_version", appVersion);
    return o;
  }

  private List<String> update(String appVersion, String... installed) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "update",
                "--server", server.baseUrl().toString(),
                "--product", ServedCatalog.PRODUCT,
                "--version", appVersion,
                "--platform", "macOS",
                "--locale", "en-US",
                "--dir", downloads.toString()));
    for (String i : installed) {
      args.add("--installed");
      args.add(i);
    }
    return args;
  }

  @Test
  void update_cliJarWithTheBaseInItsDirectory_downloadsOnlyThePatchAndRebuildsVersion2()
      throws Exception {
    List<String> stdout;
    int exit;
    String stderr;
    try (JarProcess cli =
        JarProcess.start(
            "appupdate-cli",
            JarProcess.jar("appupdate.cli.jar"),
            work,
            update("2", TYPE + "=1.0"))) {
      exit = cli.awaitExit();
      stdout = cli.stdoutLines();
      stderr = cli.stderr();
    }

    assertThat(exit).as("stderr: %s", stderr).isZero();
    assertThat(stdout).containsExactly(TYPE + " 2.0 ok (patched)", "completion reported");
    assertThat(DownloadedFiles.of(downloads, v2)).hasBinaryContent(v2.bytes());
    assertThat(DownloadedFiles.names(downloads)).as("only the two verified files").hasSize(2);
    assertThat(fileGets())
        .as("the first update fetched 1.0 whole; the second only the patch")
        .containsExactly(
            ReferenceServer.fileName(v1) + " 200 " + v1.bytes().length,
            "blob-1.0-2.0.zst 200 " + patch.length);
    assertThat(patch.length).isLessThan(v2.bytes().length / 20);
    JsonNode record = last(server.completions());
    assertThat(record.path("status").asText()).isEqualTo("success");
    assertThat(record.path("patch")).isEqualTo(JSON.readTree("{\"used\": true}"));
  }

  @Test
  void update_corruptedPatchOnTheServer_fallsBackToTheFullFileAndSucceeds() throws Exception {
    byte[] corrupted = patch.clone();
    corrupted[corrupted.length / 2] ^= 0x5a;
    Files.write(serverDir.resolve("files/blob-1.0-2.0.zst"), corrupted);

    CliRun run = CliRun.run(update("2", TYPE + "=1.0").toArray(String[]::new));

    assertThat(run.exit()).as("stderr: %s", run.err()).isZero();
    assertThat(run.outLines())
        .containsExactly(
            TYPE + " 2.0 ok (patch not used: patch download failed: bad checksum)",
            "completion reported");
    assertThat(DownloadedFiles.of(downloads, v2)).hasBinaryContent(v2.bytes());
    assertThat(DownloadedFiles.names(downloads)).as("no patch or partial file left").hasSize(2);
    assertThat(fileGets()).endsWith(ReferenceServer.fileName(v2) + " 200 " + v2.bytes().length);
    JsonNode record = last(server.completions());
    assertThat(record.path("status").asText()).isEqualTo("success");
    assertThat(record.path("patch").path("used").asBoolean(true)).isFalse();
    assertThat(record.path("patch").path("failure").asText()).contains("bad checksum");
  }

  @Test
  void update_modifiedBaseFile_fallsBackToTheFullFileWithoutFetchingThePatch() throws Exception {
    Path base = DownloadedFiles.of(downloads, v1);
    byte[] modified = Files.readAllBytes(base);
    modified[1234] ^= 1;
    Files.write(base, modified);

    CliRun run = CliRun.run(update("2", TYPE + "=1.0").toArray(String[]::new));

    assertThat(run.exit()).as("stderr: %s", run.err()).isZero();
    assertThat(run.outLines().get(0))
        .startsWith(TYPE + " 2.0 ok (patch not used: base file ")
        .endsWith("differs from 1.0 (digest))");
    assertThat(DownloadedFiles.of(downloads, v2)).hasBinaryContent(v2.bytes());
    assertThat(fileGets())
        .containsExactly(
            ReferenceServer.fileName(v1) + " 200 " + v1.bytes().length,
            ReferenceServer.fileName(v2) + " 200 " + v2.bytes().length);
    assertThat(last(server.completions()).path("patch").path("used").asBoolean(true)).isFalse();
  }

  @Test
  void check_olderClientWithoutPatchFormats_getsThePlainOffer() throws Exception {
    String request =
        "{\"product\": \"your_app\", \"version\": \"2\", \"platform\": \"macOS\","
            + " \"locale\": \"en-US\", \"installed\": {\"" + TYPE + "\": \"1.0\"}";

    JsonNode plain = JSON.readTree(post(request + "}"));
    JsonNode patched = JSON.readTree(post(request + ", \"patch_formats\": [\"zstd\"]}"));

    JsonNode offer = plain.path("available_updates").get(0);
    assertThat(offer.has("patch")).isFalse();
    List<String> keys = new ArrayList<>();
    offer.fieldNames().forEachRemaining(keys::add);
    assertThat(keys)
        .containsExactly("update_type", "url", "hash_function", "hash_value", "size", "version");
    JsonNode withPatch = patched.path("available_updates").get(0);
    assertThat(withPatch.path("patch").path("from").asText()).isEqualTo("1.0");
    assertThat(withPatch.path("patch").path("from_hash_value").asText())
        .isEqualTo(ServedCatalog.sha512(v1.bytes()));
    ObjectNode withoutPatch = withPatch.deepCopy();
    withoutPatch.remove("patch");
    assertThat(withoutPatch.equals(offer)).as("%s without its patch is %s", withPatch, offer).isTrue();
  }

  private String post(String json) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(server.baseUrl().resolve("v1/update"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  /**
   * Returns {@code NAME STATUS BYTES} of every GET under {@code /files/} in the access log, in
   * order. The server is stopped first: it writes every queued line before it exits; its
   * completion log stays readable.
   */
  private List<String> fileGets() throws IOException {
    server.close();
    String log = server.stderr();
    List<String> gets = new ArrayList<>();
    Matcher m = FILE_GET.matcher(log);
    while (m.find()) {
      gets.add(m.group(1) + " " + m.group(2) + " " + m.group(3));
    }
    return gets;
  }

  private static JsonNode last(List<JsonNode> records) {
    assertThat(records).isNotEmpty();
    return records.get(records.size() - 1);
  }
}
