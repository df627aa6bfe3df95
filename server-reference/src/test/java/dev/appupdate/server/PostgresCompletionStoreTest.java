package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appupdate.protocol.ClientCodec;
import dev.appupdate.protocol.FailureCode;
import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PostgreSQL completion store against a real PostgreSQL, one per class, a database per test. */
class PostgresCompletionStoreTest {
  private static final Instant T0 = Instant.parse("2025-06-01T10:00:00Z");
  private static final Set<String> HALT_CODES =
      Set.of("install_failed", "bad_checksum", "size_mismatch", "bad_signature");

  @TempDir static Path pgDir;
  private static EmbeddedDatabase db;

  @TempDir Path dir;
  private String url;

  @BeforeAll
  static void startDatabase() throws Exception {
    db = EmbeddedDatabase.start(pgDir.resolve("pg"));
  }

  @AfterAll
  static void stopDatabase() throws Exception {
    db.close();
  }

  @BeforeEach
  void newDatabase() throws Exception {
    url = db.newDatabase();
  }

  private PostgresCompletionStore open(Instant now) throws Exception {
    return PostgresCompletionStore.open(
        EmbeddedDatabase.settings(url), Clock.fixed(now, ZoneOffset.UTC));
  }

  private static CompletionRecord record(
      Instant at, String requestId, String type, Outcome outcome, String installation) {
    return new CompletionRecord(
        at, requestId, "app", at.minusSeconds(60), type, outcome, installation);
  }

  private static Outcome failed(String version, FailureCode code) {
    return Outcome.failed(version, code, "why");
  }

  private long rows() throws Exception {
    return EmbeddedDatabase.queryLong(url, "SELECT count(*) FROM completions");
  }

  @Test
  void migrate_emptyDatabase_createsTheSchemaAndARerunAppliesNothing() throws Exception {
    PostgresCompletionStore.Settings settings = EmbeddedDatabase.settings(url);

    assertThat(PostgresCompletionStore.migrate(settings)).isEqualTo(1);
    assertThat(PostgresCompletionStore.migrate(settings)).isZero();
    try (PostgresCompletionStore store = open(T0)) {
      assertThat(store.health()).isEqualTo(CompletionStore.StoreHealth.OK);
    }
    assertThat(
            EmbeddedDatabase.queryLong(
                url,
                "SELECT count(*) FROM information_schema.tables WHERE table_name IN"
                    + " ('completions', 'halt_events')"))
        .isEqualTo(2);
    assertThat(
            EmbeddedDatabase.queryLong(
                url, "SELECT max(version::int) FROM flyway_schema_history WHERE success"))
        .isEqualTo(1);
  }

  @Test
  void append_repeatedReport_isRecordedOnceAndTheFirstOutcomeKept() throws Exception {
    try (PostgresCompletionStore a = open(T0);
        PostgresCompletionStore b = open(T0)) {
      a.append(
          List.of(
              record(T0, "r1", "data", Outcome.success("1.0"), null),
              record(T0, "r1", "blob", failed("2.0", FailureCode.BAD_CHECKSUM), null)),
          T0.plusSeconds(3600));
      b.append(
          List.of(record(T0, "r1", "data", failed("1.0", FailureCode.OTHER), null)),
          T0.plusSeconds(3600));

      assertThat(rows()).isEqualTo(2);
      assertThat(
              EmbeddedDatabase.queryLong(
                  url, "SELECT count(*) FROM completions WHERE status = 'success'"))
          .isEqualTo(1);
    }
  }

  @Test
  void append_keepsCanonicalVersionClientTextObservedHashAndInstallation() throws Exception {
    try (PostgresCompletionStore store = open(T0)) {
      store.append(
          List.of(
              record(
                  T0,
                  "r1",
                  "data",
                  Outcome.failed("1.0.0", FailureCode.SIZE_MISMATCH, "short")
                      .withObserved(HashFunction.SHA512, "abc123", 12L),
                  "inst-1")),
          T0.plusSeconds(3600));
    }
    assertThat(
            EmbeddedDatabase.queryLong(
                url,
                "SELECT count(*) FROM completions WHERE version = '1' AND reported_version ="
                    + " '1.0.0' AND failure_code = 'size_mismatch' AND reason = 'short' AND"
                    + " hash_function = 'sha512' AND hash_value = 'abc123' AND size = 12 AND"
                    + " installation = 'inst-1' AND received_at = '2025-06-01T10:00:00Z' AND"
                    + " issued_at = '2025-06-01T09:59:00Z'"))
        .isEqualTo(1);
  }

  @Test
  void counts_sinceAWindowStart_groupsByReleaseOutcomeAndHourOfReceipt() throws Exception {
    Instant h10 = T0;
    Instant h11 = T0.plus(Duration.ofMinutes(75));
    try (PostgresCompletionStore store = open(T0)) {
      store.append(
          List.of(record(T0.minusSeconds(1), "old", "data", Outcome.success("1.0"), null)),
          T0);
      store.append(List.of(record(h10, "a", "data", Outcome.success("1.0"), null)), T0);
      store.append(List.of(record(h10.plusSeconds(5), "b", "data", Outcome.success("1.0"), null)), T0);
      store.append(
          List.of(record(h11, "c", "data", failed("1.0", FailureCode.INSTALL_FAILED), null)),
          T0);
      store.append(List.of(record(h11, "d", "data", Outcome.success("1.0"), null)), T0);

      List<CompletionStore.CompletionCount> counts = store.counts(T0);

      assertThat(counts)
          .containsExactlyInAnyOrder(
              new CompletionStore.CompletionCount(
                  "app", "data", "1", "success", null, Instant.parse("2025-06-01T10:00:00Z"), 2),
              new CompletionStore.CompletionCount(
                  "app", "data", "1", "success", null, Instant.parse("2025-06-01T11:00:00Z"), 1),
              new CompletionStore.CompletionCount(
                  "app",
                  "data",
                  "1",
                  "failed",
                  "install_failed",
                  Instant.parse("2025-06-01T11:00:00Z"),
                  1));
    }
  }

  @Test
  void haltFigures_countDistinctInstallationsElseRequestIdsAndLeaveOutCancelled()
      throws Exception {
    try (PostgresCompletionStore store = open(T0)) {
      // One installation failing under three request ids counts once.
      for (String id : List.of("i1", "i2", "i3")) {
        store.append(
            List.of(record(T0, id, "data", failed("1.0", FailureCode.INSTALL_FAILED), "inst-A")),
            T0);
      }
      store.append(List.of(record(T0, "s1", "data", Outcome.success("1.0"), "inst-B")), T0);
      // Without an installation, each request id is a reporter.
      store.append(
          List.of(record(T0, "n1", "data", failed("1.0", FailureCode.BAD_CHECKSUM), null)), T0);
      store.append(List.of(record(T0, "n2", "data", Outcome.success("1.0"), null)), T0);
      // Counted nowhere: the network, a cancel; another release.
      store.append(
          List.of(record(T0, "d1", "data", failed("1.0", FailureCode.DOWNLOAD_FAILED), null)),
          T0);
      store.append(
          List.of(record(T0, "c1", "data", failed("1.0", FailureCode.CANCELLED), "inst-C")), T0);
      store.append(
          List.of(record(T0, "o1", "data", failed("2.0", FailureCode.INSTALL_FAILED), null)), T0);

      assertThat(store.haltFigures("app", "data", "1", HALT_CODES))
          .isEqualTo(new CompletionStore.HaltFigures(5, 2));
      assertThat(store.haltFigures("app", "data", "1.0.0", HALT_CODES))
          .as("another spelling of the same version")
          .isEqualTo(new CompletionStore.HaltFigures(5, 2));
      assertThat(store.haltFigures("app", "data", "3", HALT_CODES))
          .isEqualTo(new CompletionStore.HaltFigures(0, 0));
    }
  }

  @Test
  void haltEvents_recordedByOneStore_areSeenByAnotherInTheOrderRecorded() throws Exception {
    CompletionStore.HaltEvent halt =
        new CompletionStore.HaltEvent(
            T0.plusSeconds(60), "app", "data", "1", true, "automatic", "3 of 50 failed");
    // Recorded after the halt by a replica whose clock is a minute behind: it still lifts it.
    CompletionStore.HaltEvent resume =
        new CompletionStore.HaltEvent(T0, "app", "data", "1", false, "operator", "fixed");
    try (PostgresCompletionStore a = open(T0);
        PostgresCompletionStore b = open(T0)) {
      a.recordHaltEvent(halt);
      b.recordHaltEvent(resume);

      assertThat(b.haltEvents()).containsExactly(halt, resume);
      assertThat(a.haltEvents()).containsExactly(halt, resume);
    }
  }

  @Test
  void deleteExpired_removesRowsOlderThanTheRetentionInBatches() throws Exception {
    // Without the background probe, which would apply the retention first.
    try (PostgresCompletionStore store =
        PostgresCompletionStore.open(
            EmbeddedDatabase.settings(url),
            Clock.fixed(T0.plus(Duration.ofDays(400)), ZoneOffset.UTC),
            false)) {
      int old = PostgresCompletionStore.DELETE_BATCH + 7;
      EmbeddedDatabase.execute(
          url,
          "INSERT INTO completions (request_id, update_type, received_at, product, issued_at,"
              + " version, status) SELECT 'r' || g, 'data', '2025-06-01T09:59:59Z', 'app',"
              + " '2025-06-01T09:00:00Z', '1', 'success' FROM generate_series(1, "
              + old
              + ") g");
      store.append(List.of(record(T0, "kept", "data", Outcome.success("1.0"), null)), T0);

      assertThat(store.deleteExpired()).isEqualTo(old);
      assertThat(rows()).isEqualTo(1);
      assertThat(store.deleteExpired()).isZero();
    }
  }

  @Test
  void probe_appliesRetentionAtMostOncePerInterval() throws Exception {
    String insertOld =
        "INSERT INTO completions (request_id, update_type, received_at, product, issued_at,"
            + " version, status) VALUES ('%s', 'data', '2025-06-01T10:00:00Z', 'app',"
            + " '2025-06-01T09:00:00Z', '1', 'success')";
    PostgresCompletionStore.migrate(EmbeddedDatabase.settings(url));
    EmbeddedDatabase.execute(url, String.format(insertOld, "old1"));
    try (PostgresCompletionStore store = open(T0.plus(Duration.ofDays(401)))) {
      // Whichever runs first, the background probe or this one, deletes it.
      store.probe();
      assertThat(rows()).isZero();
      EmbeddedDatabase.execute(url, String.format(insertOld, "old2"));

      store.probe();

      assertThat(rows()).as("the clock stands still: the next run is not due").isEqualTo(1);
    }
  }

  @Test
  void importLog_twice_insertsEachLineOnceAndSkipsUnreadableLines() throws Exception {
    ServerJson json = new ServerJson();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    log.write(json.completionLine(record(T0, "r1", "data", Outcome.success("1.0"), null)));
    log.write(
        json.completionLine(record(T0, "r1", "blob", failed("2.0", FailureCode.OTHER), null)));
    log.write("not json\n".getBytes(StandardCharsets.UTF_8));
    log.write(json.completionLine(record(T0, "r2", "data", Outcome.success("1.0"), null)));
    log.write("{\"received_at\":\"2025".getBytes(StandardCharsets.UTF_8)); // torn by a crash
    Path file = dir.resolve("completions.jsonl");
    Files.write(file, log.toByteArray());

    try (PostgresCompletionStore store = open(T0);
        LogCapture logged = new LogCapture("dev.appupdate.server")) {
      assertThat(store.importLog(file, json, 2))
          .isEqualTo(new PostgresCompletionStore.ImportResult(5, 3, 2));
      assertThat(store.importLog(file, json, 2))
          .isEqualTo(new PostgresCompletionStore.ImportResult(5, 0, 2));
      assertThat(logged.messages())
          .filteredOn(m -> m.contains("skipped"))
          .hasSize(4)
          .allSatisfy(m -> assertThat(m).contains("completions.jsonl: line "));
    }
    assertThat(rows()).isEqualTo(3);
  }

  @Test
  void importCommand_loadsAFileIdempotentlyAndSaysWhatItDid() throws Exception {
    ServerJson json = new ServerJson();
    Path file = dir.resolve("completions.jsonl");
    Files.write(file, json.completionLine(record(T0, "r1", "data", Outcome.success("1.0"), null)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);

    int first = ImportCompletions.run(Map.of(), o, e, file.toString(), "--database", url);
    int second =
        ImportCompletions.run(Map.of(), o, e, "--database=" + url, file.toString());

    assertThat(first).isZero();
    assertThat(second).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains(": 1 lines, 1 new completions, 0 already in the database, 0 unreadable")
        .contains(": 1 lines, 0 new completions, 1 already in the database, 0 unreadable");
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(rows()).isEqualTo(1);
  }

  @Test
  void importCommand_retentionOption_isNotOfferedSinceTheImportDeletesNothing() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);

    assertThat(ImportCompletions.run(Map.of(), o, e, "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("--database-password-file")
        .doesNotContain("--completion-retention");
    int status =
        ImportCompletions.run(
            Map.of(), o, e, "x.jsonl", "--database", url, "--completion-retention", "1d");
    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--completion-retention");
  }

  @Test
  void importCommand_withoutDatabase_isAUsageError() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);

    int status = ImportCompletions.run(Map.of(), System.out, e, "x.jsonl");

    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("appupdate-server import-completions: --database is required");
  }

  @Test
  void servers_eightConcurrentWritersAcrossTwoServersOnOneDatabase_recordEachReportOnce()
      throws Exception {
    AppUpdateServer a =
        AppUpdateServer.builder()
            .port(0)
            .dataDir(dir.resolve("a"))
            .keyFile(shareKey())
            .database(EmbeddedDatabase.settings(url))
            .build();
    AppUpdateServer b =
        AppUpdateServer.builder()
            .port(0)
            .dataDir(dir.resolve("b"))
            .keyFile(dir.resolve("shared.key"))
            .database(EmbeddedDatabase.settings(url))
            .build();
    a.start();
    b.start();
    ExecutorService writers = Executors.newFixedThreadPool(8);
    try {
      int reports = 40;
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < reports; i++) {
        ids.add(requestId(i % 2 == 0 ? a : b));
      }
      List<Callable<Integer>> tasks = new ArrayList<>();
      for (int w = 0; w < 8; w++) {
        int writer = w;
        tasks.add(
            () -> {
              int acknowledged = 0;
              // Every writer sends every report, alternating servers: each report arrives 8 times,
              // 4 times at each server, concurrently.
              for (int i = 0; i < reports; i++) {
                AppUpdateServer s = (i + writer) % 2 == 0 ? a : b;
                String body =
                    "{\"request_id\":\""
                        + ids.get(i)
                        + "\",\"updates\":{"
                        + "\"my_important_data\":{\"status\":\"success\",\"version\":\"1.0\"},"
                        + "\"my_important_binary_blob\":{\"status\":\"success\",\"version\":"
                        + "\"2.0\"}}}";
                if (Fixtures.postJson(s, "/v1/completion", body).statusCode() == 204) {
                  acknowledged++;
                }
              }
              return acknowledged;
            });
      }
      int acknowledged = 0;
      for (Future<Integer> f : writers.invokeAll(tasks)) {
        acknowledged += f.get();
      }

      assertThat(acknowledged).isEqualTo(8 * reports);
      assertThat(rows()).isEqualTo(2L * reports);
      assertThat(
              EmbeddedDatabase.queryLong(
                  url, "SELECT count(DISTINCT (request_id, update_type)) FROM completions"))
          .isEqualTo(2L * reports);
    } finally {
      writers.shutdownNow();
      a.close();
      b.close();
    }
  }

  @Test
  void healthz_withTheDatabaseUp_saysTheStoreIsOk() throws Exception {
    try (AppUpdateServer server =
        AppUpdateServer.builder()
            .port(0)
            .dataDir(dir.resolve("data"))
            .database(EmbeddedDatabase.settings(url))
            .build()) {
      server.start();

      HttpResponse<String> r = Fixtures.get(server, "/healthz");

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("\"completion_store\":{\"status\":\"ok\",\"reason\":null}");
      assertThat(r.body()).startsWith("{\"status\":\"ok\"");
    }
  }

  @Test
  void start_withDatabaseNextToACompletionLog_warnsThatTheLogIsNotUsed() throws Exception {
    Path data = dir.resolve("data");
    // A server that used the log before: its key, and a log with something in it.
    try (AppUpdateServer before = Fixtures.demoServer(dir).build()) {
      before.start();
    }
    Files.writeString(data.resolve(JsonlCompletionStore.NAME), "{}\n");
    try (LogCapture log = new LogCapture("dev.appupdate.server");
        AppUpdateServer server =
            AppUpdateServer.builder()
                .port(0)
                .dataDir(data)
                .database(EmbeddedDatabase.settings(url))
                .build()) {
      server.start();

      assertThat(log.messages())
          .contains(
              "WARNING "
                  + data.resolve(JsonlCompletionStore.NAME)
                  + " is not used: completions go to the database; load it there with"
                  + " 'import-completions "
                  + data.resolve(JsonlCompletionStore.NAME)
                  + " --database ...'");
    }
  }

  @Test
  void start_unreachableDatabase_failsNamingTheDatabase() throws Exception {
    AppUpdateServer server =
        AppUpdateServer.builder()
            .port(0)
            .dataDir(dir.resolve("data"))
            .database(
                EmbeddedDatabase.settings("jdbc:postgresql://127.0.0.1:1/nothing?user=postgres"))
            .build();

    assertThatThrownBy(server::start)
        .isInstanceOf(java.io.IOException.class)
        .hasMessageStartingWith("cannot connect to the database jdbc:postgresql://127.0.0.1:1/");
    // The data directory and port were released: a server on the same directory starts.
    try (AppUpdateServer again = Fixtures.demoServer(dir).build()) {
      again.start();
    }
  }

  /** Opens a connection that holds every other statement on {@code completions} back. */
  private java.sql.Connection lockCompletions() throws Exception {
    java.sql.Connection lock = java.sql.DriverManager.getConnection(url);
    lock.setAutoCommit(false);
    try (java.sql.Statement s = lock.createStatement()) {
      s.execute("LOCK TABLE completions IN ACCESS EXCLUSIVE MODE");
    }
    return lock;
  }

  /** Waits until {@code n} statements of other connections wait for a lock. */
  private void awaitLockWaiters(int n) throws Exception {
    String waiting =
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            + " AND wait_event_type = 'Lock'";
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (EmbeddedDatabase.queryLong(url, waiting) < n) {
      assertThat(System.nanoTime()).as("a statement waiting for the lock").isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  private PostgresCompletionStore.Settings settings(
      int poolSize, Duration connectTimeout, Duration writeTimeout) {
    return new PostgresCompletionStore.Settings(
        url,
        null,
        null,
        Duration.ofDays(400),
        poolSize,
        connectTimeout,
        writeTimeout,
        Duration.ofMillis(100));
  }

  @Test
  void append_databaseNotAnswering_givesUpWithinTheWriteTimeout() throws Exception {
    PostgresCompletionStore.migrate(EmbeddedDatabase.settings(url));
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try (PostgresCompletionStore store =
            PostgresCompletionStore.open(
                settings(2, Duration.ofMillis(500), Duration.ofMillis(300)),
                Clock.fixed(T0, ZoneOffset.UTC),
                false);
        java.sql.Connection lock = lockCompletions()) {
      Future<?> append =
          writer.submit(
              () -> {
                store.append(
                    List.of(record(T0, "r1", "data", Outcome.success("1.0"), null)),
                    T0.plusSeconds(3600));
                return null;
              });

      // Well before the driver's 30 s socket timeout: the worker is free again.
      assertThatThrownBy(() -> append.get(10, java.util.concurrent.TimeUnit.SECONDS))
          .isInstanceOf(java.util.concurrent.ExecutionException.class)
          .cause()
          .isInstanceOf(CompletionStore.StoreUnavailableException.class);
      lock.rollback();
    } finally {
      writer.shutdownNow();
    }
    assertThat(rows()).as("nothing acknowledged, nothing committed").isZero();
  }

  @Test
  void append_everyConnectionBusy_refusesForNowAndTheStoreStaysUp() throws Exception {
    PostgresCompletionStore.migrate(EmbeddedDatabase.settings(url));
    ExecutorService writer = Executors.newFixedThreadPool(2);
    try (PostgresCompletionStore store =
        PostgresCompletionStore.open(
            settings(2, Duration.ofMillis(250), Duration.ofSeconds(60)),
            Clock.fixed(T0, ZoneOffset.UTC),
            false)) {
      List<Future<?>> holding = new ArrayList<>();
      try (java.sql.Connection lock = lockCompletions()) {
        // Both connections of the pool wait on the lock.
        for (String id : List.of("r1", "r4")) {
          holding.add(
              writer.submit(
                  () -> {
                    store.append(
                        List.of(record(T0, id, "data", Outcome.success("1.0"), null)),
                        T0.plusSeconds(3600));
                    return null;
                  }));
        }
        awaitLockWaiters(2);

        assertThatThrownBy(
                () ->
                    store.append(
                        List.of(record(T0, "r2", "data", Outcome.success("1.0"), null)),
                        T0.plusSeconds(3600)))
            .isInstanceOfSatisfying(
                CompletionStore.StoreUnavailableException.class,
                e -> assertThat(e.retryAfterSeconds()).isEqualTo(1));
        store.probe();
        assertThat(store.health()).as("a busy pool is not a database down").isEqualTo(
            CompletionStore.StoreHealth.OK);
        lock.rollback();
      }
      for (Future<?> f : holding) {
        f.get(20, java.util.concurrent.TimeUnit.SECONDS);
      }
      store.append(
          List.of(record(T0, "r3", "data", Outcome.success("1.0"), null)), T0.plusSeconds(3600));
    } finally {
      writer.shutdownNow();
    }
    assertThat(rows()).isEqualTo(3);
  }

  @Test
  void probe_afterARunThatDeletedItsMost_goesOnAtTheNextProbe() throws Exception {
    try (PostgresCompletionStore store =
        PostgresCompletionStore.open(
            EmbeddedDatabase.settings(url),
            Clock.fixed(T0.plus(Duration.ofDays(401)), ZoneOffset.UTC),
            false)) {
      store.deleteBatch = 2;
      int most = 2 * PostgresCompletionStore.DELETE_BATCHES_PER_RUN;
      EmbeddedDatabase.execute(
          url,
          "INSERT INTO completions (request_id, update_type, received_at, product, issued_at,"
              + " version, status) SELECT 'r' || g, 'data', '2025-06-01T09:59:59Z', 'app',"
              + " '2025-06-01T09:00:00Z', '1', 'success' FROM generate_series(1, "
              + (most + 5)
              + ") g");

      store.probe();
      assertThat(rows()).isEqualTo(5);
      store.probe();

      assertThat(rows()).as("the clock stands still, yet the backlog is deleted").isZero();
    }
  }

  @Test
  void importLog_lastLineTornInsideAUtf8Sequence_skipsThatLineOnly() throws Exception {
    ServerJson json = new ServerJson();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    log.write(json.completionLine(record(T0, "r1", "data", Outcome.success("1.0"), null)));
    byte[] next =
        json.completionLine(
            record(T0, "r2", "data", Outcome.failed("1.0", FailureCode.OTHER, "d\u00e9j\u00e0"), null));
    int cut = new String(next, StandardCharsets.ISO_8859_1).indexOf('\u00c3') + 1;
    assertThat(cut).as("the line holds a two-byte character").isPositive();
    log.write(next, 0, cut); // torn by a crash between the bytes of one character
    Path file = dir.resolve("completions.jsonl");
    Files.write(file, log.toByteArray());

    try (PostgresCompletionStore store = open(T0)) {
      assertThat(store.importLog(file, json, 10))
          .isEqualTo(new PostgresCompletionStore.ImportResult(2, 1, 1));
    }
    assertThat(rows()).isEqualTo(1);
  }

  @Test
  void importLog_rowTheDatabaseRefuses_namesTheLinesOfItsBatch() throws Exception {
    ServerJson json = new ServerJson();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    for (String id : List.of("r1", "r2", "r3")) {
      log.write(json.completionLine(record(T0, id, "data", Outcome.success("1.0"), null)));
    }
    Path file = dir.resolve("completions.jsonl");
    Files.write(file, log.toByteArray());

    try (PostgresCompletionStore store = open(T0)) {
      EmbeddedDatabase.execute(
          url, "ALTER TABLE completions ADD CONSTRAINT not_r3 CHECK (request_id <> 'r3')");
      assertThatThrownBy(() -> store.importLog(file, json, 2))
          .isInstanceOf(java.io.IOException.class)
          .hasMessageContaining("stopped at lines 3 to 3");
    }
    assertThat(rows()).as("the first batch stays").isEqualTo(2);
  }

  private Path shareKey() {
    return dir.resolve("shared.key");
  }

  private static String requestId(AppUpdateServer server) throws Exception {
    HttpResponse<String> r = Fixtures.postJson(server, "/v1/update", Fixtures.SEED_REQUEST);
    return ClientCodec.create()
        .decodeUpdateResponse(r.body().getBytes(StandardCharsets.UTF_8))
        .requestId();
  }
}
