package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the command line does around the server: JVM-wide defaults, the exit status of a stop. */
class MainTest {
  @TempDir Path dir;

  @Test
  void shutDown_completionLogFlushed_exits0AndSaysSo() throws Exception {
    AppUpdateServer server = Fixtures.demoServer(dir).build();
    server.start();

    try (LogCapture log = new LogCapture("dev.appupdate.server")) {
      assertThat(Main.shutDown(server)).isZero();
      assertThat(log.messages())
          .endsWith("INFO stopped", "INFO completion log flushed")
          .noneMatch(m -> m.startsWith("SEVERE"));
    }
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
          .containsSubsequence(
              "SEVERE closing the completion log failed",
              "INFO stopped",
              "SEVERE completion log not flushed: completions acknowledged before the stop may be"
                  + " lost");
    }
  }

  @Test
  void setDefaults_setsTheJdkServerAndLoggingPropertiesNotGivenWithD() {
    Properties given = new Properties();
    given.setProperty("sun.net.httpserver.maxReqTime", "5");

    Main.setDefaults(given);

    assertThat(given)
        .containsEntry("sun.net.httpserver.maxReqTime", "5")
        .containsEntry("sun.net.httpserver.nodelay", "true")
        .containsEntry("sun.net.httpserver.drainAmount", "0")
        .containsEntry("sun.net.httpserver.maxRspTime", "600")
        .containsEntry("sun.net.httpserver.idleInterval", "10")
        .containsEntry("sun.net.httpserver.maxIdleConnections", "200")
        .containsEntry("sun.net.httpserver.clockTick", "1000")
        .containsEntry("sun.net.httpserver.maxReqHeaders", "100")
        .containsEntry("sun.net.httpserver.maxReqHeaderSize", "32768")
        .containsEntry("jdk.httpserver.maxConnections", "4096")
        .containsEntry(
            "java.util.logging.manager", "dev.appupdate.server.internal.ShutdownLogManager")
        .containsKey("java.util.logging.SimpleFormatter.format")
        .hasSize(12);
  }
}
