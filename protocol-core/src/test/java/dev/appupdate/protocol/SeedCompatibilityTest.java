package dev.appupdate.protocol;

import static dev.appupdate.protocol.TestDocs.hex;
import static dev.appupdate.protocol.TestDocs.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.util.Iterator;
import org.junit.jupiter.api.Test;

/**
 * The JSON examples of the seed sketch (shared/reference/seed-update-server-README.txt) are the
 * compatibility baseline of protocol v1.
 */
class SeedCompatibilityTest {
  private final ServerCodec server = ServerCodec.create();
  private final ClientCodec client = ClientCodec.create();

  @Test
  void seedRequest_withIntegerVersion_decodesAsDecimalString() {
    String seed =
        """
        {
            "product": "your_app",
            "version": 666,
            "platform": "macOS",
            "locale": "en-US"
        }
        """;

    UpdateRequest request = server.decodeUpdateRequest(utf8(seed));

    assertThat(request)
        .isEqualTo(UpdateRequest.of("your_app", "666", "macOS", "en-US"));
    assertThat(request.channel()).isEqualTo("release");
  }

  @Test
  void seedResponse_withValidDigests_roundTripsWithTheSameNamesAndJsonTypes() throws Exception {
    // The seed's digests ("abc123", "321cba") are placeholders; real sha512 digests replace them.
    String dataHash = hex(HashFunction.SHA512, "important data v1");
    String blobHash = hex(HashFunction.SHA512, "important binary v2");
    String seed =
        """
        {
            "available_updates": [
                { "update_type": "my_important_data",
                  "url": "https://localhost:8080/src/important_data_v1.json",
                  "hash_function": "sha512",
                  "hash_value": "%s",
                  "size": 1234,
                  "version": "1.0"
                },
                { "update_type": "my_important_binary_blob",
                  "url": "https://localhost:8080/src/important_binary_v2.zip",
                  "hash_function": "sha512",
                  "hash_value": "%s",
                  "size": 4321,
                  "version": "2.0"
                }
            ],
            "request_id": "xyz321"
        }
        """
            .formatted(dataHash, blobHash);

    UpdateResponse decoded = client.decodeUpdateResponse(utf8(seed));
    byte[] reencoded =
        server.encodeUpdateResponse(UpdateResponse.of(decoded.availableUpdates(), decoded.requestId()));

    assertThat(decoded.rejected()).isEmpty();
    assertThat(decoded.availableUpdates())
        .containsExactly(
            AvailableUpdate.builder()
                .updateType("my_important_data")
                .url(URI.create("https://localhost:8080/src/important_data_v1.json"))
                .hashFunction(HashFunction.SHA512)
                .hashValue(dataHash)
                .size(1234)
                .version("1.0")
                .build(),
            AvailableUpdate.builder()
                .updateType("my_important_binary_blob")
                .url(URI.create("https://localhost:8080/src/important_binary_v2.zip"))
                .hashFunction(HashFunction.SHA512)
                .hashValue(blobHash)
                .size(4321)
                .version("2.0")
                .build());
    ObjectMapper mapper = new ObjectMapper();
    JsonNode original = mapper.readTree(seed);
    JsonNode again = mapper.readTree(reencoded);
    assertThat(again).isEqualTo(original);
    assertSameShape(original, again, "$");
  }

  /** Same member names in the same order, same JSON node types, recursively. */
  private static void assertSameShape(JsonNode expected, JsonNode actual, String path) {
    assertThat(actual.getNodeType()).as(path).isEqualTo(expected.getNodeType());
    if (expected.isObject()) {
      Iterator<String> e = expected.fieldNames();
      Iterator<String> a = actual.fieldNames();
      while (e.hasNext()) {
        String name = e.next();
        assertThat(a.hasNext()).as(path + " lacks " + name).isTrue();
        assertThat(a.next()).as(path).isEqualTo(name);
        assertSameShape(expected.get(name), actual.get(name), path + "." + name);
      }
      assertThat(a.hasNext()).as(path + " has extra members").isFalse();
    } else if (expected.isArray()) {
      assertThat(actual.size()).as(path).isEqualTo(expected.size());
      for (int i = 0; i < expected.size(); i++) {
        assertSameShape(expected.get(i), actual.get(i), path + "[" + i + "]");
      }
    }
  }

  @Test
  void seedCompletion_withItsTwoSyntaxSlipsFixed_decodes() {
    // The seed lacks the comma after "updates" and has one after "request_id"; both fixed here.
    String seed =
        """
        {
            "updates": {
                "blocklist": {
                    "status": "success",
                    "version": "1.0"
                },
                "gecko_media_plugins": {
                    "status": "failed",
                    "reason": "bad checksum",
                    "version": "2.0",
                    "hash_function": "sha512",
                    "hash_value": "abc123",
                    "size": 1234
                }
            },
            "request_id": "xyz321"
        }
        """;

    CompletionReport report = server.decodeCompletionReport(utf8(seed));

    assertThat(report.requestId()).isEqualTo("xyz321");
    assertThat(report.updates())
        .containsExactly(
            entry("blocklist", Outcome.success("1.0")),
            entry(
                "gecko_media_plugins",
                Outcome.failed("2.0", FailureCode.BAD_CHECKSUM, Outcome.BAD_CHECKSUM)
                    .withObserved(HashFunction.SHA512, "abc123", 1234L)));
  }

  @Test
  void seedCompletion_asWrittenWithItsSyntaxSlips_isRejectedAsMalformed() {
    String seed =
        """
        {
            "updates": {
                "blocklist": {
                    "status": "success",
                    "version": "1.0"
                }
            }
            "request_id": "xyz321",
        }
        """;

    TestDocs.assertRejected(
        () -> server.decodeCompletionReport(utf8(seed)), "$", "malformed JSON at line 8, column 5");
  }
}
