package dev.appupdate.protocol.requestid;

import java.time.Instant;
import java.util.Objects;

/**
 * What a verified request id says: the product it was issued for, when, until when it is valid, and
 * whether an (update_type, version) pair was offered under it. Returned by {@link
 * RequestIds#verify}; immutable.
 *
 * <pre>{@code
 * RequestIdClaims claims = requestIds.verify(report.requestId());
 * if (!claims.offered(updateType, outcome.version())) {
 *   // 422: claims.offeredUpdateType(updateType) tells a wrong version from a wrong update_type
 * }
 * }</pre>
 */
public final class RequestIdClaims {
  private final String requestId;
  private final String product;
  private final Instant issuedAt;
  private final Instant expiresAt;
  private final byte[] token;
  private final int headerLength;
  private final RequestIds issuer;

  RequestIdClaims(
      String requestId,
      String product,
      Instant issuedAt,
      Instant expiresAt,
      byte[] token,
      int headerLength,
      RequestIds issuer) {
    this.requestId = requestId;
    this.product = product;
    this.issuedAt = issuedAt;
    this.expiresAt = expiresAt;
    this.token = token;
    this.headerLength = headerLength;
    this.issuer = issuer;
  }

  /** Returns the request id these claims were read from. */
  public String requestId() {
    return requestId;
  }

  /** Returns the product the id was issued for. */
  public String product() {
    return product;
  }

  /** Returns when the id was issued, to the second. */
  public Instant issuedAt() {
    return issuedAt;
  }

  /** Returns the last instant at which the id is valid: issue time plus retention. */
  public Instant expiresAt() {
    return expiresAt;
  }

  /** Returns how many updates were offered under the id. */
  public int offerCount() {
    return token[headerLength] & 0xff;
  }

  /**
   * Returns whether {@code version} of {@code updateType} was offered under the id. Versions
   * compare by {@link dev.appupdate.protocol.Version} order, as docs/PROTOCOL.md requires of
   * completions: {@code 1.0.0} matches an offered {@code 1.0}. The check uses a 4-byte tag per
   * offer, so a pair that was not offered passes with a probability of about {@link #offerCount()}
   * in 2<sup>32</sup>. Refuse a report that names more updates than {@link #offerCount()} before
   * calling this, so that one report cannot carry more guesses than there were offers.
   *
   * @throws IllegalArgumentException if {@code version} is not a version (see {@link
   *     dev.appupdate.protocol.Version#parse})
   */
  public boolean offered(String updateType, String version) {
    Objects.requireNonNull(updateType, "updateType == null");
    Objects.requireNonNull(version, "version == null");
    byte[] tag = issuer.offerTag(token, headerLength, updateType, version);
    return matches(RequestIds.TYPE_TAG_BYTES, tag, RequestIds.OFFER_TAG_BYTES);
  }

  /**
   * Returns whether some version of {@code updateType} was offered under the id. Use it to explain
   * a failed {@link #offered} check; on its own it may, rarely, answer true for a type that was not
   * offered.
   */
  public boolean offeredUpdateType(String updateType) {
    Objects.requireNonNull(updateType, "updateType == null");
    byte[] tag = issuer.typeTag(token, headerLength, updateType);
    return matches(0, tag, RequestIds.TYPE_TAG_BYTES);
  }

  private boolean matches(int offsetInOffer, byte[] tag, int length) {
    int count = offerCount();
    for (int i = 0; i < count; i++) {
      int at = headerLength + 1 + i * RequestIds.OFFER_BYTES + offsetInOffer;
      boolean same = true;
      for (int k = 0; k < length; k++) {
        if (token[at + k] != tag[k]) {
          same = false;
          break;
        }
      }
      if (same) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "RequestIdClaims[product="
        + product
        + ", issuedAt="
        + issuedAt
        + ", expiresAt="
        + expiresAt
        + ", offers="
        + offerCount()
        + "]";
  }
}
