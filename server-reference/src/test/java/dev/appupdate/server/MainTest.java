package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exit status of a graceful stop, as the command line's shutdown hook computes it. */
class MainTest {
  @TempDir Path dir;

  @Test
  void shutDown_completionLogFlushed_exits0() throws Exception {
    AppUpdateServer server = Fixtures.demoServer(dir).build();
    server.start();

    assertThat(Main.shutDown(server)).isZero();
  }

  @Test
  void shutDown_completionLogNotFlushed_exits1AndSaysWhy() throws Exception {
    RecordingDisk disk = new RecordingDisk();
    AppUpdateServer server = Fixtures.demoServer(dir).disk(disk).build();
    server.start();
    disk.failNextForces(1);

    try (LogCapture log = new LogCapture("dev.appupdate.server")) {
      assertThat(Main.shutDown(server)).isEqualTo(1);
      assertThat(log.messages())
          .containsSubsequence("SEVERE closing the completion log failed", "INFO stopped");
    }
  }
}
