package dev.appupdate.server;

import dev.appupdate.protocol.catalog.Catalog;
import dev.appupdate.protocol.catalog.HaltThreshold;
import dev.appupdate.protocol.catalog.Release;
import dev.appupdate.server.CatalogHolder.HaltKey;
import dev.appupdate.server.CompletionStore.HaltEvent;
import dev.appupdate.server.CompletionStore.HaltFigures;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The automatic halt and the operator's halts and resumes. Every halt and resume is an event in the
 * {@link CompletionStore}, so it survives restarts and, with a shared store, reaches every replica:
 * each {@link #tick} reads the events, withholds the halted releases from the catalog served
 * ({@link CatalogHolder#halted}), then decides on the releases with a threshold that received
 * reports since the last tick (all of them after a catalog change or a start). Ticks run on one
 * thread: every {@value #POLL_SECONDS} seconds, and soon after a report for a release with a
 * threshold; tests call {@link #tick} themselves.
 *
 * <p>A resume records the figures it saw as the start of its detail, in a fixed form that this
 * class reads back ({@link Baseline}: {@code resumed at 57 reports, 7 failing}, then the
 * operator's note after {@code ": "}); from then on the threshold applies to the reporters and
 * failures added since, so a resumed release is not halted again at once by the reports that
 * halted it.
 */
final class Halts implements AutoCloseable {
  /** The failure codes that count: a broken release, not the network or the user. */
  static final Set<String> HALT_CODES =
      Set.of("install_failed", "bad_checksum", "size_mismatch", "bad_signature");

  static final String AUTOMATIC = "automatic";
  static final String OPERATOR = "operator";
  static final long POLL_SECONDS = 5;

  private static final System.Logger LOG = System.getLogger("dev.appupdate.server");

  private final CompletionStore store;
  private final CatalogHolder catalog;
  private final Clock clock;
  private final Metrics metrics;
  private final Set<HaltKey> reported = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean tickQueued = new AtomicBoolean();
  private volatile Map<HaltKey, HaltEvent> latest = Map.of();
  private volatile Map<HaltKey, Release> thresholds = Map.of();
  private Catalog evaluated;
  private ScheduledExecutorService executor;

  Halts(CompletionStore store, CatalogHolder catalog, Clock clock, Metrics metrics) {
    this.store = store;
    this.catalog = catalog;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** Ticks now and then every {@value #POLL_SECONDS} seconds on a thread of its own. */
  synchronized void start() {
    executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "appupdate-halts");
              t.setDaemon(true);
              return t;
            });
    executor.scheduleWithFixedDelay(this::tickLogged, 0, POLL_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * Notes a report for a release; when it has a threshold, a tick soon decides on it. Cheap: the
   * completion route calls it for every outcome it records.
   */
  void reported(String product, String updateType, String canonicalVersion) {
    HaltKey key = new HaltKey(product, updateType, canonicalVersion);
    if (!thresholds.containsKey(key)) {
      return;
    }
    reported.add(key);
    ScheduledExecutorService e = executor;
    if (e != null && tickQueued.compareAndSet(false, true)) {
      try {
        e.execute(this::tickLogged);
      } catch (java.util.concurrent.RejectedExecutionException stopping) {
        tickQueued.set(false);
      }
    }
  }

  private void tickLogged() {
    tickQueued.set(false);
    try {
      tick();
    } catch (IOException e) {
      metrics.storeError();
      LOG.log(Level.WARNING, "halts: the completion store cannot be read: " + e.getMessage());
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "halts: evaluation failed", e);
    }
  }

  /**
   * Reads the halt events, serves the catalog without the halted releases, and decides on the
   * releases with a threshold that were reported since the last tick.
   *
   * @throws IOException when the store cannot be read; nothing changed then
   */
  synchronized void tick() throws IOException {
    refresh();
    Catalog current = catalog.current().catalog();
    if (current == null) {
      return;
    }
    List<HaltKey> due;
    if (current != evaluated) {
      Map<HaltKey, Release> withThreshold = new HashMap<>();
      for (Release r : current.releases()) {
        if (r.halt() != null) {
          withThreshold.put(HaltKey.of(r), r);
        }
      }
      thresholds = Map.copyOf(withThreshold);
      evaluated = current;
      reported.clear();
      due = List.copyOf(withThreshold.keySet());
    } else {
      due = List.copyOf(reported);
      reported.removeAll(due);
    }
    for (HaltKey key : due) {
      Release r = thresholds.get(key);
      if (r != null) {
        evaluate(key, r.halt());
      }
    }
  }

  private void refresh() throws IOException {
    Map<HaltKey, HaltEvent> last = new HashMap<>();
    for (HaltEvent e : store.haltEvents()) {
      last.put(new HaltKey(e.product(), e.updateType(), e.version()), e);
    }
    latest = Map.copyOf(last);
    apply();
  }

  private void apply() {
    Map<HaltKey, String> halted = new HashMap<>();
    latest.forEach(
        (k, e) -> {
          if (e.halted()) {
            halted.put(k, e.detail());
          }
        });
    catalog.halted(halted);
  }

  private void evaluate(HaltKey key, HaltThreshold threshold) throws IOException {
    HaltEvent last = latest.get(key);
    if (last != null && last.halted()) {
      return;
    }
    HaltFigures figures =
        store.haltFigures(key.product(), key.updateType(), key.version(), HALT_CODES);
    Baseline since = last == null ? Baseline.NONE : Baseline.of(last);
    long reporters = Math.max(0, figures.reporters() - since.reporters());
    // Distinct reporters are not additive: installations counted before the resume may report a
    // failure after it. They count as failing among the new reporters, never beyond all of them.
    long failing = Math.min(reporters, Math.max(0, figures.failing() - since.failing()));
    if (!threshold.exceededBy(reporters, failing)) {
      return;
    }
    String detail = "failure rate " + rate(failing, reporters) + " over " + reporters + " reports";
    record(key, true, AUTOMATIC, detail);
    LOG.log(
        Level.WARNING,
        "halted {0} {1} {2}: {3} ({4} of them failing; threshold {5} over {6}); resume with POST"
            + " /admin/v1/releases/{0}/{1}/{2}/resume",
        key.product(),
        key.updateType(),
        key.version(),
        detail,
        failing,
        threshold.maxFailureRate(),
        threshold.minReports());
  }

  /** The rate with at most three decimals, as explain and the log show it: {@code 0.12}. */
  static String rate(long failing, long reporters) {
    if (reporters == 0) {
      return "0";
    }
    return BigDecimal.valueOf(failing)
        .divide(BigDecimal.valueOf(reporters), 3, RoundingMode.HALF_EVEN)
        .stripTrailingZeros()
        .toPlainString();
  }

  private void record(HaltKey key, boolean halted, String actor, String detail) throws IOException {
    HaltEvent event =
        new HaltEvent(
            clock.instant(), key.product(), key.updateType(), key.version(), halted, actor, detail);
    store.recordHaltEvent(event);
    Map<HaltKey, HaltEvent> next = new LinkedHashMap<>(latest);
    next.put(key, event);
    latest = Map.copyOf(next);
    apply();
    metrics.halt(halted, actor);
  }

  /**
   * The figures a resume saw, which the threshold counts from afterwards. A resume's detail starts
   * with {@code resumed at R reports, F failing}, R and F decimal numbers of at most 18 digits,
   * followed by nothing or by {@code ": "} and the operator's note; docs/OPERATIONS.md shows it.
   * Any other detail, and every halt, has no baseline: the threshold counts every report.
   *
   * @param reporters the distinct reporters at the resume
   * @param failing how many of them had reported a failure with a halt code
   */
  record Baseline(long reporters, long failing) {
    static final Baseline NONE = new Baseline(0, 0);

    private static final Pattern FORM =
        Pattern.compile(
            "resumed at ([0-9]{1,18}) reports, ([0-9]{1,18}) failing(?:: .*)?", Pattern.DOTALL);

    /** Returns the baseline that {@code event} records, or {@link #NONE}. */
    static Baseline of(HaltEvent event) {
      if (event.halted() || event.detail() == null) {
        return NONE;
      }
      Matcher m = FORM.matcher(event.detail());
      if (!m.matches()) {
        return NONE;
      }
      return new Baseline(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
    }

    /** Returns the detail of a resume at these figures, with {@code note} when not null. */
    String detail(String note) {
      return "resumed at " + reporters + " reports, " + failing + " failing"
          + (note == null ? "" : ": " + note);
    }
  }

  /** What an operator's halt or resume found. */
  enum Change {
    DONE,
    ALREADY,
    UNKNOWN_RELEASE
  }

  /**
   * Halts a release by an operator's decision.
   *
   * @param note the operator's words, or null
   * @throws IOException when the store cannot record it
   */
  synchronized Change halt(HaltKey key, String note) throws IOException {
    refresh();
    HaltEvent last = latest.get(key);
    if (last != null && last.halted()) {
      return Change.ALREADY;
    }
    if (!inCatalog(key)) {
      return Change.UNKNOWN_RELEASE;
    }
    record(key, true, OPERATOR, note == null ? "by an operator" : "by an operator: " + note);
    LOG.log(Level.WARNING, "an operator halted {0} {1} {2}", key.product(), key.updateType(),
        key.version());
    return Change.DONE;
  }

  /**
   * Lifts a halt by an operator's decision.
   *
   * @param note the operator's words, or null
   * @throws IOException when the store cannot be read or cannot record it
   */
  synchronized Change resume(HaltKey key, String note) throws IOException {
    refresh();
    HaltEvent last = latest.get(key);
    if (last == null || !last.halted()) {
      return inCatalog(key) ? Change.ALREADY : Change.UNKNOWN_RELEASE;
    }
    HaltFigures figures =
        store.haltFigures(key.product(), key.updateType(), key.version(), HALT_CODES);
    record(
        key, false, OPERATOR, new Baseline(figures.reporters(), figures.failing()).detail(note));
    LOG.log(Level.WARNING, "an operator resumed {0} {1} {2}", key.product(), key.updateType(),
        key.version());
    return Change.DONE;
  }

  private boolean inCatalog(HaltKey key) {
    Catalog current = catalog.current().catalog();
    if (current == null) {
      return false;
    }
    for (Release r : current.releases()) {
      if (r.product().equals(key.product())
          && r.updateType().equals(key.updateType())
          && HaltKey.of(r).equals(key)) {
        return true;
      }
    }
    return false;
  }

  /** Returns the last event of each release halted now. */
  Map<HaltKey, HaltEvent> halted() {
    Map<HaltKey, HaltEvent> halted = new LinkedHashMap<>();
    latest.forEach(
        (k, e) -> {
          if (e.halted()) {
            halted.put(k, e);
          }
        });
    return halted;
  }

  @Override
  public synchronized void close() {
    if (executor != null) {
      executor.shutdownNow();
    }
  }
}
