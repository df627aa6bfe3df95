package dev.appupdate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.ClientCodec;
import dev.appupdate.protocol.ReleaseSignature;
import dev.appupdate.protocol.UpdateResponse;
import dev.appupdate.protocol.signature.Ed25519Keys;
import dev.appupdate.protocol.signature.ReleaseSignatures;
import dev.appupdate.protocol.signature.TrustedKeys;
import dev.appupdate.server.AppUpdateServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A catalog signed by {@code catalog sign} is one the reference server loads as it is, and its
 * offers carry the release's signatures unchanged, so that a client pinning the key verifies them.
 */
class SignedCatalogServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HASH = "ab".repeat(64);

  @TempDir Path dir;

  private String keygen(String name) {
    CliRun run =
        CliRun.run(
            "keygen",
            "--private",
            dir.resolve(name + ".key").toString(),
            "--public",
            dir.resolve(name + ".pub").toString());
    assertThat(run.exit()).as("stderr: %s", run.err()).isZero();
    return run.out().strip();
  }

  @Test
  void catalogSignedWithTwoKeys_loadsInTheReferenceServer_andItsOffersCarryBothSignatures()
      throws Exception {
    String a = keygen("a");
    String b = keygen("b");
    Path catalog =
        Files.writeString(
            dir.resolve("catalog.json"),
            "{\"releases\": [\n"
                + "{\"product\": \"your_app\", \"update_type\": \"my_important_data\","
                + " \"version\": \"1.0\", \"url\": \"files/d-1.0\", \"hash_function\": \"sha512\","
                + " \"hash_value\": \""
                + HASH
                + "\", \"size\": 1234},\n"
                + "{\"product\": \"your_app\", \"update_type\": \"my_important_data\","
                + " \"version\": \"1.1\", \"url\": \"https://cdn.example.com/d-1.1\","
                + " \"hash_function\": \"sha512\", \"hash_value\": \""
                + "cd".repeat(64)
                + "\","
                + " \"size\": 1301, \"rollout_percent\": 100.0},\n"
                + "{\"product\": \"your_app\", \"update_type\": \"fonts\", \"version\": \"7\","
                + " \"url\": \"files/fonts-7\", \"hash_function\": \"sha256\", \"hash_value\": \""
                + "ef".repeat(32)
                + "\", \"size\": 88000, \"critical\": true}\n"
                + "]}\n");
    assertThat(CliRun.run("catalog", "sign", "--key", dir + "/a.key", catalog.toString()).exit())
        .isZero();
    assertThat(CliRun.run("catalog", "sign", "--key", dir + "/b.key", catalog.toString()).exit())
        .isZero();
    JsonNode signedCatalog = JSON.readTree(catalog.toFile());

    JsonNode body;
    try (AppUpdateServer server =
        AppUpdateServer.builder().port(0).catalog(catalog).dataDir(dir.resolve("data")).build()) {
      server.start();
      HttpResponse<byte[]> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(server.baseUrl().resolve("v1/update"))
                      .header("Content-Type", "application/json")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"product\": \"your_app\", \"version\": \"1\","
                                  + " \"platform\": \"macOS\", \"locale\": \"en-US\"}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofByteArray());
      assertThat(response.statusCode()).isEqualTo(200);
      body = JSON.readTree(response.body());
      UpdateResponse decoded = ClientCodec.create().decodeUpdateResponse(response.body());

      assertThat(decoded.rejected()).isEmpty();
      assertThat(decoded.availableUpdates())
          .extracting(AvailableUpdate::updateType, AvailableUpdate::version)
          .containsExactlyInAnyOrder(tuple("my_important_data", "1.1"), tuple("fonts", "7"));
      for (AvailableUpdate offer : decoded.availableUpdates()) {
        assertThat(offer.signatures()).extracting(ReleaseSignature::keyId).containsExactly(a, b);
        for (String trusted : new String[] {"a", "b"}) {
          TrustedKeys keys =
              TrustedKeys.of(Ed25519Keys.readPublicKey(dir.resolve(trusted + ".pub")));
          assertThat(ReleaseSignatures.verify("your_app", offer, keys).valid())
              .as("%s verified by %s", offer, trusted)
              .isTrue();
        }
      }
    }
    // On the wire, each offer's signatures are those of its release in the file, as written.
    for (JsonNode offer : body.path("available_updates")) {
      JsonNode release = releaseOf(signedCatalog, offer);
      assertThat(offer.path("signatures")).isEqualTo(release.path("signatures"));
    }
    assertThat(body.path("available_updates")).hasSize(2);
  }

  private static JsonNode releaseOf(JsonNode catalog, JsonNode offer) {
    List<JsonNode> found = new ArrayList<>();
    for (JsonNode r : catalog.path("releases")) {
      if (r.path("update_type").equals(offer.path("update_type"))
          && r.path("version").equals(offer.path("version"))) {
        found.add(r);
      }
    }
    assertThat(found).hasSize(1);
    return found.get(0);
  }
}
