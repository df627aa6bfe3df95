package dev.appupdate.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.appupdate.protocol.FailureCode;
import dev.appupdate.protocol.Outcome;
import dev.appupdate.protocol.ReleaseSignature;
import dev.appupdate.protocol.UpdateRequest;
import dev.appupdate.protocol.catalog.Catalog;
import dev.appupdate.protocol.catalog.Release;
import dev.appupdate.protocol.signature.ReleaseSignatures;
import dev.appupdate.protocol.signature.SigningKey;
import dev.appupdate.server.AppUpdateServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against the real reference server, in process, with its embedded demo. */
class ReferenceServerEndToEndTest {
  private static final String DATA = "my_important_data";
  private static final String BLOB = "my_important_binary_blob";

  @TempDir Path dir;

  private final FakeTime time = new FakeTime();
  private AppUpdateServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** The seed request's values: your_app 666 on macOS in en-US. */
  private UpdateClient client() {
    return UpdateClient.builder()
        .serverUri(server.baseUrl())
        .request(UpdateRequest.of("your_app", "666", "macOS", "en-US"))
        .clock(time)
        .sleeper(time)
        .random(Fixtures.maxJitter())
        .build();
  }

  private static byte[] demoResource(String name) throws IOException {
    try (InputStream in = AppUpdateServer.class.getResourceAsStream("demo/" + name)) {
      assertThat(in).as("demo resource " + name).isNotNull();
      return in.readAllBytes();
    }
  }

  /** The releases of the embedded demo catalog, by update type. */
  private static Map<String, Release> demoReleases() throws IOException {
    Map<String, Release> releases = new TreeMap<>();
    for (Release r : Catalog.parse(demoResource("catalog.json"), "demo").releases()) {
      releases.put(r.updateType(), r);
    }
    return releases;
  }

  private List<JsonNode> completions() throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    List<JsonNode> records = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("data").resolve("completions.jsonl"))) {
      records.add(mapper.readTree(line));
    }
    return records;
  }

  @Test
  void update_seedRequestAgainstTheDemo_installsBothVerifiedFilesAndTheServerRecordsTwoSuccesses()
      throws Exception {
    server = AppUpdateServer.builder().port(0).dataDir(dir.resolve("data")).build();
    server.start();
    Path downloads = dir.resolve("downloads");
    Files.createDirectories(downloads);
    List<DownloadedUpdate> installed = new ArrayList<>();

    UpdateSummary summary = client().update(downloads, installed::add);

    assertThat(summary.allSucceeded()).isTrue();
    assertThat(summary.reported()).isTrue();
    assertThat(summary.entries())
        .extracting(UpdateSummary.Entry::updateType, e -> e.outcome().version())
        .containsExactly(Tuple.tuple(BLOB, "2.0"), Tuple.tuple(DATA, "1.0"));
    Map<String, Release> catalog = demoReleases();
    assertThat(installed).hasSize(2);
    for (DownloadedUpdate d : installed) {
      Release release = catalog.get(d.offer().updateType());
      byte[] bytes = Files.readAllBytes(d.path());
      assertThat(d.path().getParent()).isEqualTo(downloads);
      assertThat(bytes).as(d.path().toString()).hasSize((int) release.size());
      assertThat(Fixtures.sha512(bytes)).as(d.path().toString()).isEqualTo(release.hashValue());
    }
    assertThat(completions())
        .allSatisfy(
            record -> {
              assertThat(record.get("request_id").asText()).isEqualTo(summary.requestId());
              assertThat(record.get("product").asText()).isEqualTo("your_app");
              assertThat(record.get("status").asText()).isEqualTo("success");
            })
        .extracting(record -> record.get("update_type").asText())
        .containsExactlyInAnyOrder(DATA, BLOB);
  }

  @Test
  void update_fileDifferentFromTheCatalog_failsWithBadChecksumOnBothSides() throws Exception {
    Path files = Files.createDirectories(dir.resolve("files"));
    Files.write(
        files.resolve("important_data_v1.json"), demoResource("files/important_data_v1.json"));
    byte[] tampered = demoResource("files/important_binary_v2.zip");
    tampered[tampered.length / 2] ^= 0x01;
    Files.write(files.resolve("important_binary_v2.zip"), tampered);
    Path catalog = Files.write(dir.resolve("catalog.json"), demoResource("catalog.json"));
    server =
        AppUpdateServer.builder()
            .port(0)
            .dataDir(dir.resolve("data"))
            .catalog(catalog)
            .filesDir(files)
            .build();
    server.start();
    Path downloads = Files.createDirectories(dir.resolve("downloads"));
    List<DownloadedUpdate> installed = new ArrayList<>();

    UpdateSummary summary = client().update(downloads, installed::add);

    assertThat(summary.entries())
        .extracting(
            UpdateSummary.Entry::updateType,
            e -> e.outcome().status(),
            e -> e.outcome().code(),
            e -> e.outcome().reason())
        .containsExactly(
            Tuple.tuple(BLOB, Outcome.Status.FAILED, FailureCode.BAD_CHECKSUM, "bad checksum"),
            Tuple.tuple(DATA, Outcome.Status.SUCCESS, null, null));
    assertThat(summary.reported()).isTrue();
    assertThat(installed).extracting(d -> d.offer().updateType()).containsExactly(DATA);
    assertThat(Fixtures.files(downloads)).containsExactly(Fixtures.finalName(DATA, "1.0"));
    JsonNode failed =
        completions().stream()
            .filter(r -> r.get("update_type").asText().equals(BLOB))
            .findFirst()
            .orElseThrow();
    assertThat(failed.get("request_id").asText()).isEqualTo(summary.requestId());
    assertThat(failed.get("status").asText()).isEqualTo("failed");
    assertThat(failed.get("reason").asText()).isEqualTo("bad checksum");
    assertThat(failed.get("hash_function").asText()).isEqualTo("sha512");
    assertThat(failed.get("hash_value").asText()).isEqualTo(Fixtures.sha512(tampered));
    assertThat(failed.get("size").asLong()).isEqualTo(tampered.length);
    assertThat(completions()).hasSize(2);
  }

  /**
   * Starts the server on a copy of the demo, each release signed by {@code keys}; {@code edit}
   * changes the catalog's JSON afterwards (a release edited without re-signing).
   */
  private void startSignedDemo(Consumer<ObjectNode> edit, SigningKey... keys) throws IOException {
    Path files = Files.createDirectories(dir.resolve("files"));
    for (String name : new String[] {"important_data_v1.json", "important_binary_v2.zip"}) {
      Files.write(files.resolve(name), demoResource("files/" + name));
    }
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode catalog = (ObjectNode) mapper.readTree(demoResource("catalog.json"));
    Map<String, Release> releases = demoReleases();
    for (JsonNode node : catalog.get("releases")) {
      Release release = releases.get(node.get("update_type").asText());
      for (SigningKey key : keys) {
        release = ReleaseSignatures.sign(release, key);
      }
      ArrayNode signatures = ((ObjectNode) node).putArray("signatures");
      for (ReleaseSignature sig : release.signatures()) {
        signatures.addObject().put("key_id", sig.keyId()).put("signature", sig.signature());
      }
    }
    edit.accept(catalog);
    Path file = dir.resolve("catalog.json");
    mapper.writeValue(file.toFile(), catalog);
    server =
        AppUpdateServer.builder()
            .port(0)
            .dataDir(dir.resolve("data"))
            .catalog(file)
            .filesDir(files)
            .build();
    server.start();
  }

  private UpdateClient pinnedClient(PublicKey releaseKey) {
    return UpdateClient.builder()
        .serverUri(server.baseUrl())
        .request(UpdateRequest.of("your_app", "666", "macOS", "en-US"))
        .clock(time)
        .sleeper(time)
        .random(Fixtures.maxJitter())
        .trustedReleaseKeys(releaseKey)
        .build();
  }

  @Test
  void update_catalogSignedByTheTrustedKey_installsBothReleases() throws Exception {
    SigningKey key = Signing.newKey();
    startSignedDemo(catalog -> {}, key);
    Path downloads = dir.resolve("downloads");
    List<DownloadedUpdate> installed = new ArrayList<>();

    UpdateSummary summary = pinnedClient(key.publicKey()).update(downloads, installed::add);

    assertThat(summary.allSucceeded()).isTrue();
    assertThat(installed)
        .extracting(d -> d.offer().updateType())
        .containsExactlyInAnyOrder(DATA, BLOB);
    assertThat(installed).allSatisfy(d -> assertThat(d.offer().signatures()).hasSize(1));
  }

  @Test
  void update_catalogSignedByAnotherKey_downloadsNothingAndTheServerRecordsBadSignature()
      throws Exception {
    SigningKey untrusted = Signing.newKey();
    startSignedDemo(catalog -> {}, untrusted);
    Path downloads = dir.resolve("downloads");
    List<DownloadedUpdate> installed = new ArrayList<>();

    UpdateSummary summary =
        pinnedClient(Signing.newKey().publicKey()).update(downloads, installed::add);

    assertThat(installed).isEmpty();
    assertThat(Fixtures.files(downloads)).isEmpty();
    assertThat(summary.reported()).isTrue();
    assertThat(summary.entries())
        .extracting(e -> e.outcome().code())
        .containsOnly(FailureCode.BAD_SIGNATURE);
    assertThat(completions())
        .hasSize(2)
        .allSatisfy(
            record -> {
              assertThat(record.get("status").asText()).isEqualTo("failed");
              assertThat(record.get("code").asText()).isEqualTo("bad_signature");
              assertThat(record.get("reason").asText())
                  .startsWith("no signature by a trusted key (key ids " + untrusted.keyId());
            });
  }

  @Test
  void update_releaseRepointedAtAnotherFileWithoutResigning_isRefusedAndLeavesNoFile()
      throws Exception {
    SigningKey key = Signing.newKey();
    Map<String, Release> demo = demoReleases();
    // The blob's entry now names the data file, with that file's digest and size: valid bytes,
    // but not what the release key signed.
    Release other = demo.get(DATA);
    startSignedDemo(
        catalog -> {
          for (JsonNode node : catalog.get("releases")) {
            if (node.get("update_type").asText().equals(BLOB)) {
              ((ObjectNode) node)
                  .put("url", "files/important_data_v1.json")
                  .put("hash_value", other.hashValue())
                  .put("size", other.size());
            }
          }
        },
        key);
    Path downloads = dir.resolve("downloads");
    List<DownloadedUpdate> installed = new ArrayList<>();

    UpdateSummary summary = pinnedClient(key.publicKey()).update(downloads, installed::add);

    assertThat(summary.entries())
        .extracting(UpdateSummary.Entry::updateType, e -> e.outcome().code())
        .containsExactly(
            Tuple.tuple(BLOB, FailureCode.BAD_SIGNATURE), Tuple.tuple(DATA, null));
    assertThat(summary.entries().get(0).outcome().reason())
        .isEqualTo("signature by " + key.keyId() + " does not verify");
    assertThat(installed).extracting(d -> d.offer().updateType()).containsExactly(DATA);
    assertThat(Fixtures.files(downloads)).containsExactly(Fixtures.finalName(DATA, "1.0"));
  }
}
