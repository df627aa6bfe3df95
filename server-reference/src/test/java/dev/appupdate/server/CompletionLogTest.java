package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appupdate.protocol.Outcome;
import dev.appupdate.protocol.requestid.RequestIds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

class CompletionLogTest {
  private static final Instant T0 = Instant.parse("2025-06-01T10:00:00Z");
  private static final Duration RETENTION = Duration.ofDays(30);

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private final RequestIds ids = RequestIds.create(new byte[32], clock, RETENTION);
  private final ServerJson json = new ServerJson();
  private CompletionLog log;

  @AfterEach
  void close() throws IOException {
    if (log != null) {
      log.close();
    }
  }

  private CompletionLog open() throws IOException {
    if (log != null) {
      log.close();
    }
    log = CompletionLog.open(dir, json, ids, clock);
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
    return log.append(records, clock.instant().plus(RETENTION));
  }

  private List<String> lines() throws IOException {
    return Files.readAllLines(dir.resolve(CompletionLog.NAME));
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
  void tornFinalLine_isReportedAndCutOff() throws Exception {
    open();
    String id = newId();
    append(id, "a", "b");
    log.close();
    log = null;
    Path file = dir.resolve(CompletionLog.NAME);
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
    Path file = dir.resolve(CompletionLog.NAME);
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
    Files.write(dir.resolve(CompletionLog.NAME), new byte[0]);

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
}
