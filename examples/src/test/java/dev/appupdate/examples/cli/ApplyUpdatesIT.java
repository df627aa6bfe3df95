package dev.appupdate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import dev.appupdate.client.AppLayout;
import dev.appupdate.examples.ServedCatalog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
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
    layout.install("1", version(false));
    Files.writeString(
        appDir.resolve("launcher.properties"),
        "main-class=dev.appupdate.examples.apply.DemoApp\n"
            + "class-path=lib/*\n"
            + "confirm-timeout=30\n"
            + "attempts=2\n");
    server =
        ReferenceServer.start(
            serverDir, new ServedCatalog.Offered(TYPE, "2", bytes(version(false))));

    // Version 1 runs, finds version 2 and stages it; the running version is untouched.
    Run v1 = launch(appDir, "--update");
    assertThat(v1.exit()).as(v1.toString()).isZero();
    assertThat(v1.out())
        .containsExactly("demo 1 started and confirmed", "staged 2, runs at the next start");
    assertThat(layout.currentVersion()).contains("1");
    assertThat(layout.stagedVersion()).contains("2");
    assertThat(server.completions()).as("nothing reported before version 2 ran").isEmpty();

    // The next start switches to version 2, which confirms: success is reported, 1 is deleted.
    Run v2 = launch(appDir);
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
            serverDir, new ServedCatalog.Offered(TYPE, "3", bytes(version(true))));
    Run staging = launch(appDir, "--update");
    assertThat(staging.out())
        .containsExactly("demo 2 started and confirmed", "staged 3, runs at the next start");

    Run v3 = launch(appDir);

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

  private record Run(int exit, List<String> out, String err) {}

  private Run launch(Path appDir, String... options) throws Exception {
    List<String> args = new ArrayList<>(List.of(appDir.toString(), server.baseUrl().toString()));
    args.addAll(List.of(options));
    try (JarProcess p =
        JarProcess.start("launcher", JarProcess.jar("appupdate.launcher.jar"), work, args)) {
      List<String> out = p.stdoutLines();
      return new Run(p.awaitExit(), out, p.stderr());
    }
  }

  /** A version's archive: the demo's jar (the CLI jar holds it and the SDK) and its settings. */
  private Path version(boolean crash) throws IOException {
    Path zip = Files.createTempFile(work, "version", ".zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      out.putNextEntry(new ZipEntry("lib/"));
      out.putNextEntry(new ZipEntry("lib/demo.jar"));
      Files.copy(JarProcess.jar("appupdate.cli.jar"), out);
      out.putNextEntry(new ZipEntry("demo.properties"));
      out.write(("crash=" + crash + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return zip;
  }

  private static byte[] bytes(Path file) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    Files.copy(file, b);
    return b.toByteArray();
  }
}
