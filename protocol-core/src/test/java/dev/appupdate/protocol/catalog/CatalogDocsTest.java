package dev.appupdate.protocol.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.ServerCodec;
import dev.appupdate.protocol.UpdateRequest;
import dev.appupdate.protocol.UpdateResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Holds docs/CATALOG.md to its word: the complete example and what it says the example offers. */
class CatalogDocsTest {
  static final String ID = "3f1c0a9e-5b7d-4c21-9e38-1a2b3c4d5e6f";
  static String example;

  @BeforeAll
  static void readExample() throws IOException {
    String doc = Files.readString(Path.of("../docs/CATALOG.md"));
    int start = doc.indexOf("```json\n{\n  \"releases\"");
    assertThat(start).as("complete example in docs/CATALOG.md").isNotNegative();
    int end = doc.indexOf("\n```", start + 1);
    example = doc.substring(start + "```json\n".length(), end);
  }

  static Matcher matcher() {
    return Matcher.create(
        Catalog.parse(example.getBytes(StandardCharsets.UTF_8), "CATALOG.md"),
        URI.create("https://updates.example.com/"));
  }

  static UpdateRequest.Builder macClient() {
    return UpdateRequest.builder("your_app", "2.0", "macOS", "de-AT")
        .arch("arm64")
        .osVersion("13")
        .installationId(ID);
  }

  static List<String> offers(UpdateRequest.Builder request) {
    return matcher().match(request.build()).stream()
        .map(u -> u.updateType() + " " + u.version() + " " + u.url())
        .collect(Collectors.toList());
  }

  @Test
  void example_isAValidCatalogOfSevenReleases() {
    assertThat(matcher().releaseCount()).isEqualTo(7);
  }

  @Test
  void example_macClient_getsWhatTheDocSays() {
    assertThat(offers(macClient()))
        .containsExactly(
            "fonts 7 https://updates.example.com/files/fonts_de_7.zip",
            "my_important_binary_blob 2.0 https://cdn.example.com/your_app/important_binary_v2.zip",
            "my_important_data 1.1 https://updates.example.com/files/important_data_v1.1.json");
    assertThat(Rollout.bucket(ID, "your_app", "my_important_data", "2.0"))
        .isBetween(71.7120, 71.7121);
  }

  @Test
  void example_macClientOnBeta_staysOnBlob2BecauseOfItsBucket() {
    assertThat(offers(macClient().channel("beta")))
        .contains(
            "my_important_binary_blob 2.0"
                + " https://cdn.example.com/your_app/important_binary_v2.zip");
    assertThat(Rollout.bucket(ID, "your_app", "my_important_binary_blob", "3.0b1"))
        .isBetween(39.8347, 39.8348);
  }

  @Test
  void example_windowsClientWithData2Installed_getsOnlyFonts() {
    UpdateRequest.Builder windows =
        UpdateRequest.builder("your_app", "2.0", "Windows", "de-AT")
            .installationId(ID)
            .installed("my_important_data", "2.0");

    assertThat(offers(windows))
        .containsExactly("fonts 7 https://updates.example.com/files/fonts_de_7.zip");
  }

  @Test
  void servingSnippet_decodesMatchesAndEncodes(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("catalog.json");
    Files.writeString(file, example);
    byte[] body =
        ("{\"product\":\"your_app\",\"version\":\"1.0\",\"platform\":\"Linux\","
                + "\"locale\":\"en-US\","
                + "\"installation_id\":\"" + ID + "\"}")
            .getBytes(StandardCharsets.UTF_8);

    ServerCodec codec = ServerCodec.create();
    Matcher matcher =
        Matcher.create(Catalog.read(file), URI.create("https://updates.example.com/"));
    UpdateRequest request = codec.decodeUpdateRequest(body);
    List<AvailableUpdate> offers = matcher.match(request);
    byte[] json = codec.encodeUpdateResponse(UpdateResponse.of(offers, "req-1"));

    JsonNode response = new ObjectMapper().readTree(json);
    assertThat(response.get("available_updates")).hasSize(1);
    assertThat(response.get("available_updates").get(0).get("url").asText())
        .isEqualTo("https://updates.example.com/files/important_data_v1.1.json");
    assertThat(response.get("available_updates").get(0).get("mirrors").get(0).asText())
        .isEqualTo("https://mirror.example.org/your_app/important_data_v1.1.json");
  }

  @Test
  void rolloutRule_isTheSameExactComparisonInCatalogMdAndProtocolMd() throws IOException {
    String catalog = Files.readString(Path.of("../docs/CATALOG.md"));
    String protocol = Files.readString(Path.of("../docs/PROTOCOL.md"));

    for (String doc : List.of(catalog, protocol)) {
      assertThat(doc)
          .contains("`n × 100 < p × 2^64`")
          .contains("`T = ⌈p × 2^64 / 100⌉`")
          .contains("at most 6 digits after the")
          .doesNotContain("bucket = (x >>> 11)");
    }
    assertThat(protocol)
        .contains("1,844,674,407,370,955,200")
        .contains("threshold 1,844,674,407,370,955,162");
    assertThat(Long.toUnsignedString(Rollout.threshold(10))).isEqualTo("1844674407370955162");
    assertThat(Rollout.admitted(Long.parseUnsignedLong("1844674407370955200"), Rollout.threshold(10)))
        .isFalse();
  }

  @Test
  void validationTable_resolvedUrlMessage_isWhatMatcherCreateSays() throws IOException {
    String doc = Files.readString(Path.of("../docs/CATALOG.md"));
    Catalog catalog =
        Catalog.of(
            List.of(
                MatcherTest.release("data", "1").build(),
                Release.builder()
                    .product("your_app")
                    .updateType("data")
                    .version("2")
                    .url("../../x.zip")
                    .hashFunction(HashFunction.SHA256)
                    .hashValue(MatcherTest.SHA256)
                    .size(1)
                    .build()));

    CatalogException e =
        catchThrowableOfType(
            CatalogException.class,
            () -> Matcher.create(catalog, URI.create("https://updates.example.com/app/")));

    assertThat(e.problems()).hasSize(1);
    assertThat(doc).contains("`" + e.problems().get(0) + "`");
  }

  @Test
  void explanationTable_bucketReasonOfTheExample() {
    Explanation e = matcher().explain(macClient().build());

    assertThat(e.candidates())
        .filteredOn(c -> c.updateType().equals("my_important_data"))
        .extracting(Explanation.Candidate::toString)
        .containsExactly(
            "my_important_data 2.1: paused",
            "my_important_data 2.0: bucket 71.71 >= rollout 25",
            "my_important_data 1.1: offered",
            "my_important_data 1.0: superseded by 1.1");
  }
}
