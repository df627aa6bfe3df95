package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The embedded demo catalog pins the real SHA-512 and size of the embedded demo files. */
class DemoResourcesTest {

  @Test
  void demoCatalog_offersTheSeedUpdatesWithTheFilesRealHashesAndSizes() throws Exception {
    JsonNode catalog;
    try (InputStream in = AppUpdateServer.class.getResourceAsStream("demo/catalog.json")) {
      catalog = new ObjectMapper().readTree(in);
    }
    List<String> seen = new ArrayList<>();
    for (JsonNode release : catalog.get("releases")) {
      String url = release.get("url").asText();
      assertThat(url).startsWith("files/");
      byte[] bytes;
      try (InputStream in =
          AppUpdateServer.class.getResourceAsStream(
              EmbeddedFileStore.FOLDER + url.substring("files/".length()))) {
        assertThat(in).as(url).isNotNull();
        bytes = in.readAllBytes();
      }
      assertThat(release.get("product").asText()).isEqualTo("your_app");
      assertThat(release.get("hash_function").asText()).isEqualTo("sha512");
      assertThat(release.get("hash_value").asText())
          .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(bytes)));
      assertThat(release.get("size").asLong()).isEqualTo(bytes.length);
      seen.add(release.get("update_type").asText() + " " + release.get("version").asText());
    }
    assertThat(seen).containsExactly("my_important_data 1.0", "my_important_binary_blob 2.0");
  }

  @Test
  void demoOffersOfTheTests_matchTheDemoCatalog() throws Exception {
    JsonNode catalog;
    try (InputStream in = AppUpdateServer.class.getResourceAsStream("demo/catalog.json")) {
      catalog = new ObjectMapper().readTree(in);
    }

    assertThat(catalog.get("releases").get(0).get("hash_value").asText())
        .isEqualTo(Fixtures.DATA.hashValue());
    assertThat(catalog.get("releases").get(1).get("hash_value").asText())
        .isEqualTo(Fixtures.BLOB.hashValue());
  }
}
