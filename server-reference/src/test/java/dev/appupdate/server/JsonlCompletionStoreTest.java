package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appupdate.protocol.FailureCode;
import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.Outcome;
import dev.appupdate.protocol.requestid.RequestIds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlCompletionStoreTest {
  private static final Instant T0 = Instant.parse("2025-06-01T10:00:00Z");
  private static final Duration RETENTION = Duration.ofDays(30);

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private final RequestIds ids = RequestIds.create(new byte[32], clock, RETENTION);
  private final ServerJson json = new ServerJson();
  private JsonlCompletionStore log;

  @AfterEach
  void close() throws IOException {
    if (log != null) {
      log.close();
    }
  }

  private final RecordingDisk disk = new RecordingDisk();

  private JsonlCompletionStore open() throws IOException {
    return open(JsonlCompletionStore.DEFAULT_MAX_KEYS);
  }

  private JsonlCompletionStore open(int maxKeys) throws IOException {
    return open(JsonlCompletionStore.Limits.DEFAULT.withMaxKeys(maxKeys));
  }

  private JsonlCompletionStore open(JsonlCompletionStore.Limits limits) throws IOException {
    if (log != null) {
      log.close();
    }
    log = null;
    log = JsonlCompletionStore.open(dir, json, ids, clock, disk, limits);
    return log;
  }

  private CompletionRecord record(String requestId, String type) {
    return new CompletionRecord(
        clock.instant(), requestId, "your_app", T0, type, Outcome.success("1.0"));
  }

  private int append(String requestId, String... types) throws Exception {
    List<CompletionRecord> records = new ArrayList<>();
    for (String t : types) {
      records.add(record(requestId, t));
    }
    return log.appendCounting(records, clock.instant().plus(RETENTION));
  }

  /** The lines of every kept file: the rotated ones, oldest first, then the active one. */
  private List<String> lines() throws IOException {
    List<String> lines = new ArrayList<>();
    for (Path p : log.rotatedFiles()) {
      lines.addAll(Files.readAllLines(p));
    }
    lines.addAll(Files.readAllLines(dir.resolve(JsonlCompletionStore.NAME)));
    return lines;
  }

  private String newId() {
    return ids.issue("your_app", Fixtures.DEMO_OFFERS);
  }

  @Test
  void append_writesOneLinePerUpdateType() throws Exception {
    open();
    String id = newId();

    assertThat(append(id, "a", "b")).isEqualTo(2);

    assertThat(lines()).hasSize(2);
    assertThat(lines().get(1)).contains("\"update_type\":\"b\"");
  }

  @Test
  void append_sameKeyAgain_writesNothing() throws Exception {
    open();
    String id = newId();
    append(id, "a");

    assertThat(append(id, "a", "b")).isEqualTo(1);

    assertThat(lines()).hasSize(2);
  }

  @Test
  void reopen_remembersRecordedKeys() throws Exception {
    open();
    String id = newId();
    append(id, "a");
    open();

    assertThat(log.keyCount()).isEqualTo(1);
    assertThat(append(id, "a")).isZero();
    assertThat(lines()).hasSize(1);
  }

  @Test
  void reopen_forgetsKeysOfExpiredRequestIds() throws Exception {
    open();
    append(newId(), "a");
    clock.advance(Duration.ofDays(20));
    append(newId(), "a");
    clock.advance(Duration.ofDays(11));

    open();

    assertThat(log.keyCount()).isEqualTo(1);
    assertThat(lines()).hasSize(2);
  }

  @Test
  void keysOfExpiredRequestIds_arePrunedWhileRunning() throws Exception {
    open();
    append(newId(), "a");
    clock.advance(Duration.ofDays(31));

    append(newId(), "a");

    assertThat(log.keyCount()).isEqualTo(1);
  }

  @Test
  void line_failedWithNonCanonicalVersion_roundTripsAndNamesTheCanonicalVersion() {
    CompletionRecord record =
        new CompletionRecord(
            T0,
            newId(),
            "your_app",
            T0,
            "b",
            Outcome.failed("2.0.0", FailureCode.BAD_CHECKSUM, Outcome.BAD_CHECKSUM)
                .withObserved(HashFunction.SHA512, "abc123", 7L));

    byte[] line = json.completionLine(record);
    String text = new String(line, StandardCharsets.UTF_8);

    assertThat(text)
        .contains("\"version\":\"2\"", "\"reported_version\":\"2.0.0\"")
        .contains("\"code\":\"bad_checksum\"");
    assertThat(json.readCompletionLine(line, 0, line.length - 1)).isEqualTo(record);
  }

  @Test
  void line_canonicalVersion_hasNoReportedVersion() {
    byte[] line =
        json.completionLine(
            new CompletionRecord(T0, newId(), "your_app", T0, "a", Outcome.success("3")));

    assertThat(new String(line, StandardCharsets.UTF_8))
        .contains("\"version\":\"3\"")
        .doesNotContain("reported_version");
  }

  @Test
  void line_ofAServerOlderThanFailureCodes_readsWithTheDerivedCode() {
    byte[] line =
        ("{\"received_at\":\"2025-06-01T10:00:00Z\",\"request_id\":\"x\",\"product\":\"your_app\","
                + "\"issued_at\":\"2025-06-01T10:00:00Z\",\"update_type\":\"b\",\"status\":\"failed\","
                + "\"version\":\"2.0\",\"reason\":\"bad checksum\"}")
            .getBytes(StandardCharsets.UTF_8);

    CompletionRecord record = json.readCompletionLine(line, 0, line.length);

    assertThat(record.outcome())
        .isEqualTo(Outcome.failed("2.0", FailureCode.BAD_CHECKSUM, "bad checksum"));
  }

  @Test
  void tornFinalLine_isReportedAndCutOff() throws Exception {
    open();
    String id = newId();
    append(id, "a", "b");
    log.close();
    log = null;
    Path file = dir.resolve(JsonlCompletionStore.NAME);
    long intact = Files.size(file);
    byte[] torn =
        "{\"received_at\":\"2025-06-01T10:00:00Z\",\"request_id\":\"x"
            .getBytes(StandardCharsets.UTF_8);
    Files.write(file, torn, StandardOpenOption.APPEND);

    try (LogCapture capture = new LogCapture("dev.appupdate.server")) {
      open();
      assertThat(capture.messages())
          .anySatisfy(
              m ->
                  assertThat(m)
                      .startsWith(
                          "WARNING "
                              + file
                              + ": dropping a torn final line of "
                              + torn.length
                              + " bytes at offset "
                              + intact));
    }

    assertThat(Files.size(file)).isEqualTo(intact);
    assertThat(append(id, "a")).isZero();
    assertThat(append(id, "c")).isEqualTo(1);
    assertThat(lines()).hasSize(3).allSatisfy(l -> assertThat(l).startsWith("{").endsWith("}"));
  }

  @Test
  void unreadableLineInTheMiddle_isKeptAndIgnored() throws Exception {
    open();
    String id = newId();
    append(id, "a");
    log.close();
    log = null;
    Path file = dir.resolve(JsonlCompletionStore.NAME);
    Files.write(file, "not json\n".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);

    try (LogCapture capture = new LogCapture("dev.appupdate.server")) {
      open();
      assertThat(capture.messages())
          .anySatisfy(m -> assertThat(m).contains("line 2 is unreadable"));
    }

    assertThat(append(id, "a")).isZero();
    assertThat(lines()).hasSize(2);
  }

  @Test
  void emptyFile_opensClean() throws Exception {
    Files.write(dir.resolve(JsonlCompletionStore.NAME), new byte[0]);

    open();

    assertThat(log.keyCount()).isZero();
  }

  @Test
  void concurrentAppends_neverInterleaveAndRecordEachKeyOnce() throws Exception {
    open();
    List<String> requestIds = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      requestIds.add(newId());
    }
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int round = 0; round < 3; round++) {
        for (String id : requestIds) {
          results.add(
              pool.submit(() -> append(id, "my_important_data", "my_important_binary_blob")));
        }
      }
      int written = 0;
      for (Future<Integer> f : results) {
        written += f.get();
      }
      assertThat(written).isEqualTo(80);
    } finally {
      pool.shutdownNow();
    }

    List<String> lines = lines();
    assertThat(lines).hasSize(80);
    Set<String> keys = new HashSet<>();
    for (String line : lines) {
      byte[] b = line.getBytes(StandardCharsets.UTF_8);
      CompletionRecord r = json.readCompletionLine(b, 0, b.length);
      assertThat(keys.add(r.requestId() + "/" + r.updateType())).isTrue();
    }
  }

  @Test
  void append_afterClose_fails() throws Exception {
    open();
    log.close();

    assertThatThrownBy(() -> append(newId(), "a"))
        .isInstanceOf(IOException.class)
        .hasMessage("the completion log is closed");
  }

  @Test
  void open_forcesTheLinesItReadAndTheirDirectoryBeforeServingRepeats() throws Exception {
    // Lines another process wrote and died before forcing: still in the page cache only.
    String id = newId();
    byte[] line = json.completionLine(record(id, "a"));
    Files.write(dir.resolve(JsonlCompletionStore.NAME), line);

    open();

    // The completion log, then the halt log.
    assertThat(disk.events())
        .containsExactly(
            "force(true)", "dir " + dir.getFileName(), "force(true)", "dir " + dir.getFileName());
    assertThat(append(id, "a")).isZero();
  }

  @Test
  void append_forcesBeforeItReturns() throws Exception {
    open();
    disk.clear();

    append(newId(), "a");

    assertThat(disk.events()).containsExactly("force(false)");
  }

  @Test
  void append_forceFails_recordsNothingAndTheNextAppendWorks() throws Exception {
    open();
    String id = newId();
    disk.failNextForces(1);

    try (LogCapture capture = new LogCapture("dev.appupdate.server")) {
      assertThatThrownBy(() -> append(id, "a"))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("Input/output error (injected)");
      assertThat(capture.messages())
          .contains("SEVERE cannot write the completion log " + dir.resolve(JsonlCompletionStore.NAME));
    }

    assertThat(lines()).isEmpty();
    assertThat(append(id, "a")).isEqualTo(1);
    assertThat(lines()).hasSize(1);
  }

  @Test
  void create_isReadableByTheOwnerOnly() throws Exception {
    open();

    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve(JsonlCompletionStore.NAME))))
        .isEqualTo("rw-------");
  }

  @Test
  void append_fileGrownByAnotherWriter_isRefusedOverwritingNothingAndTheLogIsBroken()
      throws Exception {
    open();
    append(newId(), "a");
    byte[] foreign = json.completionLine(record(newId(), "b"));
    Files.write(dir.resolve(JsonlCompletionStore.NAME), foreign, StandardOpenOption.APPEND);
    List<String> before = lines();

    try (LogCapture capture = new LogCapture("dev.appupdate.server")) {
      assertThatThrownBy(() -> append(newId(), "c"))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("but this server wrote it up to")
          .hasMessageContaining("something else wrote, truncated or rotated it");
      assertThat(capture.messages())
          .anySatisfy(m -> assertThat(m).startsWith("SEVERE the completion log " + dir));
    }

    assertThat(lines()).isEqualTo(before);
    assertThat(log.failure()).isNotNull();
    try (LogCapture capture = new LogCapture("dev.appupdate.server")) {
      assertThatThrownBy(() -> append(newId(), "d"))
          .isInstanceOf(CompletionStore.StoreUnavailableException.class)
          .hasMessageContaining("cannot be written since an earlier failure");
      assertThat(capture.messages())
          .singleElement()
          .asString()
          .startsWith("SEVERE completion reports refused (1 since the last message)");
    }
    assertThat(lines()).isEqualTo(before);
  }

  @Test
  void append_fileTruncatedByCopytruncate_isRefusedWritingNoNuls() throws Exception {
    open();
    append(newId(), "a");
    Files.write(dir.resolve(JsonlCompletionStore.NAME), new byte[0]);

    try (LogCapture capture = new LogCapture("dev.appupdate.server")) {
      assertThatThrownBy(() -> append(newId(), "b"))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("is 0 bytes long, but this server wrote it up to");
      assertThat(capture.messages())
          .filteredOn(m -> m.startsWith("SEVERE"))
          .singleElement()
          .asString()
          .contains("copytruncate");
    }

    assertThat(Files.size(dir.resolve(JsonlCompletionStore.NAME))).isZero();
  }

  @Test
  void repeatVerifiedJustBeforeExpiry_isRecognizedAfterTheHourlyPrune() throws Exception {
    open();
    String id = newId(); // expires at T0 + 30 days
    append(id, "a");
    // The repeat was verified in time, then waited in the queue past the expiry while the first
    // group after the prune interval ran.
    clock.advance(RETENTION.plusSeconds(1));
    append(newId(), "b");

    assertThat(log.appendCounting(List.of(record(id, "a")), T0.plus(RETENTION))).isZero();

    assertThat(lines()).hasSize(2);
  }

  @Test
  void append_capReached_isRefusedLoggedOnceAndRepeatsStillRecognized() throws Exception {
    open(3);
    String id = newId();
    append(id, "a", "b");

    try (LogCapture capture = new LogCapture("dev.appupdate.server")) {
      assertThatThrownBy(() -> append(newId(), "a", "b"))
          .isInstanceOf(CompletionStore.StoreUnavailableException.class)
          .hasMessage(
              "2 completions of unexpired request ids are remembered, the most allowed"
                  + " (--max-completion-keys); new completions are refused until older request ids"
                  + " expire");
      assertThatThrownBy(() -> append(newId(), "a", "b"))
          .isInstanceOf(CompletionStore.StoreUnavailableException.class);

      assertThat(capture.messages())
          .filteredOn(m -> m.contains("the most allowed"))
          .singleElement()
          .asString()
          .startsWith("SEVERE completion reports refused (1 since the last message): 2 completions")
          .contains("(--max-completion-keys)");
    }
    assertThat(append(id, "a", "b")).isZero();
    assertThat(append(newId(), "a")).isEqualTo(1);
    assertThat(lines()).hasSize(3);
    assertThat(log.failure()).isNull();
  }

  @Test
  void append_capReached_freesUpOnceOldRequestIdsExpire() throws Exception {
    open(1);
    append(newId(), "a");
    try (LogCapture capture = new LogCapture("dev.appupdate.server")) {
      assertThatThrownBy(() -> append(newId(), "a")).isInstanceOf(IOException.class);
      assertThat(capture.messages()).singleElement().asString().contains("the most allowed");
    }
    clock.advance(RETENTION.plus(JsonlCompletionStore.PRUNE_INTERVAL).plusSeconds(60));

    assertThat(append(newId(), "a")).isEqualTo(1);
  }

  @Test
  void reopen_moreUnexpiredCompletionsThanTheCap_failsSayingHowToRaiseIt() throws Exception {
    open();
    append(newId(), "a", "b", "c");
    log.close();
    log = null;

    assertThatThrownBy(() -> open(2))
        .isInstanceOf(IOException.class)
        .hasMessage(
            dir.resolve(JsonlCompletionStore.NAME)
                + " holds more unexpired completions than the 2 that can be remembered to"
                + " recognize repeated reports; raise the limit (--max-completion-keys) or shorten"
                + " the retention");
  }

  @Test
  void close_forcesAndReportsAFailedForce() throws Exception {
    open();
    append(newId(), "a");
    disk.clear();
    disk.failNextForces(1);

    assertThatThrownBy(log::close)
        .isInstanceOf(IOException.class)
        .hasMessage("Input/output error (injected)");
    log = null;
    assertThat(disk.events()).containsExactly("failed force(true)");
  }
}
