package dev.appupdate.client;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.CompletionReport;
import dev.appupdate.protocol.FailureCode;
import dev.appupdate.protocol.Outcome;
import dev.appupdate.protocol.RejectedOffer;
import dev.appupdate.protocol.UpdateResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer to an update check: the server's {@link UpdateResponse} as the client decoded it, or
 * "no update" when the server answered {@code 204 No Content}. The offers the client could not read
 * (an invalid offer does not spoil the others) are the response's {@linkplain #rejected()
 * rejected} entries; of the valid ones, those the client's rules refuse (no valid signature by a
 * trusted release key, or a rollback) are set aside in {@link #refused()}, and the rest are the
 * {@link #offers()} to download. This class adds what a client does with them, such as building the
 * completion report.
 *
 * <pre>{@code
 * CheckResult result = client.check();
 * for (AvailableUpdate u : result.offers()) {
 *   ...
 * }
 * client.report(result.report().succeeded(u1).failed(u2, "disk full").build());
 * }</pre>
 */
public final class CheckResult {

  private static final CheckResult NO_UPDATE = new CheckResult(null);

  /** The decoded response; null for a {@code 204} answer. */
  private final UpdateResponse response;

  /** The valid offers the rules accept, in the server's order. */
  private final List<AvailableUpdate> offers;

  /** The valid offers the rules refuse, in the server's order. */
  private final List<RefusedOffer> refused;

  /** A result without rules: every valid offer is to be downloaded. */
  CheckResult(UpdateResponse response) {
    this(response, OfferRules.NONE);
  }

  /** A result whose valid offers are sorted by {@code rules} into offers and refused ones. */
  CheckResult(UpdateResponse response, OfferRules rules) {
    this.response = response;
    List<AvailableUpdate> accepted = new ArrayList<>();
    List<RefusedOffer> refusals = new ArrayList<>();
    if (response != null) {
      for (AvailableUpdate offer : response.availableUpdates()) {
        RefusedOffer refusal = rules.refusal(offer);
        if (refusal == null) {
          accepted.add(offer);
        } else {
          refusals.add(refusal);
        }
      }
    }
    this.offers = List.copyOf(accepted);
    this.refused = List.copyOf(refusals);
  }

  /** The result of a {@code 204 No Content} answer. */
  static CheckResult noUpdate() {
    return NO_UPDATE;
  }

  /**
   * Returns the server's response, with every field the client read. Its {@link
   * UpdateResponse#availableUpdates()} are every valid offer, the {@link #refused()} ones included;
   * download only {@link #offers()}.
   *
   * @return the decoded response; empty when the server answered {@code 204} (no update)
   */
  public Optional<UpdateResponse> response() {
    return Optional.ofNullable(response);
  }

  /**
   * Returns the server's request id, to send back in the completion report.
   *
   * @return the request id; null exactly when the server answered {@code 204}
   */
  public String requestId() {
    return response == null ? null : response.requestId();
  }

  /**
   * Returns the offers to download: the valid offers of the response that the client does not
   * {@linkplain #refused() refuse}.
   *
   * @return the offers in the server's order, at most one per update type; empty when there are
   *     none
   * @see UpdateResponse#availableUpdates()
   */
  public List<AvailableUpdate> offers() {
    return offers;
  }

  /**
   * Returns the valid offers that the client refused before downloading anything, each with its
   * failure code and reason: when the client {@linkplain
   * UpdateClient.Builder#trustedReleaseKeys(java.security.PublicKey...) trusts release keys}, those
   * without a valid signature by one of them ({@code bad_signature}); with or without keys, those
   * whose version is not newer than the installed version the request sent for their update type
   * ({@code other}).
   *
   * @return the refused offers in the server's order; empty when there are none
   */
  public List<RefusedOffer> refused() {
    return refused;
  }

  /** The refusal of {@code offer}, or null when it is one of the {@link #offers()}. */
  RefusedOffer refusal(AvailableUpdate offer) {
    for (RefusedOffer r : refused) {
      if (r.offer().equals(offer)) {
        return r;
      }
    }
    return null;
  }

  /**
   * Returns the entries of {@code available_updates} that the client could not read.
   *
   * @return the rejected entries in the server's order; empty when there are none
   * @see UpdateResponse#rejected()
   */
  public List<RejectedOffer> rejected() {
    return response == null ? List.of() : response.rejected();
  }

  /**
   * Returns true when the server offered nothing, valid or not (a {@code 204} answer).
   *
   * @return whether there is no response
   */
  public boolean isEmpty() {
    return response == null;
  }

  /**
   * Returns true when there is at least one offer to download.
   *
   * @return whether {@link #offers()} is not empty
   */
  public boolean hasUpdates() {
    return !offers().isEmpty();
  }

  /**
   * Starts a completion report for this result.
   *
   * @return a builder of the report, with no outcome recorded yet
   * @throws IllegalStateException if this result has no request id (the server answered 204)
   */
  public ReportBuilder report() {
    if (response == null) {
      throw new IllegalStateException(
          "nothing to report: the server offered no updates, so there is no request id");
    }
    return new ReportBuilder(this);
  }

  /**
   * Returns true for a result of an equal response, or when both are "no update".
   *
   * @param o the object to compare with
   * @return whether {@code o} is an equal result
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof CheckResult other
        && Objects.equals(response, other.response)
        && refused.equals(other.refused);
  }

  @Override
  public int hashCode() {
    return Objects.hash(response, refused);
  }

  /**
   * Returns the response, for debugging.
   *
   * @return a one-line description
   */
  @Override
  public String toString() {
    if (response == null) {
      return "CheckResult[no update]";
    }
    return "CheckResult[" + response + (refused.isEmpty() ? "" : ", refused=" + refused) + "]";
  }

  /**
   * Builds the completion report of a {@link CheckResult}: one outcome per update type. Outcomes
   * can only be recorded for this result's offers, refused offers and rejected offers, once each;
   * a success only for one of its {@link CheckResult#offers()}.
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
     * @param update an offer of this result
     * @return this builder
     * @throws IllegalArgumentException if {@code update} is not an offer of this result
     * @throws IllegalStateException if an outcome for its update type was already recorded
     */
    public ReportBuilder succeeded(AvailableUpdate update) {
      Objects.requireNonNull(update, "update == null");
      if (!result.offers().contains(update)) {
        throw new IllegalArgumentException(
            "update "
                + update.updateType()
                + " "
                + update.version()
                + (result.refusal(update) != null
                    ? " was refused by the client and cannot succeed"
                    : " is not an offer of this check result"));
      }
      return put(update, Outcome.success(update.version()));
    }

    /**
     * Records that {@code downloaded} was installed, with what its download says about patches:
     * the {@code patch} note {@code {"used": true}} when it was rebuilt from a patch, {@code
     * {"used": false, "failure": "..."}} when a patch failed and the full download recovered.
     *
     * @param downloaded a verified download of an offer of this result
     * @return this builder
     * @throws IllegalArgumentException if its offer is not an offer of this result
     * @throws IllegalStateException if an outcome for its update type was already recorded
     */
    public ReportBuilder succeeded(DownloadedUpdate downloaded) {
      Objects.requireNonNull(downloaded, "downloaded == null");
      AvailableUpdate update = downloaded.offer();
      succeeded(update);
      Outcome outcome = outcomes.get(update.updateType());
      if (downloaded.patched()) {
        outcomes.put(update.updateType(), outcome.withPatchUsed());
      } else if (downloaded.patchFailure() != null) {
        outcomes.put(
            update.updateType(),
            outcome.withPatchFailure(Reasons.clean(downloaded.patchFailure())));
      }
      return this;
    }

    /**
     * Records that {@code update} failed for a reason without a more specific {@link FailureCode}:
     * the same as {@link #failed(AvailableUpdate, FailureCode, String)} with {@link
     * FailureCode#OTHER}.
     *
     * @param update an offer or refused offer of this result
     * @param reason a short reason, for example {@code disk full}
     * @return this builder
     * @throws IllegalArgumentException if {@code update} is not an offer or refused offer of this
     *     result, or the reason is blank
     * @throws IllegalStateException if an outcome for its update type was already recorded
     */
    public ReportBuilder failed(AvailableUpdate update, String reason) {
      return failed(update, FailureCode.OTHER, reason);
    }

    /**
     * Records that {@code update} failed. The reason is reduced to one line of at most 200
     * characters without control characters.
     *
     * @param update an offer or refused offer of this result
     * @param code why it failed, for machines, for example {@link FailureCode#INSTALL_FAILED}
     * @param reason a short reason, for example {@code disk full}
     * @return this builder
     * @throws IllegalArgumentException if {@code update} is not an offer or refused offer of this
     *     result, or the reason is blank
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
     * kind of failure it was ({@code bad_checksum}, {@code size_mismatch}, {@code bad_signature},
     * {@code cancelled}, else {@code download_failed}) and, for a checksum mismatch, the digest and
     * size the client actually received are included.
     *
     * @param update an offer or refused offer of this result
     * @param failure what {@link UpdateClient#download} threw
     * @return this builder
     * @throws IllegalArgumentException if {@code update} is not an offer or refused offer of this
     *     result
     * @throws IllegalStateException if an outcome for its update type was already recorded
     */
    public ReportBuilder failed(AvailableUpdate update, DownloadException failure) {
      Objects.requireNonNull(failure, "failure == null");
      Outcome outcome =
          Outcome.failed(offered(update).version(), failure.failureCode(), failure.reason());
      if (failure instanceof ChecksumMismatchException m) {
        outcome = outcome.withObserved(m.hashFunction(), m.actual(), m.size());
      }
      return put(update, outcome);
    }

    /**
     * Records a refused offer as failed with its {@link RefusedOffer#code()} and {@link
     * RefusedOffer#reason()}.
     *
     * @param refused a refused offer of this result
     * @return this builder
     * @throws IllegalArgumentException if {@code refused} is not a refused offer of this result
     * @throws IllegalStateException if an outcome for its update type was already recorded
     */
    public ReportBuilder failed(RefusedOffer refused) {
      Objects.requireNonNull(refused, "refused == null");
      if (!result.refused().contains(refused)) {
        throw new IllegalArgumentException(
            "refused offer "
                + refused.offer().updateType()
                + " "
                + refused.offer().version()
                + " is not part of this check result");
      }
      AvailableUpdate offer = refused.offer();
      return put(offer, Outcome.failed(offer.version(), refused.code(), refused.reason()));
    }

    /**
     * Records an invalid offer as failed with {@link RejectedOffer#reason()} ({@code invalid offer:
     * ...}), under its update type and version, with the code {@link FailureCode#OTHER}.
     *
     * @param offer a rejected offer of this result
     * @return this builder
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

    /**
     * Returns true if an outcome for {@code updateType} was recorded.
     *
     * @param updateType an update type
     * @return whether this builder holds an outcome for it
     */
    public boolean contains(String updateType) {
      return outcomes.containsKey(updateType);
    }

    /**
     * Returns true when no outcome was recorded yet, so that {@link #build()} would throw: for
     * example when every entry of the answer was unreadable.
     *
     * @return whether this builder holds no outcome
     */
    public boolean isEmpty() {
      return outcomes.isEmpty();
    }

    /**
     * Returns the report.
     *
     * @return the report of every outcome recorded, in the order recorded
     * @throws IllegalStateException if no outcome was recorded (see {@link #isEmpty()})
     */
    public CompletionReport build() {
      if (outcomes.isEmpty()) {
        throw new IllegalStateException("no outcome recorded: call succeeded(...) or failed(...)");
      }
      return CompletionReport.of(result.requestId(), outcomes);
    }

    private AvailableUpdate offered(AvailableUpdate update) {
      Objects.requireNonNull(update, "update == null");
      if (!result.offers().contains(update) && result.refusal(update) == null) {
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
