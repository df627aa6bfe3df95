package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appupdate.protocol.FailureCode;
import dev.appupdate.protocol.Outcome;
import dev.appupdate.protocol.UpdateRequest;
import dev.appupdate.protocol.catalog.Catalog;
import dev.appupdate.protocol.catalog.Explanation;
import dev.appupdate.protocol.catalog.Matcher;
import dev.appupdate.server.CatalogHolder.HaltKey;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HaltsTest {
  private static final URI BASE = URI.create("http://127.0.0.1:8000/");
  private static final HaltKey DATA_2 = new HaltKey("your_app", "data", "2");

  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:00Z"));
  private final MemoryStore store = new MemoryStore();
  private final CatalogHolder holder = new CatalogHolder(snapshot(catalogWithThreshold("0.1", 10)));
  private final Halts halts = new Halts(store, holder, clock, new Metrics());
  private int requestNumber;

  private static String catalogWithThreshold(String rate, int minReports) {
    return Fixtures.catalog("data:1.0", "data:2.0")
        .replace(
            "\"version\": \"2.0\",",
            "\"version\": \"2.0\", \"halt\": {\"max_failure_rate\": "
                + rate
                + ", \"min_reports\": "
                + minReports
                + "},");
  }

  private CatalogHolder.Snapshot snapshot(String json) {
    Catalog c = Catalog.parse(json.getBytes(StandardCharsets.UTF_8), "catalog.json");
    return CatalogHolder.Snapshot.of(c, Matcher.create(c, BASE), clock.instant(), 1, false);
  }

  private List<String> offered() {
    return holder.offers(request()).stream().map(u -> u.version()).toList();
  }

  private static UpdateRequest request() {
    return UpdateRequest.builder("your_app", "1.0", "linux", "en").build();
  }

  /** Reports from {@code n} installations, {@code failing} of them with {@code code}. */
  private void report(int n, int failing, FailureCode code) {
    List<CompletionRecord> records = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int id = requestNumber++;
      Outcome o =
          i < failing ? Outcome.failed("2.0", code, "it broke") : Outcome.success("2.0.0");
      records.add(
          new CompletionRecord(
              clock.instant(), "req" + id, "your_app", clock.instant(), "data", o, "inst" + id));
    }
    store.append(records, clock.instant().plus(Duration.ofDays(30)));
    halts.reported("your_app", "data", "2");
  }

  @Test
  void tick_failureRateAboveThresholdWithEnoughReports_haltsAndFallsBack() throws Exception {
    halts.tick();
    report(9, 9, FailureCode.INSTALL_FAILED);
    halts.tick();
    assertThat(offered()).as("9 reports are below min_reports").containsExactly("2.0");

    report(1, 0, FailureCode.INSTALL_FAILED);
    halts.tick();

    assertThat(offered()).containsExactly("1.0");
    assertThat(holder.explain(request()).candidates())
        .extracting(Explanation.Candidate::reason)
        .containsExactly("halted: failure rate 0.9 over 10 reports", Explanation.OFFERED);
    assertThat(store.haltEvents())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.halted()).isTrue();
              assertThat(e.actor()).isEqualTo("automatic");
              assertThat(e.at()).isEqualTo(clock.instant());
              assertThat(e.version()).isEqualTo("2");
            });
  }

  @Test
  void tick_rateExactlyAtTheMaximum_doesNotHalt() throws Exception {
    halts.tick();
    report(10, 1, FailureCode.BAD_CHECKSUM);
    halts.tick();

    assertThat(offered()).containsExactly("2.0");
    assertThat(store.haltEvents()).isEmpty();
  }

  @Test
  void tick_networkFailuresAndCancels_countNowhere() throws Exception {
    halts.tick();
    report(10, 10, FailureCode.DOWNLOAD_FAILED);
    report(20, 20, FailureCode.CANCELLED);
    report(1, 1, FailureCode.SIZE_MISMATCH);
    halts.tick();

    assertThat(offered()).containsExactly("2.0");
    assertThat(store.haltFigures("your_app", "data", "2", Halts.HALT_CODES))
        .isEqualTo(new CompletionStore.HaltFigures(11, 1));
  }

  @Test
  void tick_oneInstallationReportingManyTimes_countsOnce() throws Exception {
    halts.tick();
    List<CompletionRecord> records = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      records.add(
          new CompletionRecord(
              clock.instant(),
              "req" + i,
              "your_app",
              clock.instant(),
              "data",
              Outcome.failed("2.0", FailureCode.INSTALL_FAILED, "x"),
              "the-same-installation"));
    }
    store.append(records, clock.instant().plus(Duration.ofDays(1)));
    halts.reported("your_app", "data", "2");
    halts.tick();

    assertThat(offered()).containsExactly("2.0");
  }

  @Test
  void resume_afterAutomaticHalt_offersAgainAndJudgesOnlyNewReports() throws Exception {
    halts.tick();
    report(10, 5, FailureCode.INSTALL_FAILED);
    halts.tick();
    assertThat(offered()).containsExactly("1.0");
    clock.advance(Duration.ofMinutes(5));

    assertThat(halts.resume(DATA_2, "fixed the installer")).isEqualTo(Halts.Change.DONE);
    halts.tick();
    assertThat(offered()).containsExactly("2.0");
    assertThat(store.haltEvents().get(1).detail())
        .isEqualTo("resumed at 10 reports, 5 failing: fixed the installer");

    report(9, 1, FailureCode.INSTALL_FAILED);
    halts.tick();
    assertThat(offered()).as("9 new reports, 1 failing: 0.11 but below min_reports").containsExactly("2.0");
    report(1, 1, FailureCode.INSTALL_FAILED);
    halts.tick();
    assertThat(offered()).containsExactly("1.0");
    assertThat(halts.halted().get(DATA_2).detail()).isEqualTo("failure rate 0.2 over 10 reports");
  }

  @Test
  void haltAndResume_byOperator_areRecordedAndRefusedTwice() throws Exception {
    assertThat(halts.halt(DATA_2, null)).isEqualTo(Halts.Change.DONE);
    assertThat(halts.halt(DATA_2, null)).isEqualTo(Halts.Change.ALREADY);
    assertThat(offered()).containsExactly("1.0");
    assertThat(holder.explain(request()).candidates().get(0).reason())
        .isEqualTo("halted: by an operator");

    assertThat(halts.resume(DATA_2, null)).isEqualTo(Halts.Change.DONE);
    assertThat(halts.resume(DATA_2, null)).isEqualTo(Halts.Change.ALREADY);
    assertThat(halts.halt(new HaltKey("your_app", "data", "9.0"), null))
        .isEqualTo(Halts.Change.UNKNOWN_RELEASE);
    assertThat(store.haltEvents())
        .extracting(CompletionStore.HaltEvent::halted, CompletionStore.HaltEvent::actor)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(true, "operator"),
            org.assertj.core.groups.Tuple.tuple(false, "operator"));
  }

  @Test
  void install_newCatalogWithoutTheThreshold_keepsTheHalt() throws Exception {
    halts.halt(DATA_2, "bad build");

    holder.install(snapshot(Fixtures.catalog("data:1.0", "data:2.0.0")));
    halts.tick();

    assertThat(offered()).containsExactly("1.0");
  }

  @Test
  void tick_haltRecordedByAnotherReplica_isHonouredAtTheNextTick() throws Exception {
    halts.tick();
    store.recordHaltEvent(
        new CompletionStore.HaltEvent(
            clock.instant(), "your_app", "data", "2", true, "automatic",
            "failure rate 0.5 over 60 reports"));
    assertThat(offered()).containsExactly("2.0");

    halts.tick();

    assertThat(offered()).containsExactly("1.0");
  }

  @Test
  void tick_storeUnreadable_throwsAndKeepsWhatIsServed() throws Exception {
    halts.halt(DATA_2, null);
    store.failReads(true);

    assertThatThrownBy(halts::tick).isInstanceOf(IOException.class);
    assertThat(offered()).containsExactly("1.0");
  }

  @Test
  void tick_afterResume_earlierReportersNowFailing_neverShowsARateAboveOne() throws Exception {
    halts.tick();
    report(20, 0, FailureCode.INSTALL_FAILED);
    halts.halt(DATA_2, "looking into it");
    halts.resume(DATA_2, null);
    List<CompletionRecord> records = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      // The same installations as before the resume, failing on a second attempt.
      records.add(
          new CompletionRecord(
              clock.instant(), "again" + i, "your_app", clock.instant(), "data",
              Outcome.failed("2.0", FailureCode.INSTALL_FAILED, "x"), "inst" + i));
    }
    store.append(records, clock.instant().plus(Duration.ofDays(30)));
    report(10, 0, FailureCode.INSTALL_FAILED);
    halts.tick();

    assertThat(offered()).containsExactly("1.0");
    assertThat(halts.halted().get(DATA_2).detail()).isEqualTo("failure rate 1 over 10 reports");
  }

  @Test
  void tick_resumeDetailWithNumbersTooLarge_countsEveryReportInsteadOfFailing() throws Exception {
    halts.tick();
    store.recordHaltEvent(
        new CompletionStore.HaltEvent(
            clock.instant(), "your_app", "data", "2", false, "operator",
            "resumed at 99999999999999999999 reports, 1 failing"));
    report(10, 5, FailureCode.INSTALL_FAILED);

    halts.tick();

    assertThat(offered()).containsExactly("1.0");
    assertThat(halts.halted().get(DATA_2).detail()).isEqualTo("failure rate 0.5 over 10 reports");
  }

  @Test
  void baseline_resumeDetailWithANote_readsBackTheFiguresOnly() {
    Halts.Baseline b = new Halts.Baseline(57, 7);
    String detail = b.detail("resumed at 1 reports, 0 failing\nsecond line");

    assertThat(detail).startsWith("resumed at 57 reports, 7 failing: ");
    assertThat(Halts.Baseline.of(resume(detail))).isEqualTo(b);
    assertThat(Halts.Baseline.of(resume("by an operator: resumed at 5 reports, 1 failing")))
        .isEqualTo(Halts.Baseline.NONE);
    assertThat(Halts.Baseline.of(resume("resumed at 5 reports, 1 failingX")))
        .isEqualTo(Halts.Baseline.NONE);
    assertThat(Halts.Baseline.of(resume(null))).isEqualTo(Halts.Baseline.NONE);
  }

  private CompletionStore.HaltEvent resume(String detail) {
    return new CompletionStore.HaltEvent(
        clock.instant(), "your_app", "data", "2", false, "operator", detail);
  }
}
