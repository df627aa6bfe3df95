package dev.appupdate.protocol.catalog;

import dev.appupdate.protocol.internal.ExplanationAccess;
import java.util.List;
import java.util.Objects;

/**
 * Why each release of the requested product was or was not offered: what an operator needs to
 * answer "why did this client (not) get 2.1?". Returned by {@link Matcher#explain}, and read back
 * from JSON by {@link dev.appupdate.protocol.ClientCodec#decodeExplanation}; off the hot path.
 * Immutable.
 *
 * <pre>{@code
 * for (Explanation.Candidate c : matcher.explain(request).candidates()) {
 *   System.out.println(c.updateType() + " " + c.version() + ": " + c.reason());
 *   // my_important_data 2.1: bucket 37.20 >= rollout 25
 *   // my_important_data 2.0: offered
 * }
 * }</pre>
 */
public final class Explanation {

  /** The {@link Candidate#reason()} of an offered release. */
  public static final String OFFERED = "offered";

  static {
    // The client codec, in another package, builds explanations it reads from JSON.
    ExplanationAccess.set(
        new ExplanationAccess() {
          @Override
          public Explanation explanation(String product, List<Candidate> candidates) {
            return new Explanation(product, candidates);
          }

          @Override
          public Candidate candidate(
              String updateType,
              String version,
              boolean offered,
              String reason,
              List<String> signedBy,
              boolean signatureVerified) {
            return new Candidate(
                updateType, version, offered, reason, signedBy, signatureVerified);
          }
        });
  }

  private final String product;
  private final List<Candidate> candidates;

  Explanation(String product, List<Candidate> candidates) {
    this.product = Objects.requireNonNull(product, "product == null");
    this.candidates = List.copyOf(Objects.requireNonNull(candidates, "candidates == null"));
  }

  /**
   * Returns the requested product.
   *
   * @return the product, as the request named it
   */
  public String product() {
    return product;
  }

  /**
   * Returns every release of the product with its verdict.
   *
   * @return the releases by update type, then highest version first; empty when the catalog does
   *     not know the product
   */
  public List<Candidate> candidates() {
    return candidates;
  }

  /**
   * Returns true for an explanation of the same product with equal candidates in the same order.
   *
   * @param o the object to compare with
   * @return whether {@code o} is an equal explanation
   */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Explanation)) {
      return false;
    }
    Explanation other = (Explanation) o;
    return product.equals(other.product) && candidates.equals(other.candidates);
  }

  @Override
  public int hashCode() {
    return Objects.hash(product, candidates);
  }

  /** Returns the values for debugging. */
  @Override
  public String toString() {
    return "Explanation[product=" + product + ", candidates=" + candidates + "]";
  }

  /** One release and the verdict on it. Immutable. */
  public static final class Candidate {
    private final String updateType;
    private final String version;
    private final boolean offered;
    private final String reason;
    private final List<String> signedBy;
    private final boolean signatureVerified;

    Candidate(
        String updateType,
        String version,
        boolean offered,
        String reason,
        List<String> signedBy,
        boolean signatureVerified) {
      this.updateType = Objects.requireNonNull(updateType, "updateType == null");
      this.version = Objects.requireNonNull(version, "version == null");
      this.offered = offered;
      this.reason = Objects.requireNonNull(reason, "reason == null");
      this.signedBy = List.copyOf(Objects.requireNonNull(signedBy, "signedBy == null"));
      this.signatureVerified = signatureVerified;
    }

    /**
     * Returns the release's update type.
     *
     * @return the update type
     */
    public String updateType() {
      return updateType;
    }

    /**
     * Returns the release's version.
     *
     * @return the version as written in the catalog
     */
    public String version() {
      return version;
    }

    /**
     * Returns whether the release was offered.
     *
     * @return true when the request is offered this release
     */
    public boolean offered() {
      return offered;
    }

    /**
     * Returns the verdict on the release, for people. The first rule that kept it back is checked
     * in this order: {@code not newer than installed 1.0}, {@code paused}, {@code halted: } and why
     * ({@code halted: failure rate 0.12 over 57 reports}), the match keys ({@code
     * channel beta not in [release]}, {@code platform ...}, {@code locale ...}, {@code arch ...},
     * {@code app_version 2.0 outside >=1.0 <2.0}, {@code os_version ...}), the rollout ({@code
     * bucket 37.20 >= rollout 25}, {@code rollout 25 needs an installation_id}, {@code rollout 0
     * admits no one}), and {@code superseded by 2.1} when a higher version was offered. A long
     * list of match values is cut ({@code channel x not in [a, b, ... and 57 more]}), so that a
     * reason is always at most 1,024 characters, the longest text the protocol's documents hold.
     *
     * @return {@value Explanation#OFFERED}, or the first rule that kept the release back
     */
    public String reason() {
      return reason;
    }

    /**
     * Returns the ids of the keys whose signatures the release carries, in the catalog's order.
     * These are not checked here: see {@link #signatureVerified()}.
     *
     * @return the key ids, 16 lower-case hex digits each; empty when the release is not signed
     */
    public List<String> signedBy() {
      return signedBy;
    }

    /**
     * Returns whether the server checked the release's signatures against the release keys it
     * trusts, and one of them verified. A server that trusts no release keys does not check, and
     * answers false for every release; the reference server with trusted keys ({@code --trust})
     * serves no catalog with a release that fails the check, and answers true for every release.
     *
     * @return true when a trusted key's signature on the release was verified
     */
    public boolean signatureVerified() {
      return signatureVerified;
    }

    /**
     * Returns true for a candidate with the same values.
     *
     * @param o the object to compare with
     * @return whether {@code o} is an equal candidate
     */
    @Override
    public boolean equals(Object o) {
      if (this == o) {
        return true;
      }
      if (!(o instanceof Candidate)) {
        return false;
      }
      Candidate other = (Candidate) o;
      return offered == other.offered
          && signatureVerified == other.signatureVerified
          && updateType.equals(other.updateType)
          && version.equals(other.version)
          && reason.equals(other.reason)
          && signedBy.equals(other.signedBy);
    }

    @Override
    public int hashCode() {
      return Objects.hash(updateType, version, offered, reason, signedBy, signatureVerified);
    }

    /** Returns {@code update_type version: reason}. */
    @Override
    public String toString() {
      return updateType + " " + version + ": " + reason;
    }
  }
}
