package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessLogTest {
  private static final InetSocketAddress CLIENT =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);

  @Test
  void recordedRequests_appearAsOneLineEach_inOrder() throws Exception {
    try (LogCapture capture = new LogCapture("dev.appupdate.server.access")) {
      AccessLog log = AccessLog.start();
      try {
        log.record(CLIENT, "POST", "/v1/update", 200, 699, 3_000_000);
        log.record(CLIENT, "GET", "/files/a%20b.zip?x=1", 206, 10, 0);

        List<String> lines = capture.await(2);

        assertThat(lines)
            .containsExactly(
                "INFO 127.0.0.1 POST \"/v1/update\" 200 699 3ms",
                "INFO 127.0.0.1 GET \"/files/a%20b.zip?x=1\" 206 10 0ms");
      } finally {
        log.close();
      }
    }
  }

  @Test
  void requestWithoutAnswerOrAddress_isLoggedWithDashes() throws Exception {
    try (LogCapture capture = new LogCapture("dev.appupdate.server.access")) {
      AccessLog log = AccessLog.start();
      try {
        log.record(null, "GET", "/healthz", 0, 0, 0);

        assertThat(capture.await(1)).containsExactly("INFO - GET \"/healthz\" - 0 0ms");
      } finally {
        log.close();
      }
    }
  }

  @Test
  void close_writesEveryLineStillQueued() {
    try (LogCapture capture = new LogCapture("dev.appupdate.server.access")) {
      AccessLog log = AccessLog.start();
      for (int i = 0; i < 1000; i++) {
        log.record(CLIENT, "POST", "/v1/update", 204, 0, 0);
      }

      log.close();

      assertThat(capture.messages()).hasSize(1000);
    }
  }

  @Test
  void recordAfterClose_isWrittenAtOnce() {
    try (LogCapture capture = new LogCapture("dev.appupdate.server.access")) {
      AccessLog log = AccessLog.start();
      log.close();

      log.record(CLIENT, "GET", "/healthz", 200, 42, 0);

      assertThat(capture.messages()).containsExactly("INFO 127.0.0.1 GET \"/healthz\" 200 42 0ms");
    }
  }

  @Test
  void targetWithControlCharacters_isPrintedSafely() throws Exception {
    try (LogCapture capture = new LogCapture("dev.appupdate.server.access")) {
      AccessLog log = AccessLog.start();
      try {
        log.record(CLIENT, "GET", "/a\"b\nc", 404, 0, 0);

        assertThat(capture.await(1)).containsExactly("INFO 127.0.0.1 GET \"/a?b?c\" 404 0 0ms");
      } finally {
        log.close();
      }
    }
  }

  @Test
  void commandLineCheck_looksAtEveryLoggerUpToTheRoot() {
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    java.util.logging.Logger access =
        java.util.logging.Logger.getLogger("dev.appupdate.server.access");
    // The parent that exists once any class logs to dev.appupdate.server.
    java.util.logging.Logger parent = java.util.logging.Logger.getLogger("dev.appupdate.server");
    java.util.logging.Handler handler = new java.util.logging.ConsoleHandler();

    assertThat(access.getParent()).isSameAs(parent);
    assertThat(AccessLog.reachesOnlyRoot(access, root)).isTrue();
    parent.addHandler(handler);
    try {
      assertThat(AccessLog.reachesOnlyRoot(access, root)).isFalse();
    } finally {
      parent.removeHandler(handler);
    }
    parent.setUseParentHandlers(false);
    try {
      assertThat(AccessLog.reachesOnlyRoot(access, root)).isFalse();
    } finally {
      parent.setUseParentHandlers(true);
    }
  }

  @Test
  void lineWriter_writesWhatTheCommandLineFormatWouldPrint() {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    AccessLog.LineWriter writer =
        new AccessLog.LineWriter(
            new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.US_ASCII));
    long millis = 1_764_762_335_007L;

    writer.write(
        List.of(
            AccessLog.entry(CLIENT, "POST", "/v1/update", 200, 699, 3_000_000, millis),
            AccessLog.entry(null, "GET", "/a\"b", 0, 0, 0, millis + 1000)));

    java.time.ZonedDateTime t =
        java.time.Instant.ofEpochMilli(millis).atZone(java.time.ZoneId.systemDefault());
    String level = java.util.logging.Level.INFO.getLocalizedName();
    String expected =
        String.format(
                AccessLog.LineWriter.FORMAT,
                t,
                "",
                "dev.appupdate.server.access",
                level,
                "127.0.0.1 POST \"/v1/update\" 200 699 3ms",
                "")
            + String.format(
                AccessLog.LineWriter.FORMAT,
                t.plusSeconds(1),
                "",
                "dev.appupdate.server.access",
                level,
                "- GET \"/a?b\" - 0 0ms",
                "");
    assertThat(bytes.toString(java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo(expected);
  }
}
