package dev.appupdate.client;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.CompletionReport;
import dev.appupdate.protocol.FailureCode;
import dev.appupdate.protocol.Outcome;
import dev.appupdate.protocol.RejectedOffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The answer to an update check: the valid offers and, separately, the offers the client could not
 * read (an invalid offer does not spoil the others). When the server answered {@code 204 No
 * Content} there is nothing at all, and no request id.
 *
 * <pre>{@code
 * CheckResult result = client.check();
 * for (AvailableUpdate u : result.offers()) {
 *   ...
 * }
 * client.report(result.report().succeeded(u1).failed(u2, "disk full").build());
 * }</pre>
 *
 * @param requestId the server's request id, to send back in the completion report; null exactly
 *     when the server answered {@code 204} (no offers and no rejected offers)
 * @param offers the valid offers, in the server's order
 * @param rejected the entries of {@code available_updates} that were invalid, in the server's order
 */
public record CheckResult(
    String requestId, List<AvailableUpdate> offers, List<RejectedOffer> rejected) {

  private static final CheckResult EMPTY = new CheckResult(null, List.of(), List.of());

  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if there are offers or rejected offers but no request id
   */
  public CheckResult {
    offers = List.copyOf(Objects.requireNonNull(offers, "offers == null"));
    rejected = List.copyOf(Objects.requireNonNull(rejected, "rejected == null"));
    if (requestId == null && !(offers.isEmpty() && rejected.isEmpty())) {
      throw new IllegalArgumentException("requestId == null but there are offers");
    }
  }

  /** Returns the result of a {@code 204 No Content} answer: no request id, nothing offered. */
  public static CheckResult empty() {
    return EMPTY;
  }

  /** Returns true when the server offered nothing, valid or not (a {@code 204} answer). */
  public boolean isEmpty() {
    return offers.isEmpty() && rejected.isEmpty();
  }

  /** Returns true when there is at least one valid offer. */
  public boolean hasUpdates() {
    return !offers.isEmpty();
  }

  /**
   * Starts a completion report for this result.
   *
   * @throws IllegalStateException if this result has no request id (the server answered 204)
   */
  public ReportBuilder report() {
    if (requestId == null) {
      throw new IllegalStateException(
          "nothing to report: the server offered no updates, so there is no request id");
    }
    return new ReportBuilder(this);
  }

  /**
   * Builds the completion report of a {@link CheckResult}: one outcome per update type. Outcomes
   * can only be recorded for this result's offers and rejected offers, once each.
   */
  public static final class ReportBuilder {
    private final CheckResult result;
    private final Map<String, Outcome> outcomes = new LinkedHashMap<>();

    private ReportBuilder(CheckResult result) {
      this.result = result;
    }

    /**
     * Records that {@code update} was downloaded, verified and installed.
     *
     * @throws IllegalArgumentException if {@code update} is not an offer of this result
     * @throws IllegalStateException if an outcome for its update type was already recorded
     */
    public ReportBuilder succeeded(AvailableUpdate update) {
      return put(offered(update), Outcome.success(update.version()));
    }

    /**
     * Records that {@code update} failed for a reason without a more specific {@link FailureCode}:
     * the same as {@link #failed(AvailableUpdate, FailureCode, String)} with {@link
     * FailureCode#OTHER}.
     *
     * @param update an offer of this result
     * @param reason a short reason, for example {@code disk full}
     * @return this builder
     * @throws IllegalArgumentException if {@code update} is not an offer of this result or the
     *     reason is blank
     * @throws IllegalStateException if an outcome for its update type was already recorded
     */
    public ReportBuilder failed(AvailableUpdate update, String reason) {
      return failed(update, FailureCode.OTHER, reason);
    }

    /**
     * Records that {@code update} failed. The reason is reduced to one line of at most 200
     * characters without control characters.
     *
     * @param update an offer of this result
     * @param code why it failed, for machines, for example {@link FailureCode#INSTALL_FAILED}
     * @param reason a short reason, for example {@code disk full}
     * @return this builder
     * @throws IllegalArgumentException if {@code update} is not an offer of this result or the
     *     reason is blank
     * @throws IllegalStateException if an outcome for its update type was already recorded
     */
    public ReportBuilder failed(AvailableUpdate update, FailureCode code, String reason) {
      Objects.requireNonNull(code, "code == null");
      Objects.requireNonNull(reason, "reason == null");
      if (reason.isBlank()) {
        throw new IllegalArgumentException("reason must not be blank");
      }
      return put(offered(update), Outcome.failed(update.version(), code, Reasons.clean(reason)));
    }

    /**
     * Records that downloading {@code update} failed with {@code failure}: the reason is {@link
     * DownloadException#reason()} ({@code bad checksum} for a hash mismatch), the code says which
     * kind of failure it was ({@code bad_checksum}, {@code size_mismatch}, {@code cancelled}, else
     * {@code download_failed}) and, for a checksum mismatch, the digest and size the client
     * actually received are included.
     *
     * @throws IllegalArgumentException if {@code update} is not an offer of this result
     * @throws IllegalStateException if an outcome for its update type was already recorded
     */
    public ReportBuilder failed(AvailableUpdate update, DownloadException failure) {
      Objects.requireNonNull(failure, "failure == null");
      Outcome outcome =
          Outcome.failed(offered(update).version(), failure.failureCode(), failure.reason());
      if (failure instanceof ChecksumMismatchException) {
        ChecksumMismatchException m = (ChecksumMismatchException) failure;
        outcome = outcome.withObserved(m.hashFunction(), m.actual(), m.size());
      }
      return put(update, outcome);
    }

    /**
     * Records an invalid offer as failed with {@link RejectedOffer#reason()} ({@code invalid offer:
     * ...}).
     *
     * @throws IllegalArgumentException if {@code offer} is not a rejected offer of this result, or
     *     its update type or version could not be read (there is nothing to report it under)
     * @throws IllegalStateException if an outcome for its update type was already recorded
     */
    public ReportBuilder failed(RejectedOffer offer) {
      Objects.requireNonNull(offer, "offer == null");
      if (!result.rejected().contains(offer)) {
        throw new IllegalArgumentException(
            "rejected offer at index " + offer.index() + " is not part of this check result");
      }
      if (offer.updateType() == null || offer.version() == null) {
        throw new IllegalArgumentException(
            "rejected offer at index "
                + offer.index()
                + " has no readable update_type and version to report it under");
      }
      return put(
          offer.updateType(),
          Outcome.failed(offer.version(), FailureCode.OTHER, Reasons.clean(offer.reason())));
    }

    /** Returns true if an outcome for {@code updateType} was recorded. */
    public boolean contains(String updateType) {
      return outcomes.containsKey(updateType);
    }

    /**
     * Returns the report.
     *
     * @throws IllegalStateException if no outcome was recorded
     */
    public CompletionReport build() {
      if (outcomes.isEmpty()) {
        throw new IllegalStateException("no outcome recorded: call succeeded(...) or failed(...)");
      }
      return CompletionReport.of(result.requestId(), outcomes);
    }

    private AvailableUpdate offered(AvailableUpdate update) {
      Objects.requireNonNull(update, "update == null");
      if (!result.offers().contains(update)) {
        throw new IllegalArgumentException(
            "update "
                + update.updateType()
                + " "
                + update.version()
                + " is not an offer of this check result");
      }
      return update;
    }

    private ReportBuilder put(AvailableUpdate update, Outcome outcome) {
      return put(update.updateType(), outcome);
    }

    private ReportBuilder put(String updateType, Outcome outcome) {
      if (outcomes.containsKey(updateType)) {
        throw new IllegalStateException("outcome of " + updateType + " already recorded");
      }
      outcomes.put(updateType, outcome);
      return this;
    }
  }
}
