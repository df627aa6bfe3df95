package dev.appupdate.examples.cli;

import static dev.appupdate.examples.cli.LauncherRuns.launch;
import static dev.appupdate.examples.cli.LauncherRuns.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import dev.appupdate.client.AppLayout;
import dev.appupdate.examples.ServedCatalog;
import dev.appupdate.examples.cli.LauncherRuns.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Applying updates end to end, with real child JVMs: the demo application ({@code
 * dev.appupdate.examples.apply.DemoApp}, from the CLI jar) under the launcher's runnable jar,
 * updated from the reference server's runnable jar. Version 1 stages version 2; the next start runs
 * version 2, which confirms, and the server records {@code success}. Version 2 then stages a
 * version 3 that crashes at start: the launcher tries it twice, rolls back to version 2, and
 * version 2 delivers the {@code install_failed} report.
 */
class ApplyUpdatesIT {
  private static final String TYPE = "app";

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
  void stagedUpdate_confirmsOrRollsBack_andTheServerRecordsTheRealOutcome() throws Exception {
    Path appDir = work.resolve("app");
    AppLayout layout = AppLayout.open(appDir);
    layout.install("1", version(work, false));
    Files.writeString(
        appDir.resolve("launcher.properties"),
        "main-class=dev.appupdate.examples.apply.DemoApp\n"
            + "class-path=lib/*\n"
            + "confirm-timeout=30\n"
            + "attempts=2\n");
    server =
        ReferenceServer.start(
            serverDir, new ServedCatalog.Offered(
                TYPE, "2", Files.readAllBytes(version(work, false))));

    // Version 1 runs, finds version 2 and stages it; the running version is untouched.
    Run v1 = launch(work, server.baseUrl(), appDir, "--update");
    assertThat(v1.exit()).as(v1.toString()).isZero();
    assertThat(v1.out())
        .containsExactly("demo 1 started and confirmed", "staged 2, runs at the next start");
    assertThat(layout.currentVersion()).contains("1");
    assertThat(layout.stagedVersion()).contains("2");
    assertThat(server.completions()).as("nothing reported before version 2 ran").isEmpty();

    // The next start switches to version 2, which confirms: success is reported, 1 is deleted.
    Run v2 = launch(work, server.baseUrl(), appDir);
    assertThat(v2.exit()).as(v2.toString()).isZero();
    assertThat(v2.out()).containsExactly("demo 2 started and confirmed");
    assertThat(layout.currentVersion()).contains("2");
    assertThat(appDir.resolve("versions/1")).doesNotExist();
    assertThat(server.completions())
        .extracting(
            r -> r.path("update_type").asText(),
            r -> r.path("status").asText(),
            r -> r.path("version").asText())
        .containsExactly(tuple(TYPE, "success", "2"));

    // A broken version 3: staged by version 2, crashes at start twice, rolled back.
    server.close();
    server =
        ReferenceServer.start(
            serverDir, new ServedCatalog.Offered(
                TYPE, "3", Files.readAllBytes(version(work, true))));
    Run staging = launch(work, server.baseUrl(), appDir, "--update");
    assertThat(staging.out())
        .containsExactly("demo 2 started and confirmed", "staged 3, runs at the next start");

    Run v3 = launch(work, server.baseUrl(), appDir);

    assertThat(v3.exit()).as(v3.toString()).isZero();
    assertThat(v3.out())
        .containsExactly(
            "demo 3 crashing at start", "demo 3 crashing at start", "demo 2 started and confirmed");
    assertThat(v3.err())
        .contains(
            "version 3 rolled back: exited with status 1 before confirming (2 attempts); running"
                + " version 2");
    assertThat(layout.currentVersion()).contains("2");
    assertThat(appDir.resolve("versions/3")).doesNotExist();
    assertThat(appDir.resolve("reports")).isEmptyDirectory();
    List<JsonNode> log = server.completions();
    assertThat(log)
        .extracting(
            r -> r.path("status").asText(),
            r -> r.path("version").asText(),
            r -> r.path("code").asText(),
            r -> r.path("reason").asText())
        .containsExactly(
            tuple("success", "2", "", ""),
            tuple(
                "failed",
                "3",
                "install_failed",
                "rolled back: exited with status 1 before confirming (2 attempts)"));
  }
}
