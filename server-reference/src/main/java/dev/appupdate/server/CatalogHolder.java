package dev.appupdate.server;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.UpdateRequest;
import dev.appupdate.protocol.catalog.Catalog;
import dev.appupdate.protocol.catalog.Explanation;
import dev.appupdate.protocol.catalog.Matcher;
import dev.appupdate.protocol.catalog.Release;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * What the server currently offers, swapped as a whole: a request reads one {@link Snapshot} and so
 * sees either the old or the new catalog, never a mix. Also remembers the last failed load for
 * {@code /healthz}, in the same atomic {@link State}. Halted releases are withheld from every
 * catalog served, the current and the next ones, until they are resumed: a catalog change does not
 * clear a halt.
 */
final class CatalogHolder {

  /**
   * One catalog as served.
   *
   * @param offers the offers for a request: at most one per update type, URLs absolute
   * @param explain why each release of the requested product was or was not offered
   * @param releaseCount how many releases the catalog holds
   * @param loadedAt when it was loaded
   * @param catalog the catalog, for the statistics; null for a snapshot made by hand in tests
   * @param matcher the catalog compiled, without halts; null for a snapshot made by hand
   * @param verified whether every release's signature was verified
   * @param loadMillis how long reading and compiling the catalog took
   */
  record Snapshot(
      Function<UpdateRequest, List<AvailableUpdate>> offers,
      Function<UpdateRequest, Explanation> explain,
      int releaseCount,
      Instant loadedAt,
      Catalog catalog,
      Matcher matcher,
      boolean verified,
      long loadMillis) {
    Snapshot(
        Function<UpdateRequest, List<AvailableUpdate>> offers,
        Function<UpdateRequest, Explanation> explain,
        int releaseCount,
        Instant loadedAt) {
      this(offers, explain, releaseCount, loadedAt, null, null, false, 0);
    }

    Snapshot {
      Objects.requireNonNull(offers, "offers == null");
      Objects.requireNonNull(explain, "explain == null");
      Objects.requireNonNull(loadedAt, "loadedAt == null");
      if (releaseCount < 0) {
        throw new IllegalArgumentException("releaseCount < 0: " + releaseCount);
      }
    }

    /**
     * Serves what {@code matcher} decides.
     *
     * @param verified whether every release's signature was verified against the trusted release
     *     keys ({@link ReleaseTrust#check}), which explanations then say
     */
    static Snapshot of(
        Catalog catalog, Matcher matcher, Instant loadedAt, long loadMillis, boolean verified) {
      return serving(catalog, matcher, matcher, loadedAt, loadMillis, verified);
    }

    /** This snapshot, saying that loading it took {@code millis}. */
    Snapshot loadedIn(long millis) {
      return new Snapshot(
          offers, explain, releaseCount, loadedAt, catalog, matcher, verified, millis);
    }

    /** This catalog with {@code halted} withheld; the same snapshot when it was made by hand. */
    Snapshot withHalted(Map<HaltKey, String> halted) {
      if (matcher == null) {
        return this;
      }
      // Versions are parsed only for the releases of a halted update type: a halt in a catalog of
      // a million releases costs a set lookup per release, not a million parses.
      Set<String> types = new HashSet<>();
      halted.keySet().forEach(k -> types.add(k.product() + '\n' + k.updateType()));
      Matcher served =
          halted.isEmpty()
              ? matcher
              : matcher.withHalted(
                  r ->
                      types.contains(r.product() + '\n' + r.updateType())
                          ? halted.get(HaltKey.of(r))
                          : null);
      return serving(catalog, matcher, served, loadedAt, loadMillis, verified);
    }

    private static Snapshot serving(
        Catalog catalog,
        Matcher matcher,
        Matcher served,
        Instant loadedAt,
        long loadMillis,
        boolean verified) {
      Function<UpdateRequest, Explanation> explain =
          verified ? r -> ReleaseTrust.verified(served.explain(r)) : served::explain;
      return new Snapshot(
          served::match,
          explain,
          matcher.releaseCount(),
          loadedAt,
          catalog,
          matcher,
          verified,
          loadMillis);
    }
  }

  /**
   * A catalog that could not be loaded.
   *
   * @param at when the load was attempted
   * @param message every problem found, in one text
   */
  record Failure(Instant at, String message) {
    Failure {
      Objects.requireNonNull(at, "at == null");
      Objects.requireNonNull(message, "message == null");
    }
  }

  /**
   * The catalog served and the failure of the last load, read together.
   *
   * @param catalog the catalog served
   * @param lastFailure why the last load failed, or null when it succeeded
   */
  record State(Snapshot catalog, Failure lastFailure) {
    State {
      Objects.requireNonNull(catalog, "catalog == null");
    }
  }

  private final AtomicReference<State> state;
  // Written under the lock with the state it applies to, so that a reload and a halt racing each
  // other cannot serve a catalog without a halt that was recorded.
  private Map<HaltKey, String> halted = Map.of();

  CatalogHolder(Snapshot initial) {
    this.state = new AtomicReference<>(new State(initial, null));
  }

  /**
   * Withholds {@code halted} from the catalog served now and from every catalog installed later,
   * until it is called again without them.
   *
   * @param halted each halted release with why, as explain shows it after {@code halted: }
   */
  synchronized void halted(Map<HaltKey, String> halted) {
    Map<HaltKey, String> copy = Map.copyOf(halted);
    if (copy.equals(this.halted)) {
      return;
    }
    this.halted = copy;
    state.updateAndGet(s -> new State(s.catalog().withHalted(copy), s.lastFailure()));
  }

  /** Returns the releases withheld now, with why. */
  synchronized Map<HaltKey, String> halted() {
    return halted;
  }

  /** Returns the offers of the current catalog for {@code request}. */
  List<AvailableUpdate> offers(UpdateRequest request) {
    return current().offers().apply(request);
  }

  /** Returns the explanation of the current catalog for {@code request}. */
  Explanation explain(UpdateRequest request) {
    return current().explain().apply(request);
  }

  Snapshot current() {
    return state.get().catalog();
  }

  State state() {
    return state.get();
  }

  /** Serves {@code snapshot} from now on; a failure recorded before is cleared. */
  synchronized void install(Snapshot snapshot) {
    Objects.requireNonNull(snapshot, "snapshot == null");
    state.set(new State(snapshot.withHalted(halted), null));
  }

  /** Records a failed load; the current catalog stays. */
  synchronized void failed(Failure failure) {
    Objects.requireNonNull(failure, "failure == null");
    state.updateAndGet(s -> new State(s.catalog(), failure));
  }

  /**
   * A release as halts name it: product, update type and the canonical text of its version, so
   * that a halt of {@code 2.0} holds for a catalog that spells it {@code 2.0.0}.
   */
  record HaltKey(String product, String updateType, String version) {
    static HaltKey of(Release r) {
      return new HaltKey(r.product(), r.updateType(), r.parsedVersion().canonical());
    }
  }
}
