package dev.appupdate.protocol.requestid;

import dev.appupdate.protocol.CompletionReport;
import dev.appupdate.protocol.FieldError;
import dev.appupdate.protocol.Outcome;
import dev.appupdate.protocol.Problem;
import dev.appupdate.protocol.internal.Nodes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

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
  private final String installation;
  private final RequestIds issuer;

  RequestIdClaims(
      String requestId,
      String product,
      Instant issuedAt,
      Instant expiresAt,
      byte[] token,
      int headerLength,
      String installation,
      RequestIds issuer) {
    this.requestId = requestId;
    this.product = product;
    this.issuedAt = issuedAt;
    this.expiresAt = expiresAt;
    this.token = token;
    this.headerLength = headerLength;
    this.installation = installation;
    this.issuer = issuer;
  }

  /**
   * Returns the request id these claims were read from.
   *
   * @return the request id these claims were read from
   */
  public String requestId() {
    return requestId;
  }

  /**
   * Returns the product the id was issued for.
   *
   * @return the product the id was issued for
   */
  public String product() {
    return product;
  }

  /**
   * Returns when the id was issued, to the second.
   *
   * @return when the id was issued
   */
  public Instant issuedAt() {
    return issuedAt;
  }

  /**
   * Returns the last instant at which the id is valid: issue time plus retention.
   *
   * @return the last instant at which the id is valid
   */
  public Instant expiresAt() {
    return expiresAt;
  }

  /**
   * Returns the pseudonymous key of the installation the id was issued to: present when the update
   * check named an {@code installation_id} and the id had room for it (format version 2 in {@link
   * RequestIds}). Equal installation ids give equal keys under one server key.
   *
   * @return 11 base64url characters, or empty
   */
  public Optional<String> installation() {
    return Optional.ofNullable(installation);
  }

  /**
   * Returns how many updates were offered under the id.
   *
   * @return how many updates were offered under the id
   */
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
   * @param updateType the update type
   * @param version the version text, compared by version order
   * @return whether {@code version} of {@code updateType} was offered under the id
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
   *
   * @param updateType the update type
   * @return whether some version of {@code updateType} was offered under the id
   */
  public boolean offeredUpdateType(String updateType) {
    Objects.requireNonNull(updateType, "updateType == null");
    byte[] tag = issuer.typeTag(token, headerLength, updateType);
    return matches(0, tag, RequestIds.TYPE_TAG_BYTES);
  }

  /**
   * Checks that every entry of {@code report} names an update offered under this id, the check a
   * server makes before it records a completion (docs/PROTOCOL.md, "Completion"): a report that
   * names more updates than {@link #offerCount()} is refused as a whole, before any pair is
   * checked, so that one report carries at most as many guesses as there were offers; otherwise
   * each entry whose update type or version was not offered gets an error on {@code
   * updates.<update_type>}. Answer {@code 422} with these errors when the list is not empty.
   *
   * <p>{@link #checkOffered} makes the {@code 422} problem of these errors.
   *
   * <pre>{@code
   * RequestIdClaims claims = requestIds.verify(report.requestId()); // 422 when it throws
   * List<FieldError> notOffered = claims.notOffered(report);
   * if (!notOffered.isEmpty()) {
   *   // answer 422 listing notOffered; record nothing
   * }
   * }</pre>
   *
   * @param report a completion report naming this id
   * @return what was not offered; empty when everything was
   * @throws IllegalArgumentException if the report names another request id
   */
  public List<FieldError> notOffered(CompletionReport report) {
    Objects.requireNonNull(report, "report == null");
    if (!report.requestId().equals(requestId)) {
      throw new IllegalArgumentException(
          "the report names request id " + report.requestId() + ", not " + requestId);
    }
    int reported = report.updates().size();
    if (reported > offerCount()) {
      // Each entry is a guess at a 4-byte tag; naming the entries that failed would tell a forger
      // which guesses passed.
      return List.of(
          new FieldError(
              "updates",
              "the report names "
                  + reported
                  + " updates, but only "
                  + offerCount()
                  + (offerCount() == 1 ? " was" : " were")
                  + " offered under this request_id"));
    }
    List<FieldError> errors = new ArrayList<>();
    for (Map.Entry<String, Outcome> entry : report.updates().entrySet()) {
      String type = entry.getKey();
      String version = entry.getValue().version();
      if (!offered(type, version)) {
        errors.add(
            new FieldError(
                Nodes.memberPath("updates", type),
                offeredUpdateType(type)
                    ? "version " + version + " of " + type
                        + " was not offered under this request_id"
                    : "update_type " + type + " was not offered under this request_id"));
      }
    }
    return errors;
  }

  /**
   * Checks that every entry of {@code report} names an update offered under this id, as {@link
   * #notOffered} does, and returns the {@code 422} problem to answer when one does not: its {@code
   * errors} are those of {@link #notOffered}, and its detail is the one error's message, or says
   * how many reported updates were not offered.
   *
   * <pre>{@code
   * RequestIdClaims claims = requestIds.verify(report.requestId()); // answer e.problem() on throw
   * Optional<Problem> refused = claims.checkOffered(report);
   * if (refused.isPresent()) {
   *   // answer refused.get(); record nothing
   * }
   * }</pre>
   *
   * @param report a completion report naming this id
   * @return empty when everything reported was offered; otherwise the problem to answer
   * @throws IllegalArgumentException if the report names another request id
   */
  public Optional<Problem> checkOffered(CompletionReport report) {
    List<FieldError> errors = notOffered(report);
    if (errors.isEmpty()) {
      return Optional.empty();
    }
    String detail =
        errors.size() == 1
            ? errors.get(0).message()
            : errors.size() + " reported updates were not offered under this request_id";
    return Optional.of(
        Problem.builder(422, "Unprocessable Content").detail(detail).errors(errors).build());
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
