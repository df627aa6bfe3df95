package dev.appupdate.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appupdate.client.internal.AppDirectory;
import dev.appupdate.client.internal.AppDirectory.Report;
import dev.appupdate.client.internal.AppDirectory.State;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The launcher with real child JVMs running {@link FakeApp}. */
class LauncherTest {
  @TempDir Path appDir;

  private final ByteArrayOutputStream log = new ByteArrayOutputStream();

  /** Version 1 confirmed and running {@code oldMode}, version 2 staged running {@code newMode}. */
  private AppDirectory layout(String oldMode, String newMode, String settings) throws IOException {
    AppDirectory app = AppDirectory.open(appDir);
    Path one = app.newTemporaryDirectory();
    Files.writeString(one.resolve("mode"), oldMode);
    app.stage("1", one, null);
    if (newMode != null) {
      Path two = app.newTemporaryDirectory();
      Files.writeString(two.resolve("mode"), newMode);
      app.stage("2", two, new Report("req-2", "app", "2", Report.PENDING, null));
    }
    // The test's own class path, absolute: resolving it against a version directory keeps it.
    String classPath =
        String.join(" ", System.getProperty("java.class.path").split(File.pathSeparator));
    Files.writeString(
        appDir.resolve("launcher.properties"),
        "main-class=" + FakeApp.class.getName() + "\nclass-path=" + classPath + "\n" + settings);
    return app;
  }

  private int launch(AppDirectory app) throws Exception {
    Launcher.Config config = Launcher.Config.read(appDir, List.of());
    return new Launcher(app, config, new PrintStream(log, true, StandardCharsets.UTF_8)).run();
  }

  private List<String> starts() throws IOException {
    return Files.readAllLines(appDir.resolve("starts"));
  }

  @Test
  void run_confirmedVersion_passesItsExitStatusThrough() throws Exception {
    AppDirectory app = layout("exit 7", null, "");

    assertThat(launch(app)).isEqualTo(7);

    assertThat(starts()).containsExactly("1");
  }

  @Test
  void run_stagedVersionThatConfirms_becomesCurrentAndThePreviousIsDeleted() throws Exception {
    AppDirectory app = layout("exit 0", "exit 5", "");

    assertThat(launch(app)).isEqualTo(5);

    assertThat(app.state()).isEqualTo(new State("2", null, null, true, 0));
    assertThat(app.versionDirectory("1")).doesNotExist();
    assertThat(app.report("2").status()).isEqualTo(Report.SUCCESS);
  }

  @Test
  void run_stagedVersionCrashingEveryTime_isRolledBackAfterTheConfiguredAttempts()
      throws Exception {
    AppDirectory app = layout("exit 0", "crash", "attempts=3\n");

    assertThat(launch(app)).isZero();

    assertThat(starts()).containsExactly("2", "2", "2", "1");
    assertThat(app.state()).isEqualTo(new State("1", null, null, true, 0));
    assertThat(app.report("2"))
        .isEqualTo(
            new Report(
                "req-2",
                "app",
                "2",
                Report.FAILED,
                "rolled back: exited with status 3 before confirming (3 attempts)"));
    assertThat(log.toString(StandardCharsets.UTF_8))
        .contains("version 2 exited with status 3 before confirming (attempt 1 of 3)");
  }

  @Test
  void run_stagedVersionNotConfirmingInTime_isStoppedAndRolledBack() throws Exception {
    AppDirectory app = layout("exit 0", "hang", "confirm-timeout=1\nattempts=1\n");

    assertThat(launch(app)).isZero();

    assertThat(starts()).containsExactly("2", "1");
    assertThat(app.state().current()).isEqualTo("1");
    assertThat(app.report("2").reason())
        .isEqualTo("rolled back: did not confirm within 1 s (1 attempt)");
    assertThat(app.versionDirectory("2")).doesNotExist();
  }

  @Test
  void run_afterALauncherStoppedMidRollback_finishesTheRollbackWithoutStartingTheVersion()
      throws Exception {
    // Version 2 would confirm if started: it must not be, its report already says rolled back.
    layout("exit 0", "exit 0", "attempts=1\n");
    AppDirectory.open(appDir).switchToStaged();
    AppDirectory.open(appDir)
        .locked(
            s -> {
              AppDirectory.open(appDir)
                  .write(new State(s.current(), s.previous(), s.staged(), false, 1));
              return null;
            });
    AppDirectory crashing =
        AppDirectory.open(
            appDir,
            point -> {
              if (point.equals("rollback:reported")) {
                throw new IOException("killed");
              }
            });
    assertThatThrownBy(() -> crashing.rollBack("rolled back: exited with status 3 (1 attempt)"))
        .hasMessage("killed");
    AppDirectory app = AppDirectory.open(appDir);
    assertThat(app.state().current()).isEqualTo("2");

    assertThat(launch(app)).isZero();

    assertThat(starts()).containsExactly("1");
    assertThat(app.state()).isEqualTo(new State("1", null, null, true, 0));
    assertThat(app.report("2"))
        .isEqualTo(
            new Report(
                "req-2",
                "app",
                "2",
                Report.FAILED,
                "rolled back: exited with status 3 (1 attempt)"));
  }

  @Test
  void main_damagedStateFile_exitsWithTheLaunchersOwnStatus() throws Exception {
    layout("exit 0", null, "");
    Files.writeString(appDir.resolve("state.properties"), "current=1\nattempts=two\n");
    Process launcher =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Launcher.class.getName(),
                appDir.toString())
            .redirectErrorStream(true)
            .start();
    try {
      String output = new String(launcher.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

      assertThat(launcher.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(launcher.exitValue()).as(output).isEqualTo(Launcher.USAGE);
      assertThat(output).contains("appupdate-launcher: ").contains("two");
    } finally {
      launcher.destroyForcibly();
    }
  }

  @Test
  @DisabledOnOs(OS.WINDOWS) // no SIGTERM there: Process.destroy() terminates at once
  void sigterm_stopsTheApplicationGracefullyAndExitsWithItsStatus() throws Exception {
    layout("serve 42", null, "");
    Process launcher =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Launcher.class.getName(),
                appDir.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(launcher.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).isEqualTo("ready");
      List<ProcessHandle> children = launcher.children().toList();
      assertThat(children).hasSize(1);

      launcher.destroy(); // SIGTERM

      assertThat(launcher.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(launcher.exitValue()).as("the application's status on SIGTERM").isEqualTo(42);
      assertThat(children.get(0).isAlive()).isFalse();
    } finally {
      launcher.destroyForcibly();
    }
  }
}
