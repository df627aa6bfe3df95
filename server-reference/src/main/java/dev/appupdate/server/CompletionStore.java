package dev.appupdate.server;

import java.io.Closeable;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Where acknowledged completion reports are kept: the JSON Lines log in the data directory (the
 * zero-configuration default, one server) or PostgreSQL (shared by replicas). The update check
 * never touches the store; the completion route, the statistics, the automatic halt and the health
 * route do. Implementations are thread-safe.
 */
interface CompletionStore extends Closeable {

  /**
   * Records the outcomes of one report and returns only once they are durable (forced to disk,
   * committed). A (request_id, update_type) already recorded is not recorded again and is not an
   * error: the caller acknowledges it like a first report.
   *
   * @param records the outcomes of one report, all under one request id
   * @param expiresAt when that request id expires; a store may forget its keys after it
   * @throws StoreUnavailableException when the store refuses reports for now (unreachable, cap
   *     reached, disk under the watermark): the caller answers 503 with its {@code Retry-After}
   * @throws IOException when the write failed for another reason (also 503)
   * @throws InterruptedException when interrupted while waiting for durability
   */
  void append(List<CompletionRecord> records, Instant expiresAt)
      throws IOException, InterruptedException;

  /**
   * The store's state now, without blocking on I/O (a cached value refreshed by the store).
   *
   * @return ok, degraded (still recording, with the reason) or down (refusing, with the reason)
   */
  StoreHealth health();

  /**
   * Counts of the reports received at or after {@code since}, one row per (product, update type,
   * version, status, failure code, hour of receipt in UTC). The version is the canonical spelling;
   * the failure code is {@code null} on a success.
   *
   * @param since the start of the window, inclusive
   * @return the rows, in no particular order
   * @throws IOException when the store cannot be read
   */
  List<CompletionCount> counts(Instant since) throws IOException;

  /**
   * The figures the automatic halt decides on for one release, over every report the store holds
   * for it. Reporters are distinct installations where the record carries one, otherwise distinct
   * request ids. Reports with code {@code cancelled} are left out of both figures.
   *
   * @param product the product
   * @param updateType the update type
   * @param version the release's version, canonical spelling
   * @param haltCodes the failure codes that count as failures
   * @return the number of reporters and how many of them reported a failure with one of the codes
   * @throws IOException when the store cannot be read
   */
  HaltFigures haltFigures(String product, String updateType, String version, Set<String> haltCodes)
      throws IOException;

  /**
   * Records a halt or a resume of a release durably, for every replica sharing the store.
   *
   * @param event the event
   * @throws IOException when it could not be recorded
   */
  void recordHaltEvent(HaltEvent event) throws IOException;

  /**
   * Every halt and resume recorded, in the order recorded (not sorted by {@link HaltEvent#at}: the
   * clocks of replicas differ, and the last event of a release is the one that holds).
   *
   * @return the events
   * @throws IOException when the store cannot be read
   */
  List<HaltEvent> haltEvents() throws IOException;

  /** The store refuses reports for now; the completion route answers 503 with Retry-After. */
  final class StoreUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int retryAfterSeconds;

    StoreUnavailableException(String message, int retryAfterSeconds, Throwable cause) {
      super(message, cause);
      this.retryAfterSeconds = retryAfterSeconds;
    }

    int retryAfterSeconds() {
      return retryAfterSeconds;
    }
  }

  /**
   * The state of the store.
   *
   * @param status ok, degraded or down
   * @param reason why it is not ok; {@code null} when ok
   */
  record StoreHealth(Status status, String reason) {
    /** The three states. */
    enum Status {
      OK,
      DEGRADED,
      DOWN
    }

    static final StoreHealth OK = new StoreHealth(Status.OK, null);

    public StoreHealth {
      Objects.requireNonNull(status, "status == null");
    }
  }

  /**
   * One row of {@link #counts}.
   *
   * @param product the product
   * @param updateType the update type
   * @param version the version reported, canonical spelling
   * @param status {@code success} or {@code failed}
   * @param failureCode the failure code, {@code null} on a success
   * @param hour the hour of receipt (UTC, truncated to the hour)
   * @param reports how many reports
   */
  record CompletionCount(
      String product,
      String updateType,
      String version,
      String status,
      String failureCode,
      Instant hour,
      long reports) {}

  /**
   * What {@link #haltFigures} found.
   *
   * @param reporters distinct reporters (installations, or request ids without one)
   * @param failing how many of them reported a failure with a halt code
   */
  record HaltFigures(long reporters, long failing) {}

  /**
   * A halt or a resume of one release.
   *
   * @param at when
   * @param product the product
   * @param updateType the update type
   * @param version the version, canonical spelling
   * @param halted true for a halt, false for a resume
   * @param actor {@code automatic} or {@code operator}
   * @param detail the figures that triggered it, or the operator's note
   */
  record HaltEvent(
      Instant at,
      String product,
      String updateType,
      String version,
      boolean halted,
      String actor,
      String detail) {}
}
