package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.appupdate.protocol.requestid.RequestIds;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server killed with SIGKILL in the middle of a stream of concurrent completions loses none that
 * it acknowledged, records none twice, and leaves a log that parses.
 */
class CompletionDurabilityIT {
  private static final int CLIENTS = 8;
  private static final int ACKED_BEFORE_KILL = 300;

  @TempDir Path dir;

  @Test
  void sigkillMidStream_everyAcknowledgedCompletionIsLoggedExactlyOnce() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    byte[] key = RequestIds.newKey();
    // The test shares the server's key, as a replica would, to mint request ids itself.
    Files.write(data.resolve(KeyFile.NAME), key);
    Files.setPosixFilePermissions(
        data.resolve(KeyFile.NAME), PosixFilePermissions.fromString("rw-------"));
    RequestIds ids = RequestIds.create(key, Clock.systemUTC(), Duration.ofDays(30));
    Set<String> acked = ConcurrentHashMap.newKeySet();

    try (ServerProcess first = ServerProcess.start(dir, "--port", "0", "--data", data.toString())) {
      URI completion = URI.create("http://127.0.0.1:" + first.awaitPort() + "/v1/completion");
      AtomicBoolean running = new AtomicBoolean(true);
      ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
      for (int c = 0; c < CLIENTS; c++) {
        clients.execute(
            () -> {
              while (running.get()) {
                String id = ids.issue("your_app", Fixtures.DEMO_OFFERS);
                String body =
                    "{\"request_id\":\""
                        + id
                        + "\",\"updates\":{"
                        + "\"my_important_data\":{\"status\":\"success\",\"version\":\"1.0\"},"
                        + "\"my_important_binary_blob\":{\"status\":\"failed\",\"version\":\"2.0\","
                        + "\"reason\":\"bad checksum\"}}}";
                try {
                  HttpResponse<Void> r =
                      Fixtures.CLIENT.send(
                          HttpRequest.newBuilder(completion)
                              .timeout(Duration.ofSeconds(10))
                              .header("Content-Type", "application/json")
                              .POST(HttpRequest.BodyPublishers.ofString(body))
                              .build(),
                          HttpResponse.BodyHandlers.discarding());
                  if (r.statusCode() == 204) {
                    acked.add(id + " my_important_data");
                    acked.add(id + " my_important_binary_blob");
                  }
                } catch (Exception e) {
                  // The kill cuts requests off: those were never acknowledged.
                }
              }
            });
      }
      Await.until(
          "enough completions are acknowledged", () -> acked.size() >= 2 * ACKED_BEFORE_KILL);

      first.process().destroyForcibly(); // SIGKILL, mid-stream
      first.awaitExit();
      running.set(false);
      clients.shutdown();
      assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    List<String> keys = loggedKeys(data);
    assertThat(new HashSet<>(keys)).as("no completion is logged twice").hasSameSizeAs(keys);
    assertThat(keys).as("every acknowledged completion is logged").containsAll(acked);

    try (ServerProcess second =
        ServerProcess.start(dir, "--port", "0", "--data", data.toString())) {
      int port = second.awaitPort();
      String again = acked.iterator().next().split(" ")[0];
      byte[] repeat =
          Fixtures.completion(again, "my_important_data", "success", "1.0")
              .getBytes(StandardCharsets.UTF_8);

      RawHttp.Response r =
          RawHttp.send(
              port,
              "POST /v1/completion HTTP/1.1\nHost: x\nContent-Type: application/json\n"
                  + "Content-Length: "
                  + repeat.length,
              repeat);

      assertThat(r.status()).isEqualTo(204);
      second.process().destroy();
      assertThat(second.awaitExit()).isZero();
    }
    assertThat(loggedKeys(data))
        .as("a repeat after the restart is not logged again")
        .hasSameSizeAs(keys);
  }

  /** Reads every line of the log, which must all parse, as "request_id update_type". */
  private static List<String> loggedKeys(Path data) throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    List<String> keys = new ArrayList<>();
    byte[] log = Files.readAllBytes(data.resolve(CompletionLog.NAME));
    String text = new String(log, StandardCharsets.UTF_8);
    assertThat(text).as("the log ends with a complete line").endsWith("\n");
    for (String line : text.split("\n")) {
      JsonNode record = mapper.readTree(line);
      assertThat(record.get("product").asText()).isEqualTo("your_app");
      keys.add(record.get("request_id").asText() + " " + record.get("update_type").asText());
    }
    return keys;
  }
}
