package dev.appupdate.protocol.internal;

import dev.appupdate.protocol.catalog.Explanation;
import java.lang.invoke.MethodHandles;
import java.util.List;

/**
 * Builds {@link Explanation}s outside their package. Their constructors are package-private, as
 * those of every result type (a public constructor could never gain a component), but {@link
 * dev.appupdate.protocol.ClientCodec} reads them from JSON in another package: {@link Explanation}
 * hands its constructors over through this class when it is initialized, the way the JDK's
 * {@code SharedSecrets} do.
 */
public abstract class ExplanationAccess {
  private static volatile ExplanationAccess access;

  /** For {@link Explanation} only. */
  protected ExplanationAccess() {}

  /**
   * Installs the constructors; called once, by {@link Explanation}'s static initializer.
   *
   * @param constructors the constructors
   * @throws IllegalStateException if called a second time
   */
  public static synchronized void set(ExplanationAccess constructors) {
    if (access != null) {
      throw new IllegalStateException("already set");
    }
    access = constructors;
  }

  /**
   * Returns the constructors of {@link Explanation}.
   *
   * @return the constructors
   */
  public static ExplanationAccess get() {
    ExplanationAccess a = access;
    if (a == null) {
      // Nothing may have used Explanation yet: initializing it runs set.
      try {
        MethodHandles.lookup().ensureInitialized(Explanation.class);
      } catch (IllegalAccessException e) {
        throw new AssertionError("Explanation is public in this module", e);
      }
      a = access;
    }
    return a;
  }

  /**
   * Returns a new explanation.
   *
   * @param product the requested product
   * @param candidates every release of the product with its verdict
   * @return the explanation
   */
  public abstract Explanation explanation(String product, List<Explanation.Candidate> candidates);

  /**
   * Returns a new candidate.
   *
   * @param updateType the release's update type
   * @param version the release's version
   * @param offered whether the release was offered
   * @param reason the verdict
   * @param signedBy the key ids of the release's signatures
   * @param signatureVerified whether a trusted key's signature on the release was verified
   * @return the candidate
   */
  public abstract Explanation.Candidate candidate(
      String updateType,
      String version,
      boolean offered,
      String reason,
      List<String> signedBy,
      boolean signatureVerified);
}
