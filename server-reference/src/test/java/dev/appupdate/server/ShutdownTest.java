package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appupdate.protocol.requestid.RequestIds;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShutdownTest {
  @TempDir Path dir;

  private static String post(String path, long length) {
    return "POST "
        + path
        + " HTTP/1.1\nHost: x\nContent-Type: application/json\nContent-Length: "
        + length;
  }

  @Test
  void stop_finishesRequestsInFlightAndAnswers503ToNewOnes() throws Exception {
    AppUpdateServer server = Fixtures.demoServer(dir).build();
    server.start();
    int port = server.port();
    RequestIds ids = server.requestIds();
    byte[] report =
        Fixtures.completion(
                ids.issue("your_app", Fixtures.DEMO_OFFERS), "my_important_data", "success", "1.0")
            .getBytes(StandardCharsets.UTF_8);
    try (Socket inFlight = RawHttp.connect(port)) {
      OutputStream out = inFlight.getOutputStream();
      out.write(RawHttp.head(post("/v1/completion", report.length)));
      out.write(report, 0, 10);
      out.flush();
      Await.until("the completion is in flight", () -> server.router().handling() == 1);

      CompletableFuture<Void> stopping =
          CompletableFuture.runAsync(() -> server.stop(Duration.ofSeconds(10)));
      Await.until("the drain has begun", () -> server.router().draining());

      RawHttp.Response refused = RawHttp.send(port, "GET /healthz HTTP/1.1\nHost: x");
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.header("Retry-After")).isEqualTo("5");
      assertThat(refused.header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(refused.text()).contains("the server is shutting down");
      assertThat(stopping).isNotDone();

      out.write(report, 10, report.length - 10);
      out.flush();
      assertThat(RawHttp.read(inFlight.getInputStream(), false).status()).isEqualTo(204);
      stopping.get(10, TimeUnit.SECONDS);
    }
    assertThat(Files.readString(dir.resolve("data").resolve(JsonlCompletionStore.NAME)))
        .contains("\"update_type\":\"my_important_data\"");
    assertThatThrownBy(() -> RawHttp.connect(port).close()).isInstanceOf(IOException.class);
  }

  @Test
  void stop_requestNotFinishingInTime_isCutOff() throws Exception {
    AppUpdateServer server = Fixtures.demoServer(dir).build();
    server.start();
    try (Socket stuck = RawHttp.connect(server.port())) {
      stuck.getOutputStream().write(RawHttp.head(post("/v1/update", 1000)));
      stuck.getOutputStream().flush();
      Await.until("the request is in flight", () -> server.router().handling() == 1);

      try (LogCapture log = new LogCapture("dev.appupdate.server")) {
        server.stop(Duration.ofMillis(50));

        assertThat(log.messages())
            .contains("WARNING 1 requests still running after PT0.05S; closing their connections");
      }
      assertThat(stuck.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void stop_twiceOrBeforeStart_doesNothing() throws Exception {
    AppUpdateServer never = Fixtures.demoServer(dir.resolve("a")).build();
    never.stop(Duration.ZERO);
    AppUpdateServer server = Fixtures.demoServer(dir.resolve("b")).build();
    server.start();

    server.stop(Duration.ZERO);
    server.stop(Duration.ZERO);

    assertThatThrownBy(server::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("server already started");
  }

  @Test
  void overload_isAnswered503WhenWorkersAndQueueAreFull() throws Exception {
    AppUpdateServer server = Fixtures.demoServer(dir).workers(1, 0).build();
    server.start();
    int port = server.port();
    try (Socket busy = RawHttp.connect(port)) {
      byte[] body = Fixtures.SEED_REQUEST.getBytes(StandardCharsets.UTF_8);
      busy.getOutputStream().write(RawHttp.head(post("/v1/update", body.length)));
      busy.getOutputStream().flush();
      Await.until("the only worker is busy", () -> server.router().handling() == 1);

      RawHttp.Response refused = RawHttp.send(port, "GET /healthz HTTP/1.1\nHost: x");

      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.header("Retry-After")).isEqualTo("1");
      assertThat(refused.text()).contains("the server is overloaded");
      busy.getOutputStream().write(body);
      busy.getOutputStream().flush();
      assertThat(RawHttp.read(busy.getInputStream(), false).status()).isEqualTo(200);
    } finally {
      server.close();
    }
  }

  @Test
  void stop_waitsForAnExchangeQueuedBehindABusyWorker() throws Exception {
    AppUpdateServer server = Fixtures.demoServer(dir).workers(1, 1).build();
    server.start();
    int port = server.port();
    byte[] body = Fixtures.SEED_REQUEST.getBytes(StandardCharsets.UTF_8);
    try (Socket busy = RawHttp.connect(port);
        Socket queued = RawHttp.connect(port)) {
      OutputStream out = busy.getOutputStream();
      out.write(RawHttp.head(post("/v1/update", body.length)));
      out.write(body, 0, 5);
      out.flush();
      Await.until("the only worker is busy", () -> server.router().handling() == 1);
      queued.getOutputStream().write(RawHttp.head("GET /healthz HTTP/1.1\nHost: x"));
      queued.getOutputStream().flush();
      Await.until("the second exchange waits in the queue", () -> server.router().inFlight() == 2);

      CompletableFuture<Void> stopping =
          CompletableFuture.runAsync(() -> server.stop(Duration.ofSeconds(10)));
      Await.until("the drain has begun", () -> server.router().draining());
      out.write(body, 5, body.length - 5);
      out.flush();

      assertThat(RawHttp.read(busy.getInputStream(), false).status()).isEqualTo(200);
      RawHttp.Response answered = RawHttp.read(queued.getInputStream(), false);
      assertThat(answered.status()).isEqualTo(503);
      assertThat(answered.text()).contains("the server is shutting down");
      stopping.get(10, TimeUnit.SECONDS);
    }
  }
}
