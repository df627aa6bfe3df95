package dev.appupdate.server;

import dev.appupdate.protocol.FailureCode;
import dev.appupdate.protocol.Outcome;
import dev.appupdate.protocol.Version;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link CompletionStore} in memory that follows the contract to the letter, for the tests of
 * the statistics and the automatic halt. {@link #failReads} makes every read fail.
 */
final class MemoryStore implements CompletionStore {
  private final List<CompletionRecord> records = new ArrayList<>();
  private final Set<String> keys = new HashSet<>();
  private final List<HaltEvent> events = new ArrayList<>();
  private volatile boolean failReads;
  private volatile StoreHealth health = StoreHealth.OK;

  void failReads(boolean fail) {
    this.failReads = fail;
  }

  void health(StoreHealth health) {
    this.health = health;
  }

  @Override
  public synchronized void append(List<CompletionRecord> records, Instant expiresAt) {
    for (CompletionRecord r : records) {
      if (keys.add(r.requestId() + " " + r.updateType())) {
        this.records.add(r);
      }
    }
  }

  @Override
  public StoreHealth health() {
    return health;
  }

  private void read() throws IOException {
    if (failReads) {
      throw new IOException("store unreachable");
    }
  }

  @Override
  public synchronized List<CompletionCount> counts(Instant since) throws IOException {
    read();
    Map<List<Object>, Long> rows = new HashMap<>();
    for (CompletionRecord r : records) {
      if (r.receivedAt().isBefore(since)) {
        continue;
      }
      Outcome o = r.outcome();
      String code = o.status() == Outcome.Status.SUCCESS ? null : o.code().wireName();
      List<Object> key = new ArrayList<>();
      key.add(r.product());
      key.add(r.updateType());
      key.add(Version.parse(o.version()).canonical());
      key.add(o.status().wireName());
      key.add(code);
      key.add(r.receivedAt().truncatedTo(ChronoUnit.HOURS));
      rows.merge(key, 1L, Long::sum);
    }
    List<CompletionCount> counts = new ArrayList<>();
    rows.forEach(
        (k, n) ->
            counts.add(
                new CompletionCount(
                    (String) k.get(0),
                    (String) k.get(1),
                    (String) k.get(2),
                    (String) k.get(3),
                    (String) k.get(4),
                    (Instant) k.get(5),
                    n)));
    return counts;
  }

  @Override
  public synchronized HaltFigures haltFigures(
      String product, String updateType, String version, Set<String> haltCodes)
      throws IOException {
    read();
    Set<String> reporters = new HashSet<>();
    Set<String> failing = new HashSet<>();
    for (CompletionRecord r : records) {
      Outcome o = r.outcome();
      if (!r.product().equals(product)
          || !r.updateType().equals(updateType)
          || !Version.parse(o.version()).canonical().equals(version)
          || o.code() == FailureCode.CANCELLED) {
        continue;
      }
      String reporter = r.installation() != null ? "i" + r.installation() : "r" + r.requestId();
      reporters.add(reporter);
      if (o.status() == Outcome.Status.FAILED && haltCodes.contains(o.code().wireName())) {
        failing.add(reporter);
      }
    }
    return new HaltFigures(reporters.size(), failing.size());
  }

  @Override
  public synchronized void recordHaltEvent(HaltEvent event) {
    events.add(event);
  }

  @Override
  public synchronized List<HaltEvent> haltEvents() throws IOException {
    read();
    return List.copyOf(events);
  }

  @Override
  public void close() {}
}
