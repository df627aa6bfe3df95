package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Edge cases of start, stop, the access log and the file validator, each once a real defect. */
class StopStartAndValidatorEdgesTest {
  @TempDir Path dir;

  @Test
  void stop_drainTooLongForNanos_stillReleasesPortAndDataDirAndDoesNotClaimAFlush()
      throws Exception {
    AppUpdateServer server = Fixtures.demoServer(dir).build();
    server.start();
    int port = server.port();

    // "Wait as long as it takes": Duration.toNanos() overflows beyond about 292 years.
    Boolean first = null;
    try {
      first = server.stop(Duration.ofSeconds(Long.MAX_VALUE));
    } catch (ArithmeticException e) {
      // reported below through what is still held
    }
    boolean second = server.stop(Duration.ZERO);

    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(first).as("the first stop answers").isNotNull();
    soft.assertThat(canConnect(port)).as("port still accepting after two stops").isFalse();
    soft.assertThatCode(
            () -> {
              try (AppUpdateServer again = Fixtures.demoServer(dir).build()) {
                again.start(); // needs the data directory lock
              }
            })
        .as("data directory lock released")
        .doesNotThrowAnyException();
    soft.assertThat(second)
        .as("the second stop answers like the first, not 'flushed' for what it never closed")
        .isEqualTo(first);
    soft.assertAll();
  }

  @Test
  void accessLog_methodWithBareLineFeed_cannotForgeALine() throws Exception {
    AppUpdateServer server = Fixtures.demoServer(dir).build();
    server.start();
    try (LogCapture access = new LogCapture("dev.appupdate.server.access");
        Socket s = RawHttp.connect(server.port())) {
      // The JDK's request-line reader ends a line at CRLF only: a bare LF stays in the method.
      s.getOutputStream()
          .write(
              ("GET\n2026-01-01\t00:00:00.000\tINFO\tforged /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      RawHttp.read(s.getInputStream(), false);

      assertThat(access.await(1)).singleElement().asString().doesNotContain("\n");
    } finally {
      server.stop(Duration.ZERO);
    }
  }

  @Test
  void start_errorAfterTheListenerIsBound_stillReleasesPortAndDataDir() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    // An Error (here from the clock read right after the bind, standing in for an
    // OutOfMemoryError or StackOverflowError while a big catalog is compiled against the public URL).
    Clock breaking =
        new Clock() {
          @Override
          public ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            boolean fromOpen =
                StackWalker.getInstance()
                    .walk(f -> f.skip(1).findFirst())
                    .map(f -> f.getClassName().endsWith(".RunningServer"))
                    .orElse(false);
            if (fromOpen) {
              throw new OutOfMemoryError("simulated");
            }
            return Instant.parse("2026-01-01T00:00:00Z");
          }
        };
    AppUpdateServer failing =
        AppUpdateServer.builder().port(port).dataDir(dir.resolve("data")).clock(breaking).build();

    assertThatThrownBy(failing::start).isInstanceOf(OutOfMemoryError.class);

    try (AppUpdateServer again =
        AppUpdateServer.builder().port(port).dataDir(dir.resolve("data")).build()) {
      assertThatCode(again::start)
          .as("the same port and data directory are free again")
          .doesNotThrowAnyException();
    }
  }

  @Test
  void ifNoneMatch_fileRewrittenInPlaceWithSameSizeAndTime_isNot304(@TempDir Path files)
      throws Exception {
    Path payload = Files.writeString(files.resolve("payload.bin"), "version-1");
    FileTime mtime = FileTime.from(Instant.parse("2025-05-05T05:05:05Z"));
    Files.setLastModifiedTime(payload, mtime);
    try (AppUpdateServer server =
        AppUpdateServer.builder().port(0).dataDir(dir.resolve("data")).filesDir(files).build()) {
      server.start();
      String get = "GET /files/payload.bin HTTP/1.1\nHost: x\n";
      String etag = RawHttp.send(server.port(), get).header("ETag");
      // What `cp -p new payload.bin` or a deploy that keeps timestamps does: same inode, same
      // size, same mtime, other bytes.
      Files.writeString(payload, "version-2");
      Files.setLastModifiedTime(payload, mtime);

      RawHttp.Response r = RawHttp.send(server.port(), get + "If-None-Match: " + etag);

      assertThat(r.status()).as("a strong ETag must change with the bytes").isEqualTo(200);
    }
  }

  private static boolean canConnect(int port) {
    try {
      RawHttp.connect(port).close();
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
