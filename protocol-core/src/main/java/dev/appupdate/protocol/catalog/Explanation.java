package dev.appupdate.protocol.catalog;

import java.util.List;
import java.util.Objects;

/**
 * Why each release of the requested product was or was not offered: what an operator needs to
 * answer "why did this client (not) get 2.1?". Returned by {@link Matcher#explain}; off the hot
 * path.
 *
 * <pre>{@code
 * for (Explanation.Candidate c : matcher.explain(request).candidates()) {
 *   System.out.println(c.updateType() + " " + c.version() + ": " + c.reason());
 *   // my_important_data 2.1: bucket 37.20 >= rollout 25
 *   // my_important_data 2.0: offered
 * }
 * }</pre>
 *
 * @param product the requested product
 * @param candidates every release of the product, by update type, then highest version first;
 *     empty when the catalog does not know the product
 */
public record Explanation(String product, List<Candidate> candidates) {

  /** The {@link Candidate#reason()} of an offered release. */
  public static final String OFFERED = "offered";

  /**
   * Validates the components.
   *
   * @param product the requested product
   * @param candidates every release of the product with its verdict
   */
  public Explanation {
    Objects.requireNonNull(product, "product == null");
    candidates = List.copyOf(Objects.requireNonNull(candidates, "candidates == null"));
  }

  /**
   * One release and the verdict on it.
   *
   * @param updateType the release's update type
   * @param version the release's version as written in the catalog
   * @param offered whether the release was offered
   * @param reason {@value Explanation#OFFERED}, or the first rule that kept it back, checked in
   *     this order: {@code not newer than installed 1.0}, {@code paused}, the match keys ({@code
   *     channel beta not in [release]}, {@code platform ...}, {@code locale ...}, {@code arch
   *     ...}, {@code app_version 2.0 outside >=1.0 <2.0}, {@code os_version ...}), the rollout
   *     ({@code bucket 37.20 >= rollout 25}, {@code rollout 25 needs an installation_id}, {@code
   *     rollout 0 admits no one}), and {@code superseded by 2.1} when a higher version was offered
   */
  public record Candidate(String updateType, String version, boolean offered, String reason) {

    /**
     * Validates the components.
     *
     * @param updateType the release's update type
     * @param version the release's version as written in the catalog
     * @param offered whether the release was offered
     * @param reason {@value Explanation#OFFERED} or the first rule that kept it back
     */
    public Candidate {
      Objects.requireNonNull(updateType, "updateType == null");
      Objects.requireNonNull(version, "version == null");
      Objects.requireNonNull(reason, "reason == null");
    }

    /** Returns {@code update_type version: reason}. */
    @Override
    public String toString() {
      return updateType + " " + version + ": " + reason;
    }
  }
}
