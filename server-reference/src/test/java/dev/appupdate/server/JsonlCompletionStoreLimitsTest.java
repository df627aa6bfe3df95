package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appupdate.protocol.FailureCode;
import dev.appupdate.protocol.Outcome;
import dev.appupdate.protocol.requestid.RequestIds;
import dev.appupdate.server.CompletionStore.CompletionCount;
import dev.appupdate.server.CompletionStore.HaltEvent;
import dev.appupdate.server.CompletionStore.HaltFigures;
import dev.appupdate.server.CompletionStore.StoreHealth;
import dev.appupdate.server.CompletionStore.StoreUnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSONL store's caps, watermark, rotation, retention, counts and halt events. */
class JsonlCompletionStoreLimitsTest {
  private static final Instant T0 = Instant.parse("2025-06-01T10:00:00Z");
  private static final Duration RETENTION = Duration.ofDays(30);
  private static final Set<String> HALT_CODES =
      Set.of("install_failed", "bad_checksum", "size_mismatch", "bad_signature");

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private final RequestIds ids = RequestIds.create(new byte[32], clock, RETENTION);
  private final ServerJson json = new ServerJson();
  private final RecordingDisk disk = new RecordingDisk();
  private JsonlCompletionStore store;

  @AfterEach
  void close() throws IOException {
    if (store != null) {
      store.close();
    }
  }

  private JsonlCompletionStore open(JsonlCompletionStore.Limits limits) throws IOException {
    if (store != null) {
      store.close();
    }
    store = null;
    store = JsonlCompletionStore.open(dir, json, ids, clock, disk, limits);
    return store;
  }

  private String newId() {
    return ids.issue("your_app", Fixtures.DEMO_OFFERS);
  }

  private CompletionRecord record(String id, String type, Outcome outcome, String installation) {
    return new CompletionRecord(clock.instant(), id, "your_app", T0, type, outcome, installation);
  }

  private int append(CompletionRecord... records) throws Exception {
    return store.appendCounting(List.of(records), clock.instant().plus(RETENTION));
  }

  private int append(String id) throws Exception {
    return append(record(id, "a", Outcome.success("1.0"), null));
  }

  private static String emoji(int n) {
    return "\uD83D\uDE00".repeat(n);
  }

  @Test
  void line_reasonOf1024Emoji_isCutTo1KiBOfUtf8WithoutEscapes() {
    Outcome outcome =
        CompletionRoute.capReason(
            Outcome.failed("1.0", FailureCode.INSTALL_FAILED, emoji(1024)));

    byte[] line = json.completionLine(record(newId(), "a", outcome, null));

    String reason = outcome.reason();
    byte[] reasonBytes = reason.getBytes(StandardCharsets.UTF_8);
    assertThat(reasonBytes.length).isLessThanOrEqualTo(CompletionRoute.MAX_REASON_BYTES);
    // 1024 - 15 bytes of marker leave room for 252 whole emoji (4 bytes each).
    assertThat(reason).isEqualTo(emoji(252) + CompletionRoute.TRUNCATED);
    String text = new String(line, StandardCharsets.UTF_8);
    assertThat(text).doesNotContain("\\u").contains(emoji(252));
    // Before: 1,024 emoji as 12 bytes of escapes each, 12.7 KB a record. Now the whole line,
    // request id and all, stays under 1.5 KB.
    assertThat(line.length).isLessThan(1500);
    assertThat(json.readCompletionLine(line, 0, line.length - 1).outcome()).isEqualTo(outcome);
  }

  @Test
  void capReason_cutsAtACodePointBoundary_andLeavesAFittingReasonAlone() {
    String fits = "x".repeat(1022) + "\u00e9";
    Outcome fitting = Outcome.failed("1.0", FailureCode.OTHER, fits);
    assertThat(CompletionRoute.capReason(fitting)).isSameAs(fitting);
    assertThat(CompletionRoute.capReason(Outcome.success("1.0"))).isEqualTo(Outcome.success("1.0"));

    // An emoji straddling the budget is dropped whole, never split into a lone surrogate.
    String straddling = "x".repeat(1024 - CompletionRoute.TRUNCATED.length() - 2) + emoji(5);
    String capped =
        CompletionRoute.capReason(
                Outcome.failed("1.0", FailureCode.OTHER, straddling)
                    .withObserved(null, "abc", 7L))
            .reason();

    assertThat(capped)
        .isEqualTo(
            "x".repeat(1024 - CompletionRoute.TRUNCATED.length() - 2) + CompletionRoute.TRUNCATED);
    assertThat(capped.getBytes(StandardCharsets.UTF_8).length).isEqualTo(1022);
  }

  @Test
  void line_installationKey_roundTrips_andIsAbsentWithoutOne() {
    byte[] with = json.completionLine(record(newId(), "a", Outcome.success("1.0"), "inst-1"));
    byte[] without = json.completionLine(record(newId(), "a", Outcome.success("1.0"), null));

    assertThat(json.readCompletionLine(with, 0, with.length - 1).installation())
        .isEqualTo("inst-1");
    assertThat(new String(without, StandardCharsets.UTF_8)).doesNotContain("installation");
    assertThat(json.readCompletionLine(without, 0, without.length - 1).installation()).isNull();
  }

  @Test
  void byteCap_reached_refusesDownAndRecoversWhenOldFilesPassTheRetention() throws Exception {
    long line = json.completionLine(record(newId(), "a", Outcome.success("1.0"), null)).length;
    long cap = line * 4 + line / 4;
    open(JsonlCompletionStore.Limits.DEFAULT.withMaxBytes(cap).withRetention(Duration.ofDays(2)));
    for (int i = 0; i < 3; i++) {
      append(newId());
    }
    clock.advance(Duration.ofDays(1));

    // A report too big for what is left is refused: down while refusing.
    CompletionRecord big =
        record(newId(), "a", Outcome.failed("1.0", FailureCode.OTHER, "x".repeat(1000)), null);
    assertThatThrownBy(() -> append(big))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("at the cap of " + cap)
        .hasMessageContaining("(--max-completion-log-size)");
    assertThat(store.health().status()).isEqualTo(StoreHealth.Status.DOWN);
    // A smaller one still fits: recording again, degraded past 90% of the cap.
    assertThat(append(newId())).isEqualTo(1);
    assertThat(store.health().status()).isEqualTo(StoreHealth.Status.DEGRADED);
    assertThat(store.health().reason())
        .isEqualTo(
            "the completion files hold "
                + line * 4
                + " of at most "
                + cap
                + " bytes (--max-completion-log-size)");
    assertThatThrownBy(() -> append(newId())).isInstanceOf(StoreUnavailableException.class);
    assertThat(store.health().status()).isEqualTo(StoreHealth.Status.DOWN);
    assertThat(store.health().reason()).contains("(--max-completion-log-size)");
    assertThat(store.failure()).isNull();

    // The file of the first day passes the retention of two days, and the request ids of its
    // reports expire: it is deleted.
    clock.advance(RETENTION.plusHours(2));

    assertThat(append(newId())).isEqualTo(1);
    assertThat(store.rotatedFiles()).hasSize(1);
    assertThat(store.health()).isEqualTo(StoreHealth.OK);
  }

  @Test
  void watermark_underIt_refusesDownLogsOncePerMinuteAndRecovers() throws Exception {
    open(JsonlCompletionStore.Limits.DEFAULT.withMinFreeBytes(1000));
    append(newId());
    disk.usableSpace(999);

    try (LogCapture capture = new LogCapture("dev.appupdate.server")) {
      for (int i = 0; i < 5; i++) {
        assertThatThrownBy(() -> append(newId()))
            .isInstanceOf(StoreUnavailableException.class)
            .hasMessage(
                "the data directory has 999 bytes free, under the watermark of 1000"
                    + " (--min-free-space); new completions are refused until space is freed")
            .extracting(e -> ((StoreUnavailableException) e).retryAfterSeconds())
            .isEqualTo(JsonlCompletionStore.RETRY_AFTER_SECONDS);
        clock.advance(Duration.ofSeconds(10));
      }
      assertThat(store.health().status()).isEqualTo(StoreHealth.Status.DOWN);
      assertThat(store.health().reason()).contains("under the watermark of 1000");
      clock.advance(Duration.ofSeconds(20));
      assertThatThrownBy(() -> append(newId())).isInstanceOf(StoreUnavailableException.class);

      assertThat(capture.messages())
          .filteredOn(m -> m.startsWith("SEVERE"))
          .containsExactly(
              "SEVERE completion reports refused (1 since the last message): the data directory"
                  + " has 999 bytes free, under the watermark of 1000 (--min-free-space); new"
                  + " completions are refused until space is freed",
              "SEVERE completion reports refused (5 since the last message): the data directory"
                  + " has 999 bytes free, under the watermark of 1000 (--min-free-space); new"
                  + " completions are refused until space is freed");
    }

    disk.usableSpace(1500);
    assertThat(append(newId())).isEqualTo(1);
    assertThat(store.health().status()).isEqualTo(StoreHealth.Status.DEGRADED);
    assertThat(store.health().reason()).contains("less than twice the watermark");

    disk.usableSpace(1L << 40);
    assertThat(append(newId())).isEqualTo(1);
    assertThat(store.health()).isEqualTo(StoreHealth.OK);
  }

  @Test
  void keyCap_full_isDown_andNearlyFull_isDegraded() throws Exception {
    open(JsonlCompletionStore.Limits.DEFAULT.withMaxKeys(10));
    for (int i = 0; i < 9; i++) {
      append(newId());
    }
    assertThat(store.health().status()).isEqualTo(StoreHealth.Status.DEGRADED);

    append(newId());

    assertThat(store.health().status()).isEqualTo(StoreHealth.Status.DOWN);
    assertThat(store.health().reason()).contains("(--max-completion-keys)");
  }

  @Test
  void rotation_atTheEndOfTheDay_keepsRepeatsRecognizedAcrossFilesAndARestart() throws Exception {
    open(JsonlCompletionStore.Limits.DEFAULT);
    String id = newId();
    append(id);
    clock.advance(Duration.ofDays(1));

    assertThat(append(newId())).isEqualTo(1);

    assertThat(store.rotatedFiles())
        .singleElement()
        .extracting(p -> p.getFileName().toString())
        .isEqualTo("completions-20250602T100000Z.jsonl");
    assertThat(append(id)).isZero();
    open(JsonlCompletionStore.Limits.DEFAULT);
    assertThat(store.keyCount()).isEqualTo(2);
    assertThat(append(id)).isZero();
    assertThat(Files.readAllLines(dir.resolve(JsonlCompletionStore.NAME))).hasSize(1);
  }

  @Test
  void rotation_atTheSizeStep_startsANewFileWithinTheDay() throws Exception {
    long line = json.completionLine(record(newId(), "a", Outcome.success("1.0"), null)).length;
    open(JsonlCompletionStore.Limits.DEFAULT.withRotateBytes(line * 2));
    for (int i = 0; i < 5; i++) {
      append(newId());
    }

    assertThat(store.rotatedFiles())
        .extracting(p -> p.getFileName().toString())
        .containsExactly(
            "completions-20250601T100000Z.jsonl", "completions-20250601T100000Z-2.jsonl");
    assertThat(Files.readAllLines(dir.resolve(JsonlCompletionStore.NAME))).hasSize(1);
  }

  @Test
  void open_deletesFilesPastTheRetentionWithoutReadingThem_andCountsOnlyWhatIsKept()
      throws Exception {
    // Longer than the request ids are valid: the retention alone decides.
    JsonlCompletionStore.Limits limits =
        JsonlCompletionStore.Limits.DEFAULT.withRetention(Duration.ofDays(40));
    open(limits);
    append(newId());
    clock.advance(Duration.ofDays(1));
    append(newId());
    clock.advance(Duration.ofDays(1));
    append(newId());
    store.close();
    store = null;
    // A file past the retention is not even read: garbage in it costs nothing.
    Path old = dir.resolve("completions-20240101T000000Z.jsonl");
    Files.writeString(old, "not json\n");
    clock.advance(Duration.ofDays(39).plusHours(1));

    open(limits);

    assertThat(old).doesNotExist();
    assertThat(store.rotatedFiles()).hasSize(1);
    assertThat(store.counts(T0.minus(Duration.ofDays(1))))
        .extracting(CompletionCount::reports)
        .containsExactly(1L, 1L);
  }

  @Test
  void counts_perHourVersionStatusAndCode_sameAfterARestart() throws Exception {
    open(JsonlCompletionStore.Limits.DEFAULT);
    append(
        record(newId(), "a", Outcome.success("1.0"), null),
        record(newId(), "b", Outcome.success("2.0"), null));
    append(record(newId(), "a", Outcome.success("1.0.0"), null));
    clock.advance(Duration.ofMinutes(90));
    append(record(newId(), "a", Outcome.failed("1.0", FailureCode.BAD_CHECKSUM, "x"), null));

    List<CompletionCount> expected =
        List.of(
            new CompletionCount("your_app", "a", "1", "success", null, T0, 2),
            new CompletionCount("your_app", "b", "2", "success", null, T0, 1),
            new CompletionCount(
                "your_app", "a", "1", "failed", "bad_checksum", T0.plusSeconds(3600), 1));
    assertThat(store.counts(T0)).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(store.counts(T0.plusSeconds(3600 + 1800)))
        .containsExactly(expected.get(2));

    open(JsonlCompletionStore.Limits.DEFAULT);

    assertThat(store.counts(T0)).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void haltFigures_countDistinctInstallationsElseRequestIds_leavingCancelledOut()
      throws Exception {
    open(JsonlCompletionStore.Limits.DEFAULT);
    Outcome broken = Outcome.failed("1.0", FailureCode.INSTALL_FAILED, "boom");
    // One installation reporting three times counts once.
    append(record(newId(), "a", broken, "inst-1"));
    append(record(newId(), "a", broken, "inst-1"));
    append(record(newId(), "a", Outcome.success("1.0"), "inst-1"));
    append(record(newId(), "a", Outcome.success("1.0"), "inst-2"));
    // Without an installation key, each request id is a reporter.
    append(record(newId(), "a", broken, null));
    append(
        record(newId(), "a", Outcome.failed("1.0", FailureCode.DOWNLOAD_FAILED, "net"), null));
    append(
        record(newId(), "a", Outcome.failed("1.0", FailureCode.CANCELLED, "user"), "inst-3"));
    append(record(newId(), "b", broken, "inst-4"));

    HaltFigures figures = store.haltFigures("your_app", "a", "1.0.0", HALT_CODES);

    assertThat(figures).isEqualTo(new HaltFigures(4, 2));
    assertThat(store.haltFigures("your_app", "b", "1", HALT_CODES))
        .isEqualTo(new HaltFigures(1, 1));
    assertThat(store.haltFigures("your_app", "a", "2", HALT_CODES))
        .isEqualTo(new HaltFigures(0, 0));
    open(JsonlCompletionStore.Limits.DEFAULT);
    assertThat(store.haltFigures("your_app", "a", "1", HALT_CODES)).isEqualTo(figures);
  }

  @Test
  void haltEvents_areRecordedDurablyAndReadBackAtOpen_aTornLastLineDropped() throws Exception {
    open(JsonlCompletionStore.Limits.DEFAULT);
    HaltEvent halt =
        new HaltEvent(T0, "your_app", "a", "1", true, "automatic", "3 of 50 failed \u2013 6%");
    HaltEvent resume =
        new HaltEvent(T0.plusSeconds(60), "your_app", "a", "1", false, "operator", null);
    disk.clear();

    store.recordHaltEvent(halt);
    store.recordHaltEvent(resume);

    assertThat(disk.events()).containsExactly("force(false)", "force(false)");
    store.close();
    store = null;
    Files.write(
        dir.resolve(HaltLog.NAME),
        "{\"at\":\"2025".getBytes(StandardCharsets.UTF_8),
        StandardOpenOption.APPEND);
    open(JsonlCompletionStore.Limits.DEFAULT);
    assertThat(store.haltEvents()).containsExactly(halt, resume);
    store.recordHaltEvent(halt);
    open(JsonlCompletionStore.Limits.DEFAULT);
    assertThat(store.haltEvents()).containsExactly(halt, resume, halt);
  }

  @Test
  void retention_shorterThanRequestIdValidity_keepsFilesUntilTheirIdsExpire_repeatsRecognized()
      throws Exception {
    JsonlCompletionStore.Limits limits =
        JsonlCompletionStore.Limits.DEFAULT.withRetention(Duration.ofDays(1));
    open(limits);
    String id = newId();
    append(id);
    clock.advance(Duration.ofDays(1));
    append(newId());
    Path first = store.rotatedFiles().get(0);
    // Past the retention of one day, but the request id is valid for 30 days.
    clock.advance(Duration.ofDays(2));
    append(newId());

    assertThat(store.rotatedFiles()).contains(first);
    open(limits);
    assertThat(append(id)).isZero();

    // Once the request ids it holds have expired (and the hour of grace is over), it goes.
    clock.advance(RETENTION);
    append(newId());
    assertThat(first).doesNotExist();
    assertThat(store.rotatedFiles()).doesNotContain(first);
  }

  @Test
  void repeat_whileNewReportsAreRefusedForTheByteCapOrTheWatermark_isAcknowledged()
      throws Exception {
    long line = json.completionLine(record(newId(), "a", Outcome.success("1.0"), null)).length;
    open(JsonlCompletionStore.Limits.DEFAULT.withMinFreeBytes(1000));
    String id = newId();
    append(id);
    append(newId());
    append(newId());
    // Restarted with a cap below what the files hold already.
    open(JsonlCompletionStore.Limits.DEFAULT.withMinFreeBytes(1000).withMaxBytes(line * 2));
    assertThatThrownBy(() -> append(newId()))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("(--max-completion-log-size)");

    assertThat(append(id)).isZero();

    disk.usableSpace(999);
    assertThatThrownBy(() -> append(newId()))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("(--min-free-space)");
    assertThat(append(id)).isZero();
    assertThat(Files.readAllLines(dir.resolve(JsonlCompletionStore.NAME))).hasSize(3);
  }

  @Test
  void health_flippingWithEveryReport_isLoggedAtMostOnceAMinute() throws Exception {
    open(JsonlCompletionStore.Limits.DEFAULT.withMinFreeBytes(1000));
    append(newId());

    try (LogCapture capture = new LogCapture("dev.appupdate.server")) {
      for (int i = 0; i < 5; i++) {
        disk.usableSpace(999);
        assertThatThrownBy(() -> append(newId())).isInstanceOf(StoreUnavailableException.class);
        assertThat(store.health().status()).isEqualTo(StoreHealth.Status.DOWN);
        disk.usableSpace(1L << 40);
        assertThat(append(newId())).isEqualTo(1);
        assertThat(store.health()).isEqualTo(StoreHealth.OK);
        clock.advance(Duration.ofSeconds(5));
      }
      assertThat(healthLines(capture))
          .singleElement()
          .asString()
          .startsWith("WARNING completion store down: the data directory has 999 bytes free");

      // A minute after the last line, the state it left behind is corrected.
      clock.advance(Duration.ofMinutes(1));
      append(newId());
      assertThat(healthLines(capture)).hasSize(2).last().isEqualTo("INFO completion store ok");
    }
  }

  private static List<String> healthLines(LogCapture capture) {
    return capture.messages().stream().filter(m -> m.contains(" completion store ")).toList();
  }

  @Test
  void haltEvent_failedForce_cutsTheLineAndForcesTheCut() throws Exception {
    open(JsonlCompletionStore.Limits.DEFAULT);
    HaltEvent halt = new HaltEvent(T0, "your_app", "a", "1", true, "automatic", "x");
    disk.clear();
    disk.failNextForces(1);

    assertThatThrownBy(() -> store.recordHaltEvent(halt)).isInstanceOf(IOException.class);

    assertThat(disk.events()).containsExactly("failed force(false)", "force(true)");
    assertThat(Files.size(dir.resolve(HaltLog.NAME))).isZero();
    open(JsonlCompletionStore.Limits.DEFAULT);
    assertThat(store.haltEvents()).isEmpty();
  }

  @Test
  void watermark_overHalfTheLargestSize_stillSaysDegradedUnderTwiceIt() throws Exception {
    long watermark = Long.MAX_VALUE / 2 + 1;
    disk.usableSpace(watermark + 1);
    open(JsonlCompletionStore.Limits.DEFAULT.withMinFreeBytes(watermark));

    assertThat(append(newId())).isEqualTo(1);

    assertThat(store.health().status()).isEqualTo(StoreHealth.Status.DEGRADED);
    assertThat(store.health().reason()).contains("less than twice the watermark");
  }
}
