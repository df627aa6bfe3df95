package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppUpdateServerTest {
  @TempDir Path dir;

  @Test
  void build_withoutDataDir_isRefused() {
    assertThatThrownBy(() -> AppUpdateServer.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("dataDir is required: the directory of the completion log and request-id key");
  }

  @Test
  void builder_repeatedSetting_isRefusedNamingTheFirstValue() {
    AppUpdateServer.Builder b = AppUpdateServer.builder().port(8080);

    assertThatThrownBy(() -> b.port(9090))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("port already set to 8080");
  }

  @Test
  void builder_invalidValues_areRefused() {
    assertThatThrownBy(() -> AppUpdateServer.builder().port(65536))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port must be 0-65535, got 65536");
    assertThatThrownBy(() -> AppUpdateServer.builder().bodyLimit(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bodyLimit must be >= 1, got 0");
    assertThatThrownBy(() -> AppUpdateServer.builder().retention(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retention must be positive, got PT-1S");
    assertThatThrownBy(() -> AppUpdateServer.builder().publicUrl(URI.create("files/")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("publicUrl must be an absolute http or https URL");
  }

  @Test
  void port_beforeStart_isRefused() {
    AppUpdateServer server = AppUpdateServer.builder().dataDir(dir).build();

    assertThatThrownBy(server::port)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("server not started");
  }

  @Test
  void start_portZero_picksAFreePortAndDefaultsThePublicUrl() throws Exception {
    try (AppUpdateServer server = AppUpdateServer.builder().port(0).dataDir(dir).build()) {
      server.start();

      assertThat(server.port()).isPositive();
      assertThat(server.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:" + server.port()));
      assertThat(server.publicUrl())
          .isEqualTo(URI.create("http://127.0.0.1:" + server.port() + "/"));
    }
  }

  @Test
  void publicUrl_getsATrailingSlash() throws Exception {
    try (AppUpdateServer server =
        AppUpdateServer.builder()
            .port(0)
            .dataDir(dir)
            .publicUrl(URI.create("https://updates.example.com/app"))
            .build()) {
      server.start();

      assertThat(server.publicUrl()).isEqualTo(URI.create("https://updates.example.com/app/"));
    }
  }

  @Test
  void start_createsTheDataDirectoryForTheOwnerOnly() throws Exception {
    Path data = dir.resolve("nested").resolve("data");
    try (AppUpdateServer server = AppUpdateServer.builder().port(0).dataDir(data).build()) {
      server.start();
    }

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
        .isEqualTo("rwx------");
    assertThat(data.resolve("request-id.key")).exists();
    assertThat(data.resolve("completions.jsonl")).exists();
  }

  @Test
  void start_portInUse_failsNamingTheAddress() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      AppUpdateServer server =
          AppUpdateServer.builder().port(taken.getLocalPort()).dataDir(dir).build();

      assertThatThrownBy(server::start)
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": ");
    }
  }

  @Test
  void start_corruptKey_fails() throws Exception {
    Files.write(dir.resolve("request-id.key"), new byte[5]);
    AppUpdateServer server = AppUpdateServer.builder().port(0).dataDir(dir).build();

    assertThatThrownBy(server::start)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("request-id.key is corrupt: it holds 5 bytes, not 32");
  }

  @Test
  void start_missingFilesDir_fails() {
    AppUpdateServer server =
        AppUpdateServer.builder().port(0).dataDir(dir).filesDir(dir.resolve("nope")).build();

    assertThatThrownBy(server::start)
        .isInstanceOf(IOException.class)
        .hasMessage("files directory " + dir.resolve("nope") + " does not exist");
  }

  @Test
  void restart_keepsTheKeySoEarlierRequestIdsStillVerify() throws Exception {
    String id;
    try (AppUpdateServer server = Fixtures.demoServer(dir).build()) {
      server.start();
      id = server.requestIds().issue("your_app", Fixtures.DEMO_OFFERS);
    }
    try (AppUpdateServer server = Fixtures.demoServer(dir).build()) {
      server.start();

      assertThat(server.requestIds().verify(id).product()).isEqualTo("your_app");
    }
  }

  @Test
  void start_turnsOnTcpNoDelayAndTimeoutsOfTheJdkServer() throws Exception {
    try (AppUpdateServer server = AppUpdateServer.builder().port(0).dataDir(dir).build()) {
      server.start();
    }

    assertThat(System.getProperty("sun.net.httpserver.nodelay")).isEqualTo("true");
    assertThat(System.getProperty("sun.net.httpserver.maxReqTime")).isEqualTo("30");
    assertThat(System.getProperty("sun.net.httpserver.idleInterval")).isEqualTo("30");
  }
}
