package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appupdate.protocol.catalog.CatalogException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
  void start_portInUse_failsNamingTheAddressAndReleasesWhatItOpened() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        LogCapture log = new LogCapture("dev.appupdate.server")) {
      AppUpdateServer server =
          AppUpdateServer.builder().port(taken.getLocalPort()).dataDir(dir).build();

      assertThatThrownBy(server::start)
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": ");
      assertThat(log.messages())
          .filteredOn(m -> m.startsWith("FINE closing"))
          .containsExactly(
              // The watchdog stops after the workers: slow clients stay bounded while they drain.
              "FINE closing the worker pool",
              "FINE closing the watchdog",
              "FINE closing the access log",
              "FINE closing the completion log",
              "FINE closing the data directory lock");
    }
    try (AppUpdateServer again = AppUpdateServer.builder().port(0).dataDir(dir).build()) {
      again.start(); // the data directory is free
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
  void start_leavesTheJvmWidePropertiesToTheApplication() throws Exception {
    // The JDK has read it already if a server ran before: clearing it changes nothing there.
    String cleared = System.clearProperty("sun.net.httpserver.maxReqHeaders");
    try {
      Map<String, String> before = jvmDefaultsNow();

      try (AppUpdateServer server = AppUpdateServer.builder().port(0).dataDir(dir).build()) {
        server.start();
      }

      assertThat(jvmDefaultsNow()).isEqualTo(before);
    } finally {
      if (cleared != null) {
        System.setProperty("sun.net.httpserver.maxReqHeaders", cleared);
      }
    }
  }

  /** The system properties the command line sets, with their values now; "-" for unset. */
  private static Map<String, String> jvmDefaultsNow() {
    Map<String, String> now = new TreeMap<>();
    Main.JVM_DEFAULTS.keySet().forEach(k -> now.put(k, System.getProperty(k, "-")));
    return now;
  }

  @Test
  void start_failingAfterTheListenerIsBound_closesWhatAStopClosesAndFreesPortAndDataDir()
      throws Exception {
    // Valid when read, but too long once resolved against the public URL, which needs the port.
    Path catalog =
        Files.writeString(
            dir.resolve("catalog.json"),
            Fixtures.catalog("data:1.0").replace("files/data-1.0", "files/" + "a".repeat(2040)));
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
    AppUpdateServer failing =
        AppUpdateServer.builder().port(port).dataDir(dir.resolve("data")).catalog(catalog).build();

    try (LogCapture log = new LogCapture("dev.appupdate.server")) {
      assertThatThrownBy(failing::start)
          .isInstanceOf(CatalogException.class)
          .hasMessageContaining("resolved against the public base URL");
      assertThat(log.messages())
          .filteredOn(m -> m.startsWith("FINE closing"))
          .containsExactly(
              "FINE closing the HTTP listener",
              "FINE closing the worker pool",
              "FINE closing the watchdog",
              "FINE closing the access log",
              "FINE closing the completion log",
              "FINE closing the data directory lock");
    }
    assertThat(Thread.getAllStackTraces().keySet())
        .filteredOn(t -> t.isAlive() && !threadsBefore.contains(t))
        .extracting(Thread::getName)
        .noneMatch(name -> name.startsWith("appupdate-"));
    Files.writeString(catalog, Fixtures.catalog("data:1.0"));
    AppUpdateServer again =
        AppUpdateServer.builder().port(port).dataDir(dir.resolve("data")).catalog(catalog).build();
    again.start(); // the same port and data directory
    assertThat(again.port()).isEqualTo(port);
    try (LogCapture log = new LogCapture("dev.appupdate.server")) {
      again.close();

      assertThat(log.messages())
          .filteredOn(m -> m.startsWith("FINE closing"))
          .containsExactly(
              "FINE closing the catalog watcher",
              "FINE closing the halt evaluator",
              "FINE closing the HTTP listener",
              "FINE closing the worker pool",
              "FINE closing the watchdog",
              "FINE closing the access log",
              "FINE closing the completion log",
              "FINE closing the data directory lock");
    }
  }

  @Test
  void stop_afterStart_flushesTheCompletionLogAndSaysSo() throws Exception {
    RecordingDisk disk = new RecordingDisk();
    AppUpdateServer server = Fixtures.demoServer(dir).disk(disk).build();
    server.start();
    String id = server.requestIds().issue("your_app", Fixtures.DEMO_OFFERS);
    Fixtures.postJson(
        server, "/v1/completion", Fixtures.completion(id, "my_important_data", "success", "1.0"));
    disk.clear();

    assertThat(server.stop(Duration.ofSeconds(5))).isTrue();

    assertThat(disk.events()).containsExactly("force(true)");
    assertThat(Files.readString(dir.resolve("data").resolve(JsonlCompletionStore.NAME))).contains(id);
  }

  @Test
  void stop_completionLogFailingToFlush_saysSoAndStillReleasesEverything() throws Exception {
    RecordingDisk disk = new RecordingDisk();
    AppUpdateServer server = Fixtures.demoServer(dir).disk(disk).build();
    server.start();
    int port = server.port();
    disk.failNextForces(1);

    try (LogCapture log = new LogCapture("dev.appupdate.server")) {
      assertThat(server.stop(Duration.ofSeconds(5))).isFalse();
      assertThat(log.messages()).contains("SEVERE closing the completion log failed");
    }

    assertThat(server.stop(Duration.ZERO))
        .as("a second stop gives the first one's answer")
        .isFalse();
    assertThatThrownBy(() -> RawHttp.connect(port).close()).isInstanceOf(IOException.class);
    try (AppUpdateServer again = Fixtures.demoServer(dir).build()) {
      again.start(); // the lock was released
    }
  }

  @Test
  void stop_twice_isHarmlessAndAnswersTheSame() throws Exception {
    AppUpdateServer server = Fixtures.demoServer(dir).build();
    server.start();

    assertThat(server.stop(Duration.ZERO)).isTrue();
    assertThat(server.stop(Duration.ZERO)).isTrue();
    server.close();
    assertThat(AppUpdateServer.builder().dataDir(dir).build().stop(Duration.ZERO))
        .as("never started")
        .isTrue();
  }

  @Test
  void stop_concurrentSecondStop_returnsOnceTheFirstHasFinished() throws Exception {
    AppUpdateServer server = Fixtures.demoServer(dir).build();
    server.start();
    int port = server.port();
    try (Socket inFlight = RawHttp.connect(port)) {
      OutputStream out = inFlight.getOutputStream();
      out.write(RawHttp.head("POST /v1/update HTTP/1.1\nHost: x\nContent-Length: 2"));
      out.flush();
      Await.until("the request is in flight", () -> server.router().handling() == 1);
      CompletableFuture<Boolean> first =
          CompletableFuture.supplyAsync(() -> server.stop(Duration.ofSeconds(10)));
      Await.until("the drain has begun", () -> server.router().draining());
      AtomicReference<Boolean> secondAnswer = new AtomicReference<>();
      Thread second = new Thread(() -> secondAnswer.set(server.stop(Duration.ofSeconds(10))));
      second.start();

      Await.until(
          "the second stop waits or returns",
          () -> second.getState() == Thread.State.BLOCKED || !second.isAlive());
      assertThat(second.isAlive()).as("the second stop waits for the first").isTrue();
      out.write("{}".getBytes(StandardCharsets.UTF_8));
      out.flush();
      second.join(10_000);

      assertThat(secondAnswer).hasValue(true);
      assertThatThrownBy(() -> RawHttp.connect(port).close()).isInstanceOf(IOException.class);
      assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void start_createsTheCompletionLogAndTheLockForTheOwnerOnly() throws Exception {
    try (AppUpdateServer server = AppUpdateServer.builder().port(0).dataDir(dir).build()) {
      server.start();
    }

    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("completions.jsonl"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("lock"))))
        .isEqualTo("rw-------");
  }

  @Test
  void start_dataDirInsideTheFilesDir_failsBeforeCreatingAnything() throws Exception {
    Path files = Files.createDirectories(dir.resolve("files"));
    AppUpdateServer server =
        AppUpdateServer.builder()
            .port(0)
            .filesDir(files)
            .dataDir(files.resolve("appupdate-data"))
            .build();

    assertThatThrownBy(server::start)
        .isInstanceOf(IOException.class)
        .hasMessage(
            "the data directory "
                + files.resolve("appupdate-data")
                + " is the files directory "
                + files
                + " or inside it, which would serve the request-id key and the completion log to"
                + " anyone: give the data directory a place outside the files directory");
    assertThat(files.resolve("appupdate-data")).doesNotExist();
  }

  @Test
  void start_dataDirIsTheFilesDirThroughALink_fails() throws Exception {
    Path files = Files.createDirectories(dir.resolve("files"));
    Path alias = Files.createSymbolicLink(dir.resolve("alias"), files);
    AppUpdateServer server =
        AppUpdateServer.builder().port(0).filesDir(files).dataDir(alias).build();

    assertThatThrownBy(server::start)
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("the data directory " + alias + " is the files directory");
  }

  @Test
  void start_keyFileInsideTheFilesDir_fails() throws Exception {
    Path files = Files.createDirectories(dir.resolve("files"));
    AppUpdateServer server =
        AppUpdateServer.builder()
            .port(0)
            .filesDir(files)
            .dataDir(dir.resolve("data"))
            .keyFile(files.resolve("request-id.key"))
            .build();

    assertThatThrownBy(server::start)
        .isInstanceOf(IOException.class)
        .hasMessage(
            "the request-id key file "
                + files.resolve("request-id.key")
                + " is inside the files directory "
                + files
                + ", which would serve it to anyone: keep the key outside the files directory");
    assertThat(files.resolve("request-id.key")).doesNotExist();
  }

  @Test
  void start_secondServerOnTheSameDataDir_failsSayingItIsInUse() throws Exception {
    try (AppUpdateServer first = AppUpdateServer.builder().port(0).dataDir(dir).build()) {
      first.start();
      AppUpdateServer second = AppUpdateServer.builder().port(0).dataDir(dir).build();

      assertThatThrownBy(second::start)
          .isInstanceOf(IOException.class)
          .hasMessage(
              "data directory "
                  + dir
                  + " is in use by another server; give each server its own --data directory"
                  + " (replicas share only the request-id key, see --key)");
      assertThat(Fixtures.get(first, "/healthz").statusCode()).isEqualTo(200);
    }
    try (AppUpdateServer third = AppUpdateServer.builder().port(0).dataDir(dir).build()) {
      third.start(); // the stop released the lock
    }
  }

  @Test
  void keyFile_sharedByReplicasWithTheirOwnDataDirs_eachVerifiesTheOthersIds() throws Exception {
    Path key = dir.resolve("shared.key");
    try (AppUpdateServer a =
            AppUpdateServer.builder().port(0).dataDir(dir.resolve("a")).keyFile(key).build();
        AppUpdateServer b =
            AppUpdateServer.builder().port(0).dataDir(dir.resolve("b")).keyFile(key).build()) {
      a.start();
      b.start();

      String id = a.requestIds().issue("your_app", Fixtures.DEMO_OFFERS);

      assertThat(b.requestIds().verify(id).product()).isEqualTo("your_app");
      assertThat(
              Fixtures.postJson(
                      b,
                      "/v1/completion",
                      Fixtures.completion(id, "my_important_data", "success", "1.0"))
                  .statusCode())
          .isEqualTo(204);
    }
    assertThat(dir.resolve("a").resolve("request-id.key")).doesNotExist();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
  }

  @Test
  void start_keyMissingNextToRecordedCompletions_failsAndKeepsTheLog() throws Exception {
    Files.writeString(dir.resolve("completions.jsonl"), "{\"request_id\":\"x\"}\n");
    AppUpdateServer server = AppUpdateServer.builder().port(0).dataDir(dir).build();

    assertThatThrownBy(server::start)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is missing, but the completion log");
    assertThat(dir.resolve("request-id.key")).doesNotExist();
    try (AppUpdateServer again = AppUpdateServer.builder().port(0).dataDir(dir).build()) {
      assertThatThrownBy(again::start).as("the lock was released").hasMessageContaining("missing");
    }
  }

  @Test
  void builder_retentionOverTenYears_isRefused() {
    assertThatThrownBy(() -> AppUpdateServer.builder().retention(Duration.ofDays(3651)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retention must be at most 3650 days (about ten years), got PT87624H");
  }

  @Test
  void start_tenYearRetention_acceptsCompletions() throws Exception {
    try (AppUpdateServer server =
        Fixtures.demoServer(dir).retention(Duration.ofDays(3650)).build()) {
      server.start();
      String id = server.requestIds().issue("your_app", Fixtures.DEMO_OFFERS);

      assertThat(
              Fixtures.postJson(
                      server,
                      "/v1/completion",
                      Fixtures.completion(id, "my_important_data", "success", "1.0"))
                  .statusCode())
          .isEqualTo(204);
    }
  }

  @Test
  void builder_wildcardBindWithoutPublicUrl_isRefused() throws Exception {
    AppUpdateServer.Builder b =
        AppUpdateServer.builder().dataDir(dir).bind(InetAddress.getByName("0.0.0.0"));

    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "publicUrl is required with the wildcard bind address 0.0.0.0: no URL derived from it"
                + " reaches this server from everywhere, and relative catalog URLs resolve against"
                + " the public URL");
  }

  @Test
  void builder_wildcardBindWithPublicUrl_servesThatUrl() throws Exception {
    try (AppUpdateServer server =
        AppUpdateServer.builder()
            .port(0)
            .dataDir(dir)
            .bind(InetAddress.getByName("0.0.0.0"))
            .publicUrl(URI.create("https://updates.example.com/"))
            .build()) {
      server.start();

      assertThat(server.publicUrl()).isEqualTo(URI.create("https://updates.example.com/"));
    }
  }

  @Test
  void builder_maxCompletionKeysOutOfRange_isRefused() {
    assertThatThrownBy(() -> AppUpdateServer.builder().maxCompletionKeys(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxCompletionKeys must be 1-536870912, got 0");
  }
}
