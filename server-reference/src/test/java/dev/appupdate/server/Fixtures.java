package dev.appupdate.server;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.ReleaseSignature;
import dev.appupdate.protocol.UpdateRequest;
import dev.appupdate.protocol.catalog.Catalog;
import dev.appupdate.protocol.catalog.Explanation;
import dev.appupdate.protocol.catalog.Matcher;
import dev.appupdate.protocol.catalog.Release;
import dev.appupdate.protocol.signature.ReleaseSignatures;
import dev.appupdate.protocol.signature.SigningKey;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

/** What the server tests share: the demo offers, the seed request, catalogs, small HTTP helpers. */
final class Fixtures {
  private Fixtures() {}

  static final String SEED_REQUEST =
      "{\"product\":\"your_app\",\"version\":666,\"platform\":\"macOS\",\"locale\":\"en-US\"}";

  static final AvailableUpdate DATA =
      AvailableUpdate.builder()
          .updateType("my_important_data")
          .url(URI.create("http://127.0.0.1:8000/files/important_data_v1.json"))
          .hashFunction(HashFunction.SHA512)
          .hashValue("28509e5485e293810dc71c25fc046b9396bcffcc426043f0db0863c35ad47dabf49f010e15f65e7b001642bfa0bae58451a057bd253ffa74dfd80e650af33251")
          .size(246)
          .version("1.0")
          .build();

  static final AvailableUpdate BLOB =
      AvailableUpdate.builder()
          .updateType("my_important_binary_blob")
          .url(URI.create("http://127.0.0.1:8000/files/important_binary_v2.zip"))
          .hashFunction(HashFunction.SHA512)
          .hashValue("640826cc3e301ea140991091ab850051f2998d793fc26825d5f2eb598926c908a732675eb8b922795bf3c86d492109260b331e55516d4fd1fb69fcf12e2d42a9")
          .size(1312)
          .version("2.0")
          .build();

  static final List<AvailableUpdate> DEMO_OFFERS = List.of(DATA, BLOB);

  /**
   * The demo offers as a server with public URL {@code base} makes them, in the matcher's order
   * (by update type).
   */
  static List<AvailableUpdate> demoOffers(URI base) {
    return List.of(at(BLOB, base), at(DATA, base));
  }

  private static AvailableUpdate at(AvailableUpdate u, URI base) {
    return AvailableUpdate.builder()
        .updateType(u.updateType())
        .url(base.resolve(u.url().getPath().substring(1)))
        .hashFunction(u.hashFunction())
        .hashValue(u.hashValue())
        .size(u.size())
        .version(u.version())
        .build();
  }

  /** Explains every request as one for a product the catalog does not know. */
  static final Function<UpdateRequest, Explanation> EXPLAIN_NOTHING =
      Matcher.create(Catalog.of(List.of()), URI.create("http://127.0.0.1/"))::explain;

  /** A catalog snapshot serving {@code offers} and explaining nothing, loaded at the epoch. */
  static CatalogHolder.Snapshot snapshot(
      Function<UpdateRequest, List<AvailableUpdate>> offers, int releaseCount) {
    return new CatalogHolder.Snapshot(
        offers,
        EXPLAIN_NOTHING,
        releaseCount,
        Instant.EPOCH);
  }

  /**
   * Returns a catalog document of {@code your_app} releases, each given as {@code
   * update_type:version}, with URL {@code files/TYPE-VERSION} and a made-up digest.
   */
  static String catalog(String... releases) {
    StringBuilder sb = new StringBuilder("{\"releases\": [");
    for (int i = 0; i < releases.length; i++) {
      String[] tv = releases[i].split(":");
      sb.append(i == 0 ? "\n" : ",\n")
          .append("  {\"product\": \"your_app\", \"update_type\": \"")
          .append(tv[0])
          .append("\", \"version\": \"")
          .append(tv[1])
          .append("\", \"url\": \"files/")
          .append(tv[0])
          .append('-')
          .append(tv[1])
          .append("\", \"hash_function\": \"sha512\", \"hash_value\": \"")
          .append("ab".repeat(64))
          .append("\", \"size\": 10}");
    }
    return sb.append("\n]}\n").toString();
  }

  /**
   * Returns {@link #catalog} with each release signed by each of {@code keys}, as {@code appupdate
   * catalog sign} would.
   */
  static String signedCatalog(List<SigningKey> keys, String... releases) {
    return signedCatalog(release -> keys, releases);
  }

  /** Like {@link #signedCatalog(List, String...)}, each release signed by the keys it maps to. */
  static String signedCatalog(Function<String, List<SigningKey>> keysOf, String... releases) {
    String json = catalog(releases);
    for (String release : releases) {
      List<SigningKey> keys = keysOf.apply(release);
      if (keys.isEmpty()) {
        continue;
      }
      String[] tv = release.split(":");
      Release r =
          Release.builder()
              .product("your_app")
              .updateType(tv[0])
              .version(tv[1])
              .url("files/" + tv[0] + "-" + tv[1])
              .hashFunction(HashFunction.SHA512)
              .hashValue("ab".repeat(64))
              .size(10)
              .build();
      for (SigningKey key : keys) {
        r = ReleaseSignatures.sign(r, key);
      }
      StringBuilder signatures = new StringBuilder(", \"signatures\": [");
      for (int i = 0; i < r.signatures().size(); i++) {
        ReleaseSignature sig = r.signatures().get(i);
        signatures
            .append(i == 0 ? "" : ", ")
            .append("{\"key_id\": \"")
            .append(sig.keyId())
            .append("\", \"signature\": \"")
            .append(sig.signature())
            .append("\"}");
      }
      String line = "\"url\": \"files/" + tv[0] + "-" + tv[1] + "\"";
      int at = json.indexOf("}", json.indexOf(line));
      json = json.substring(0, at) + signatures + "]" + json.substring(at);
    }
    return json;
  }

  /** Replaces {@code file} with {@code text} the way editors save: a new file renamed over it. */
  static void replace(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Returns the lower-case hex SHA-512 of {@code bytes}. */
  static String sha512(byte[] bytes) {
    return HexFormat.of().formatHex(HashFunction.SHA512.newDigest().digest(bytes));
  }

  static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /**
   * A server on a free port with data in {@code dir}/data, serving the embedded demo catalog and
   * files.
   */
  static AppUpdateServer.Builder demoServer(Path dir) {
    return AppUpdateServer.builder().port(0).dataDir(dir.resolve("data"));
  }

  static HttpResponse<String> post(
      AppUpdateServer server, String path, String contentType, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(server.baseUrl().resolve(path))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> postJson(AppUpdateServer server, String path, String body)
      throws IOException, InterruptedException {
    return post(server, path, "application/json", body);
  }

  static HttpResponse<String> get(AppUpdateServer server, String path)
      throws IOException, InterruptedException {
    return CLIENT.send(
        HttpRequest.newBuilder(server.baseUrl().resolve(path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Downloads {@code url} and returns the body of its 200 answer. */
  static byte[] download(URI url) throws IOException, InterruptedException {
    HttpResponse<byte[]> r =
        CLIENT.send(
            HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new AssertionError("GET " + url + " answered " + r.statusCode());
    }
    return r.body();
  }

  /** Returns a completion report body for one outcome. */
  static String completion(String requestId, String updateType, String status, String version) {
    String reason = status.equals("failed") ? ",\"reason\":\"bad checksum\"" : "";
    return "{\"request_id\":\""
        + requestId
        + "\",\"updates\":{\""
        + updateType
        + "\":{\"status\":\""
        + status
        + "\",\"version\":\""
        + version
        + "\""
        + reason
        + "}}}";
  }
}
