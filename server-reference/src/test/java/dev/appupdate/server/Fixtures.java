package dev.appupdate.server;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.HashFunction;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** What the server tests share: the demo offers, the seed request, small HTTP helpers. */
final class Fixtures {
  private Fixtures() {}

  static final String SEED_REQUEST =
      "{\"product\":\"your_app\",\"version\":666,\"platform\":\"macOS\",\"locale\":\"en-US\"}";

  static final AvailableUpdate DATA =
      AvailableUpdate.of(
          "my_important_data",
          URI.create("http://127.0.0.1:8000/files/important_data_v1.json"),
          HashFunction.SHA512,
          "28509e5485e293810dc71c25fc046b9396bcffcc426043f0db0863c35ad47dabf49f010e15f65e7b001642bfa0bae58451a057bd253ffa74dfd80e650af33251",
          246,
          "1.0");

  static final AvailableUpdate BLOB =
      AvailableUpdate.of(
          "my_important_binary_blob",
          URI.create("http://127.0.0.1:8000/files/important_binary_v2.zip"),
          HashFunction.SHA512,
          "640826cc3e301ea140991091ab850051f2998d793fc26825d5f2eb598926c908a732675eb8b922795bf3c86d492109260b331e55516d4fd1fb69fcf12e2d42a9",
          1312,
          "2.0");

  static final List<AvailableUpdate> DEMO_OFFERS = List.of(DATA, BLOB);

  static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** A server on a free port with data in {@code dir}/data, offering the demo updates. */
  static AppUpdateServer.Builder demoServer(Path dir) {
    return AppUpdateServer.builder()
        .port(0)
        .dataDir(dir.resolve("data"))
        .offers(request -> request.product().equals("your_app") ? DEMO_OFFERS : List.of(), 2);
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
