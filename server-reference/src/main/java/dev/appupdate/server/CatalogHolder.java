package dev.appupdate.server;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.UpdateRequest;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * What the server currently offers, swapped as a whole: a request reads one {@link Snapshot} and so
 * sees either the old or the new catalog, never a mix. Also remembers the last failed load for
 * {@code /healthz}.
 */
final class CatalogHolder {

  /**
   * One catalog as served.
   *
   * @param offers the offers for a request: at most one per update type, URLs absolute
   * @param releaseCount how many releases the catalog holds
   * @param loadedAt when it was loaded, or null when no catalog was loaded
   */
  record Snapshot(
      Function<UpdateRequest, List<AvailableUpdate>> offers, int releaseCount, Instant loadedAt) {
    Snapshot {
      Objects.requireNonNull(offers, "offers == null");
      if (releaseCount < 0) {
        throw new IllegalArgumentException("releaseCount < 0: " + releaseCount);
      }
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

  /** Offers nothing: the server answers every update check with 204. */
  static final Snapshot EMPTY = new Snapshot(request -> List.of(), 0, null);

  private final AtomicReference<Snapshot> current;
  private final AtomicReference<Failure> lastFailure = new AtomicReference<>();

  CatalogHolder(Snapshot initial) {
    this.current = new AtomicReference<>(Objects.requireNonNull(initial, "initial == null"));
  }

  /** Returns the offers of the current catalog for {@code request}. */
  List<AvailableUpdate> offers(UpdateRequest request) {
    return current.get().offers().apply(request);
  }

  Snapshot current() {
    return current.get();
  }

  /** Returns the last failed load, or null when none failed. */
  Failure lastFailure() {
    return lastFailure.get();
  }

  /** Serves {@code snapshot} from now on. */
  void install(Snapshot snapshot) {
    current.set(Objects.requireNonNull(snapshot, "snapshot == null"));
  }

  /** Records a failed load; the current catalog stays. */
  void failed(Failure failure) {
    lastFailure.set(Objects.requireNonNull(failure, "failure == null"));
  }
}
