package dev.appupdate.server;

import dev.appupdate.protocol.catalog.Catalog;
import dev.appupdate.protocol.catalog.CatalogException;
import dev.appupdate.protocol.catalog.CatalogProblem;
import dev.appupdate.protocol.catalog.Explanation;
import dev.appupdate.protocol.catalog.Release;
import dev.appupdate.protocol.internal.ExplanationAccess;
import dev.appupdate.protocol.signature.ReleaseSignatures;
import dev.appupdate.protocol.signature.TrustedKeys;
import dev.appupdate.protocol.signature.Verification;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The release keys the server trusts ({@code --trust}): it serves a catalog only when every release
 * carries a valid signature by one of them, so that a catalog edit that changes a signed field
 * without signing again, or a release nobody signed, is refused like any other invalid catalog: at
 * start, and on a reload, which keeps the catalog served before.
 */
final class ReleaseTrust {
  private ReleaseTrust() {}

  /**
   * Checks every release of {@code catalog}.
   *
   * @throws CatalogException listing each release that no trusted key validly signed, with its
   *     position and why
   */
  static void check(Catalog catalog, TrustedKeys trusted) {
    List<Release> releases = catalog.releases();
    Verification[] verdicts = new Verification[releases.size()];
    // About half a millisecond each with the JDK's Ed25519 (docs/PERFORMANCE.md, "Signatures"),
    // and independent: a large catalog is checked on every core.
    IntStream.range(0, verdicts.length)
        .parallel()
        .forEach(i -> verdicts[i] = ReleaseSignatures.verify(releases.get(i), trusted));
    List<CatalogProblem> problems = new ArrayList<>();
    String keys = String.join(", ", trusted.keyIds());
    for (int i = 0; i < verdicts.length; i++) {
      Verification v = verdicts[i];
      if (!v.valid()) {
        problems.add(
            new CatalogProblem(
                i,
                "signatures",
                "no valid signature by a trusted release key (" + keys + "): " + v.reason()));
      }
    }
    if (!problems.isEmpty()) {
      throw new CatalogException(catalog.source(), problems);
    }
  }

  /**
   * Returns {@code explanation} with every release marked as verified: true of every release of a
   * catalog that passed {@link #check}, the only kind a server with trusted keys serves.
   */
  static Explanation verified(Explanation explanation) {
    ExplanationAccess build = ExplanationAccess.get();
    List<Explanation.Candidate> candidates = new ArrayList<>(explanation.candidates().size());
    for (Explanation.Candidate c : explanation.candidates()) {
      candidates.add(
          build.candidate(
              c.updateType(), c.version(), c.offered(), c.reason(), c.signedBy(), true));
    }
    return build.explanation(explanation.product(), candidates);
  }
}
