package dev.appupdate.examples.cli;

import static dev.appupdate.examples.cli.LauncherRuns.launch;
import static dev.appupdate.examples.cli.LauncherRuns.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.appupdate.client.AppLayout;
import dev.appupdate.examples.ServedCatalog;
import dev.appupdate.examples.cli.LauncherRuns.Run;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rollbacks halt a release: two installations (each with its own installation id) of the demo
 * application stage a version 2 that crashes at start; the launcher rolls each back to version 1,
 * which reports {@code install_failed}; the catalog's halt threshold (half of at least two
 * installations) makes the server halt version 2, and a third installation is no longer offered
 * it.
 */
class RollbackHaltIT {
  private static final String TYPE = "app";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path serverDir;
  @TempDir Path work;

  private ReferenceServer server;

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void rollbacksOnSeveralInstallations_haltTheRelease_andTheFleetIsNoLongerOfferedIt()
      throws Exception {
    Path catalog =
        ReferenceServer.write(
            serverDir,
            new ServedCatalog.Offered(TYPE, "2", Files.readAllBytes(version(work, true))));
    Files.writeString(
        catalog,
        Files.readString(catalog)
            .replace(
                "\"size\": ",
                "\"halt\": {\"max_failure_rate\": 0.5, \"min_reports\": 2}, \"size\": "));
    server = ReferenceServer.start(serverDir, List.of());
    Path first = installation("first");
    Path second = installation("second");
    Path third = installation("third");

    for (Path app : List.of(first, second)) {
      Run staging = launch(work, server.baseUrl(), app, "--update");
      assertThat(staging.out())
          .as(staging.toString())
          .containsExactly("demo 1 started and confirmed", "staged 2, runs at the next start");
    }

    Run firstRollback = launch(work, server.baseUrl(), first);
    assertThat(firstRollback.out())
        .as(firstRollback.toString())
        .containsExactly("demo 2 crashing at start", "demo 1 started and confirmed");
    assertThat(offered("fleet-1")).as("one installation of at least two").isEqualTo("2");

    Run secondRollback = launch(work, server.baseUrl(), second);
    assertThat(secondRollback.out())
        .as(secondRollback.toString())
        .containsExactly("demo 2 crashing at start", "demo 1 started and confirmed");
    assertThat(server.completions())
        .extracting(
            r -> r.path("status").asText(),
            r -> r.path("version").asText(),
            r -> r.path("code").asText(),
            r -> r.path("reason").asText())
        .containsOnly(
            tuple(
                "failed",
                "2",
                "install_failed",
                "rolled back: exited with status 1 before confirming (1 attempt)"))
        .hasSize(2);

    awaitHalted();
    Run rest = launch(work, server.baseUrl(), third, "--update");
    assertThat(rest.out())
        .as(rest.toString())
        .containsExactly("demo 1 started and confirmed", "no update available");
    assertThat(AppLayout.open(third).stagedVersion()).isEmpty();
    assertThat(server.stderr()).contains("halted your_app " + TYPE + " 2");
  }

  /** An installation of version 1 with its own installation id, run with one attempt. */
  private Path installation(String name) throws IOException {
    Path appDir = work.resolve(name);
    AppLayout.open(appDir).install("1", version(work, false));
    Files.writeString(
        appDir.resolve("launcher.properties"),
        "main-class=dev.appupdate.examples.apply.DemoApp\n"
            + "class-path=lib/*\n"
            + "confirm-timeout=30\n"
            + "attempts=1\n");
    return appDir;
  }

  /** The halt is recorded after the report is answered: waits, boundedly, until it applies. */
  private void awaitHalted() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    for (int i = 0; offered("fleet-" + i) != null; i++) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("version 2 still offered; server log:\n" + server.stderr());
      }
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
  }

  /** The version offered to a fresh installation still running version 1, or null on 204. */
  private String offered(String installation) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(server.baseUrl().resolve("v1/update"))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"product\": \"your_app\", \"version\": \"1\", \"platform\":"
                                + " \"linux\", \"locale\": \"en\", \"installation_id\": \""
                                + installation
                                + "\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 204) {
      return null;
    }
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode offer = JSON.readTree(r.body()).path("available_updates").path(0);
    return offer.path("version").asText();
  }
}
