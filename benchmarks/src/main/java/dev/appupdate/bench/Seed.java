package dev.appupdate.bench;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.UpdateResponse;
import dev.appupdate.protocol.catalog.Release;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The documents of the seed sketch, made valid for protocol v1: its request, and its response with
 * real sha512 digests and a request id of the length a signed token has. Benchmarks and the bare
 * baseline server share them so that every figure speaks of the same bytes.
 */
final class Seed {
  private Seed() {}

  /** The seed's update request, exactly as the sketch writes it (integer version included). */
  static final String REQUEST =
      "{\"product\":\"your_app\",\"version\":666,\"platform\":\"macOS\",\"locale\":\"en-US\"}";

  /**
   * The seed request as a current client sends it: with channel, installation id and the
   * versions already installed.
   */
  static final String FULL_REQUEST =
      "{\"product\":\"your_app\",\"version\":666,\"platform\":\"macOS\",\"locale\":\"en-US\","
          + "\"channel\":\"release\","
          + "\"installation_id\":\"3f1c0a9e-5b7d-4c21-9e38-1a2b3c4d5e6f\","
          + "\"installed\":{\"my_important_data\":\"0.9\",\"my_important_binary_blob\":\"1.0\"}}";

  /**
   * Returns a request id as long as a signed token: 120 URL-safe characters. Fixed, so that
   * every run encodes the same bytes.
   */
  static String requestId() {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    SplittableRandom random = new SplittableRandom(42);
    StringBuilder id = new StringBuilder(120);
    for (int i = 0; i < 120; i++) {
      id.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return id.toString();
  }

  /** Returns the two offers of the seed response, with sha512 digests of their file names. */
  static List<AvailableUpdate> offers() {
    return List.of(
        AvailableUpdate.builder()
            .updateType("my_important_data")
            .url(URI.create("https://localhost:8080/src/important_data_v1.json"))
            .hashFunction(HashFunction.SHA512)
            .hashValue(sha512Hex("important_data_v1.json"))
            .size(1234)
            .version("1.0")
            .build(),
        AvailableUpdate.builder()
            .updateType("my_important_binary_blob")
            .url(URI.create("https://localhost:8080/src/important_binary_v2.zip"))
            .hashFunction(HashFunction.SHA512)
            .hashValue(sha512Hex("important_binary_v2.zip"))
            .size(4321)
            .version("2.0")
            .build());
  }

  /** The product of the seed request. */
  static final String PRODUCT = "your_app";

  /**
   * Returns {@link #offers()} as catalog releases of {@link #PRODUCT}, offered to everyone: a
   * catalog holding them answers the seed request with the seed response's two offers.
   */
  static List<Release> releases() {
    List<Release> releases = new ArrayList<>();
    for (AvailableUpdate offer : offers()) {
      releases.add(
          Release.builder()
              .product(PRODUCT)
              .updateType(offer.updateType())
              .version(offer.version())
              .url(offer.url().toString())
              .hashFunction(offer.hashFunction())
              .hashValue(offer.hashValue())
              .size(offer.size())
              .build());
    }
    return releases;
  }

  /** Returns the seed response: {@link #offers()} under {@link #requestId()}. */
  static UpdateResponse response() {
    return UpdateResponse.of(offers(), requestId());
  }

  /** Returns the lower-case hex SHA-512 of the UTF-8 bytes of {@code text}. */
  static String sha512Hex(String text) {
    return HexFormat.of()
        .formatHex(HashFunction.SHA512.newDigest().digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
