package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appupdate.protocol.ClientCodec;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PostgreSQL stopped and started again while clients report: 503s, then recovery, nothing lost. */
class PostgresOutageTest {
  @TempDir static Path pgDir;
  private static EmbeddedDatabase db;

  @TempDir Path dir;

  @BeforeAll
  static void startDatabase() throws Exception {
    db = EmbeddedDatabase.start(pgDir.resolve("pg"));
  }

  @AfterAll
  static void stopDatabase() throws Exception {
    db.close();
  }

  @Test
  void databaseStoppedAndRestartedUnderLoad_answers503ThenRecoversWithoutLosingAReport()
      throws Exception {
    String url = db.newDatabase();
    AppUpdateServer server =
        AppUpdateServer.builder()
            .port(0)
            .dataDir(dir.resolve("data"))
            .database(EmbeddedDatabase.settings(url))
            .build();
    server.start();
    ExecutorService clients = Executors.newFixedThreadPool(4);
    try (LogCapture log = new LogCapture("dev.appupdate.server")) {
      Set<String> acknowledged = ConcurrentHashMap.newKeySet();
      AtomicInteger attempted = new AtomicInteger();
      AtomicInteger refused = new AtomicInteger();
      Set<String> retryAfter = ConcurrentHashMap.newKeySet();
      AtomicBoolean done = new AtomicBoolean();
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < 4; c++) {
        running.add(
            clients.submit(
                () -> {
                  // Each client checks, then reports until acknowledged, as the SDK's retries do.
                  while (!done.get()) {
                    String id = requestId(server);
                    attempted.incrementAndGet();
                    String body = Fixtures.completion(id, "my_important_data", "success", "1.0");
                    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    while (true) {
                      HttpResponse<String> r = Fixtures.postJson(server, "/v1/completion", body);
                      if (r.statusCode() == 204) {
                        acknowledged.add(id);
                        break;
                      }
                      assertThat(r.statusCode()).isEqualTo(503);
                      refused.incrementAndGet();
                      r.headers().firstValue("Retry-After").ifPresent(retryAfter::add);
                      assertThat(System.nanoTime()).isLessThan(deadline);
                      // A client's backoff, shortened: Retry-After is checked above.
                      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
                    }
                  }
                  return null;
                }));
      }

      Await.until("100 reports acknowledged", () -> acknowledged.size() >= 100);
      db.stop();
      Await.until("completions refused", () -> refused.get() > 0);
      Await.until("the store reported down", () -> health(server).contains("\"down\""));
      assertThat(health(server))
          .contains("\"completion_store\":{\"status\":\"down\",\"reason\":\"database unreachable since ")
          .doesNotContain("localhost");
      assertThat(Fixtures.get(server, "/healthz").statusCode()).isEqualTo(200);
      int acknowledgedWhileDown = acknowledged.size();
      // The update check never touches the database.
      assertThat(Fixtures.postJson(server, "/v1/update", Fixtures.SEED_REQUEST).statusCode())
          .isEqualTo(200);
      assertThat(acknowledged).hasSize(acknowledgedWhileDown);
      db.restart();
      Await.until(
          "100 more reports acknowledged",
          () -> acknowledged.size() >= acknowledgedWhileDown + 100);
      done.set(true);
      for (Future<?> f : running) {
        f.get();
      }

      assertThat(acknowledged).hasSize(attempted.get());
      assertThat(retryAfter)
          .containsOnly(String.valueOf(PostgresCompletionStore.RETRY_AFTER_SECONDS));
      assertThat(EmbeddedDatabase.queryLong(url, "SELECT count(*) FROM completions"))
          .isEqualTo(acknowledged.size());
      assertThat(
              EmbeddedDatabase.queryLong(
                  url, "SELECT count(DISTINCT request_id) FROM completions"))
          .isEqualTo(acknowledged.size());
      Await.until("the store reported ok", () -> health(server).contains("\"ok\""));
      assertThat(log.messages())
          .anySatisfy(
              m -> assertThat(m).startsWith("WARNING database unreachable, completions refused"))
          .anySatisfy(
              m -> assertThat(m).isEqualTo("INFO database reachable again, completions accepted"));
    } finally {
      clients.shutdownNow();
      server.close();
    }
  }

  private static String health(AppUpdateServer server) {
    try {
      return Fixtures.get(server, "/healthz").body();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String requestId(AppUpdateServer server) throws Exception {
    HttpResponse<String> r = Fixtures.postJson(server, "/v1/update", Fixtures.SEED_REQUEST);
    return ClientCodec.create()
        .decodeUpdateResponse(r.body().getBytes(StandardCharsets.UTF_8))
        .requestId();
  }
}
