package dev.appupdate.server;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.UpdateRequest;
import dev.appupdate.protocol.catalog.Explanation;
import dev.appupdate.protocol.catalog.Matcher;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * What the server currently offers, swapped as a whole: a request reads one {@link Snapshot} and so
 * sees either the old or the new catalog, never a mix. Also remembers the last failed load for
 * {@code /healthz}, in the same atomic {@link State}.
 */
final class CatalogHolder {

  /**
   * One catalog as served.
   *
   * @param offers the offers for a request: at most one per update type, URLs absolute
   * @param explain why each release of the requested product was or was not offered
   * @param releaseCount how many releases the catalog holds
   * @param loadedAt when it was loaded
   */
  record Snapshot(
      Function<UpdateRequest, List<AvailableUpdate>> offers,
      Function<UpdateRequest, Explanation> explain,
      int releaseCount,
      Instant loadedAt) {
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
    static Snapshot of(Matcher matcher, Instant loadedAt, boolean verified) {
      Function<UpdateRequest, Explanation> explain =
          verified ? r -> ReleaseTrust.verified(matcher.explain(r)) : matcher::explain;
      return new Snapshot(matcher::match, explain, matcher.releaseCount(), loadedAt);
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

  CatalogHolder(Snapshot initial) {
    this.state = new AtomicReference<>(new State(initial, null));
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
  void install(Snapshot snapshot) {
    state.set(new State(Objects.requireNonNull(snapshot, "snapshot == null"), null));
  }

  /** Records a failed load; the current catalog stays. */
  void failed(Failure failure) {
    Objects.requireNonNull(failure, "failure == null");
    state.updateAndGet(s -> new State(s.catalog(), failure));
  }
}
