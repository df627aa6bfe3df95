package dev.appupdate.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appupdate.client.internal.AppDirectory.Report;
import dev.appupdate.client.internal.AppDirectory.State;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppDirectoryTest {
  @TempDir Path root;

  /** Stages {@code version}: a directory holding version.txt, with a pending report. */
  private static void stage(AppDirectory app, String version) throws IOException {
    Path unpacked = app.newTemporaryDirectory();
    Files.writeString(unpacked.resolve("version.txt"), version);
    app.stage(
        version, unpacked, new Report("req-" + version, "app", version, Report.PENDING, null));
  }

  /** An application directory with version 1 confirmed and version 2 staged. */
  private AppDirectory oneRunningTwoStaged(Path dir, AppDirectory.Seam seam) throws IOException {
    AppDirectory app = AppDirectory.open(dir);
    Path unpacked = app.newTemporaryDirectory();
    Files.writeString(unpacked.resolve("version.txt"), "1");
    app.stage("1", unpacked, null);
    stage(app, "2");
    return AppDirectory.open(dir, seam);
  }

  /** The state names complete versions only: current always, previous and staged when named. */
  private static void assertRunnable(AppDirectory app) throws IOException {
    State s = app.state();
    assertThat(s.current()).as("a current version, in %s", s).isNotNull();
    for (String v : new String[] {s.current(), s.previous(), s.staged()}) {
      if (v != null) {
        assertThat(app.versionDirectory(v).resolve("version.txt")).as("%s", s).hasContent(v);
      }
    }
  }

  @Test
  void stage_inAnEmptyDirectory_becomesCurrentAtOnce() throws IOException {
    AppDirectory app = AppDirectory.open(root);
    Path unpacked = app.newTemporaryDirectory();
    Files.writeString(unpacked.resolve("version.txt"), "1");

    app.stage("1", unpacked, null);

    assertThat(app.state()).isEqualTo(new State("1", null, null, true, 0));
    assertThat(unpacked).doesNotExist();
  }

  @Test
  void switchAndConfirm_keepThePreviousVersionUntilTheNewOneConfirms() throws IOException {
    AppDirectory app = oneRunningTwoStaged(root, AppDirectory.Seam.NONE);
    assertThat(app.state()).isEqualTo(new State("1", null, "2", true, 0));

    State switched = app.switchToStaged();

    assertThat(switched).isEqualTo(new State("2", "1", null, false, 0));
    assertThat(switched.onTrial()).isTrue();
    assertThat(app.versionDirectory("1")).isDirectory();

    assertThat(app.confirm("2")).isTrue();

    assertThat(app.state()).isEqualTo(new State("2", null, null, true, 0));
    assertThat(app.versionDirectory("1")).doesNotExist();
    assertThat(app.report("2")).isEqualTo(new Report("req-2", "app", "2", Report.SUCCESS, null));
  }

  @Test
  void rollBack_pointsBackToThePreviousVersionAndRecordsWhy() throws IOException {
    AppDirectory app = oneRunningTwoStaged(root, AppDirectory.Seam.NONE);
    app.switchToStaged();

    State after = app.rollBack("rolled back: exited with status 1 before confirming (2 attempts)");

    assertThat(after).isEqualTo(new State("1", null, null, true, 0));
    assertThat(app.state()).isEqualTo(after);
    assertThat(app.versionDirectory("2")).doesNotExist();
    assertThat(app.report("2"))
        .isEqualTo(
            new Report(
                "req-2",
                "app",
                "2",
                Report.FAILED,
                "rolled back: exited with status 1 before confirming (2 attempts)"));
    assertThat(app.confirm("2")).as("a version rolled back cannot confirm any more").isFalse();
    assertThat(app.report("2").status()).isEqualTo(Report.FAILED);
  }

  @Test
  void stage_replacingTheStagedVersion_cancelsItsPendingReport() throws IOException {
    AppDirectory app = oneRunningTwoStaged(root, AppDirectory.Seam.NONE);

    stage(app, "3");

    assertThat(app.report("2"))
        .isEqualTo(
            new Report(
                "req-2",
                "app",
                "2",
                Report.CANCELLED,
                "superseded by version 3 before version 2 confirmed"));
    assertThat(app.report("3").status()).isEqualTo(Report.PENDING);
    assertThat(app.versionDirectory("2")).doesNotExist();
  }

  @Test
  void switchToStaged_abandoningAVersionOnTrial_cancelsItsPendingReport() throws IOException {
    AppDirectory app = oneRunningTwoStaged(root, AppDirectory.Seam.NONE);
    app.switchToStaged();
    stage(app, "3");
    assertThat(app.report("2").status()).as("2 still on trial").isEqualTo(Report.PENDING);

    State after = app.switchToStaged();

    assertThat(after).isEqualTo(new State("3", "1", null, false, 0));
    assertThat(app.report("2").status()).isEqualTo(Report.CANCELLED);
    assertThat(app.report("3").status()).isEqualTo(Report.PENDING);
    assertThat(app.versionDirectory("2")).doesNotExist();
  }

  @Test
  void deleteReport_replacedSinceItWasDelivered_keepsTheNewReport() throws IOException {
    AppDirectory app = AppDirectory.open(root);
    Report delivered = new Report("req-1", "app", "2", Report.FAILED, "rolled back");
    app.writeReport(delivered);
    Report newer = new Report("req-9", "app", "2", Report.PENDING, null);
    app.writeReport(newer);

    assertThat(app.deleteReport(delivered)).isFalse();

    assertThat(app.report("2")).isEqualTo(newer);
    assertThat(app.deleteReport(newer)).isTrue();
    assertThat(app.report("2")).isNull();
  }

  @Test
  void rollBack_afterTheVersionConfirmed_changesNothing() throws IOException {
    AppDirectory app = oneRunningTwoStaged(root, AppDirectory.Seam.NONE);
    app.switchToStaged();
    app.confirm("2");

    State after = app.rollBack("too late");

    assertThat(after).isEqualTo(new State("2", null, null, true, 0));
    assertThat(app.report("2").status()).isEqualTo(Report.SUCCESS);
  }

  @Test
  void stage_theCurrentVersion_isRefusedAndLeavesItAlone() throws IOException {
    AppDirectory app = oneRunningTwoStaged(root, AppDirectory.Seam.NONE);
    Path unpacked = app.newTemporaryDirectory();

    assertThatThrownBy(() -> app.stage("1", unpacked, null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("version 1 is installed already");
    assertThat(app.versionDirectory("1").resolve("version.txt")).hasContent("1");
  }

  @Test
  void versionDirectory_nameThatCouldEscape_isRefused() {
    AppDirectory app = AppDirectory.open(root);

    assertThatThrownBy(() -> app.versionDirectory(".."))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> app.versionDirectory("a/b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> app.versionDirectory("1."))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(app.versionDirectory("1.2.3-beta+7"))
        .isEqualTo(root.toAbsolutePath().resolve("versions/1.2.3-beta+7"));
  }

  /** One change of the state, run on an application directory prepared for it. */
  private interface Step {
    void run(AppDirectory app) throws IOException;
  }

  /** The steps of an update's life: stage 3, switch to it, then confirm it or roll it back. */
  private static final List<Step> STEPS =
      List.of(
          app -> stage(app, "3"),
          AppDirectory::switchToStaged,
          app -> app.confirm("2"),
          app -> app.rollBack("rolled back"));

  /** Prepares {@code dir} for step {@code i}: 1 current and 2 staged, switched to for 2 and 3. */
  private AppDirectory prepared(Path dir, int step, AppDirectory.Seam seam) throws IOException {
    AppDirectory app = oneRunningTwoStaged(dir, AppDirectory.Seam.NONE);
    if (step >= 2) {
      app.switchToStaged();
    }
    return AppDirectory.open(dir, seam);
  }

  @Test
  void crashAtAnyPointOfAnyStep_leavesARunnableApplication() throws IOException {
    int crashes = 0;
    for (int step = 0; step < STEPS.size(); step++) {
      // A dry run names the points the step reaches.
      List<String> points = new ArrayList<>();
      STEPS.get(step).run(prepared(root.resolve("dry-" + step), step, points::add));
      assertThat(points).as("step %s", step).isNotEmpty();

      // A point reached twice (a report written by the change, then by its clean-up) is
      // interrupted at its first arrival.
      for (String point : points.stream().distinct().toList()) {
        Path dir = root.resolve("crash-" + step + "-" + point.replace(':', '-'));
        AppDirectory app =
            prepared(
                dir,
                step,
                p -> {
                  if (p.equals(point)) {
                    throw new IOException("crash at " + p);
                  }
                });
        int s = step;
        assertThatThrownBy(() -> STEPS.get(s).run(app)).hasMessage("crash at " + point);
        crashes++;

        // What the next process finds: a complete current version, and it can go on.
        AppDirectory after = AppDirectory.open(dir);
        assertRunnable(after);
        State next = after.switchToStaged();
        assertRunnable(after);
        if (next.onTrial()) {
          assertThat(after.confirm(next.current())).isTrue();
        }
        assertRunnable(after);
        assertThat(after.state().confirmed()).isTrue();
      }
    }
    assertThat(crashes)
        .as("every write of every step was interrupted once")
        .isGreaterThanOrEqualTo(10);
  }

  @Test
  void crashBetweenConfirmingAndMarkingTheReport_isRepairedByTheNextConfirm() throws IOException {
    AppDirectory app =
        prepared(
            root,
            2,
            p -> {
              if (p.equals("report:written")) {
                throw new IOException("crash at " + p);
              }
            });
    assertThatThrownBy(() -> app.confirm("2")).hasMessage("crash at report:written");
    AppDirectory after = AppDirectory.open(root);
    assertThat(after.state().confirmed()).isTrue();
    assertThat(after.report("2").status()).isEqualTo(Report.PENDING);

    assertThat(after.confirm("2")).isTrue();

    assertThat(after.report("2").status()).isEqualTo(Report.SUCCESS);
  }

  @Test
  void cleanUp_keepsEveryVersionTheStateNames() throws IOException {
    AppDirectory app = oneRunningTwoStaged(root, AppDirectory.Seam.NONE);
    app.switchToStaged();
    Files.createDirectories(root.resolve("versions/0.9"));

    app.cleanUp();

    assertThat(root.resolve("versions/0.9")).doesNotExist();
    assertThat(app.versionDirectory("1")).isDirectory();
    assertThat(app.versionDirectory("2")).isDirectory();
  }
}
