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
 * it acknowledged and records none twice, and after a restart the clients' retries of the reports
 * it never answered are recorded exactly once too. (SIGKILL keeps the page cache, so this cannot
 * catch a missing fsync: CompletionRouteTest and JsonlCompletionStoreTest check the forces themselves.)
 */
class CompletionDurabilityIT {
  private static final int CLIENTS = 8;
  private static final int ACKED_BEFORE_KILL = 300;
  private static final List<String> TYPES =
      List.of("my_important_data", "my_important_binary_blob");

  @TempDir Path dir;

  @Test
  void sigkillMidStream_everyCompletionIsLoggedExactlyOnceOnceRetriedAfterARestart()
      throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    byte[] key = RequestIds.newKey();
    // The test shares the server's key, as a replica would, to mint request ids itself.
    Files.write(data.resolve(KeyFile.NAME), key);
    Files.setPosixFilePermissions(
        data.resolve(KeyFile.NAME), PosixFilePermissions.fromString("rw-------"));
    RequestIds ids = RequestIds.create(key, Clock.systemUTC(), Duration.ofDays(30));
    Set<String> acked = ConcurrentHashMap.newKeySet();
    Set<String> unanswered = ConcurrentHashMap.newKeySet();

    try (ServerProcess first = ServerProcess.start(dir, "--port", "0", "--data", data.toString())) {
      URI completion = URI.create("http://127.0.0.1:" + first.awaitPort() + "/v1/completion");
      AtomicBoolean running = new AtomicBoolean(true);
      ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
      for (int c = 0; c < CLIENTS; c++) {
        clients.execute(
            () -> {
              while (running.get()) {
                String id = ids.issue("your_app", Fixtures.DEMO_OFFERS);
                if (report(completion, id) == 204) {
                  acked.add(id);
                } else {
                  unanswered.add(id); // the kill cut it off: the client will report again
                }
              }
            });
      }
      Await.until("enough completions are acknowledged", () -> acked.size() >= ACKED_BEFORE_KILL);

      first.process().destroyForcibly(); // SIGKILL, mid-stream
      first.awaitExit();
      running.set(false);
      clients.shutdown();
      assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    // A write the kill cut short may have left a torn last line: the restart drops it.
    List<String> beforeRestart = loggedKeys(data, false);
    assertThat(new HashSet<>(beforeRestart))
        .as("no completion is logged twice")
        .hasSameSizeAs(beforeRestart);
    assertThat(beforeRestart)
        .as("every acknowledged completion is logged")
        .containsAll(keys(acked));

    try (ServerProcess second =
        ServerProcess.start(dir, "--port", "0", "--data", data.toString())) {
      URI completion = URI.create("http://127.0.0.1:" + second.awaitPort() + "/v1/completion");
      List<String> retried = new ArrayList<>(unanswered);
      retried.addAll(new ArrayList<>(acked).subList(0, 20));

      for (String id : retried) {
        assertThat(report(completion, id)).as("retry of %s", id).isEqualTo(204);
      }

      second.process().destroy();
      assertThat(second.awaitExit()).isZero();
    }
    List<String> afterRestart = loggedKeys(data, true);
    Set<String> everything = new HashSet<>(acked);
    everything.addAll(unanswered);
    assertThat(afterRestart)
        .as("every report, acknowledged before the kill or retried after it, is logged once")
        .hasSameSizeAs(new HashSet<>(afterRestart))
        .containsExactlyInAnyOrderElementsOf(keys(everything));
  }

  /** Sends the report of both demo updates under {@code id}; returns the status, -1 on failure. */
  private static int report(URI completion, String id) {
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
      return r.statusCode();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return -1;
    }
  }

  private static List<String> keys(Set<String> requestIds) {
    List<String> keys = new ArrayList<>();
    for (String id : requestIds) {
      for (String type : TYPES) {
        keys.add(id + " " + type);
      }
    }
    return keys;
  }

  /**
   * Reads the lines of the log, which must all parse, as "request_id update_type".
   *
   * @param complete whether the log must end with a complete line; otherwise a torn last line is
   *     left out
   */
  private static List<String> loggedKeys(Path data, boolean complete) throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    List<String> keys = new ArrayList<>();
    String text =
        new String(Files.readAllBytes(data.resolve(JsonlCompletionStore.NAME)), StandardCharsets.UTF_8);
    if (complete) {
      assertThat(text).as("the log ends with a complete line").endsWith("\n");
    } else {
      text = text.substring(0, text.lastIndexOf('\n') + 1);
    }
    for (String line : text.split("\n")) {
      JsonNode record = mapper.readTree(line);
      assertThat(record.get("product").asText()).isEqualTo("your_app");
      keys.add(record.get("request_id").asText() + " " + record.get("update_type").asText());
    }
    return keys;
  }
}
