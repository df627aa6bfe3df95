package dev.appupdate.server;

import dev.appupdate.protocol.Outcome;
import java.time.Instant;
import java.util.Objects;

/**
 * One line of the completion log: the outcome of one update under one request id, self-contained so
 * that the log can be read without the request-id key.
 *
 * @param receivedAt when the server received the report
 * @param requestId the request id the report named
 * @param product the product, from the request id
 * @param issuedAt when the request id was issued
 * @param updateType the update type the outcome is about
 * @param outcome what the client reported
 * @param installation a pseudonymous key of the reporting installation, carried by the request id
 *     when the update check named an {@code installation_id}; {@code null} when it did not. The
 *     automatic halt counts distinct installations with it, so that one client cannot halt a
 *     release alone.
 */
record CompletionRecord(
    Instant receivedAt,
    String requestId,
    String product,
    Instant issuedAt,
    String updateType,
    Outcome outcome,
    String installation) {

  /** A record whose request id carries no installation key. */
  CompletionRecord(
      Instant receivedAt,
      String requestId,
      String product,
      Instant issuedAt,
      String updateType,
      Outcome outcome) {
    this(receivedAt, requestId, product, issuedAt, updateType, outcome, null);
  }

  CompletionRecord {
    Objects.requireNonNull(receivedAt, "receivedAt == null");
    Objects.requireNonNull(requestId, "requestId == null");
    Objects.requireNonNull(product, "product == null");
    Objects.requireNonNull(issuedAt, "issuedAt == null");
    Objects.requireNonNull(updateType, "updateType == null");
    Objects.requireNonNull(outcome, "outcome == null");
  }
}
