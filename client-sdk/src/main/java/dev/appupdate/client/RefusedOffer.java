package dev.appupdate.client;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.FailureCode;
import java.util.Objects;

/**
 * A valid offer that the client refused before downloading anything, listed in {@link
 * CheckResult#refused()} and not in {@link CheckResult#offers()}: either it has no valid signature
 * by a {@linkplain UpdateClient.Builder#trustedReleaseKeys(java.security.PublicKey...) trusted
 * release key} (code {@code bad_signature}), or its version is not newer than the version of its
 * update type that the request said is installed, a rollback (code {@code other}). Report it with
 * {@link CheckResult.ReportBuilder#failed(RefusedOffer)}; {@link UpdateClient#update} does so
 * itself.
 */
public final class RefusedOffer {
  private final AvailableUpdate offer;
  private final FailureCode code;
  private final String reason;

  RefusedOffer(AvailableUpdate offer, FailureCode code, String reason) {
    this.offer = Objects.requireNonNull(offer, "offer == null");
    this.code = Objects.requireNonNull(code, "code == null");
    this.reason = Reasons.clean(reason);
  }

  /**
   * Returns the offer as the server sent it.
   *
   * @return the refused offer
   */
  public AvailableUpdate offer() {
    return offer;
  }

  /**
   * Returns the failure code it is reported with.
   *
   * @return {@link FailureCode#BAD_SIGNATURE} for a missing or invalid release signature, {@link
   *     FailureCode#OTHER} for a rollback
   */
  public FailureCode code() {
    return code;
  }

  /**
   * Returns why the client refused it, as reported: for example {@code no signature by a trusted
   * key (the offer is not signed; trusted: 844f37232d3ae9f3)}, {@code signature by
   * 844f37232d3ae9f3 does not verify} or {@code rollback refused: 1.0 is not newer than the
   * installed 2.0}.
   *
   * @return one line of at most 200 characters
   */
  public String reason() {
    return reason;
  }

  /**
   * Returns true for a refusal of an equal offer with the same code and reason.
   *
   * @param o the object to compare with
   * @return whether {@code o} is an equal refusal
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof RefusedOffer other
        && offer.equals(other.offer)
        && code == other.code
        && reason.equals(other.reason);
  }

  @Override
  public int hashCode() {
    return Objects.hash(offer, code, reason);
  }

  /**
   * Returns the update type, version, code and reason, for debugging.
   *
   * @return a one-line description
   */
  @Override
  public String toString() {
    return "RefusedOffer["
        + offer.updateType()
        + " "
        + offer.version()
        + ", "
        + code
        + ": "
        + reason
        + "]";
  }
}
