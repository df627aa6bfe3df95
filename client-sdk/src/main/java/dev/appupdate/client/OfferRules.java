package dev.appupdate.client;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.FailureCode;
import dev.appupdate.protocol.ReleaseSignature;
import dev.appupdate.protocol.UpdateRequest;
import dev.appupdate.protocol.Version;
import dev.appupdate.protocol.signature.ReleaseSignatures;
import dev.appupdate.protocol.signature.TrustedKeys;
import dev.appupdate.protocol.signature.Verification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the client refuses to download whatever the server says, decided before any byte is
 * fetched: with trusted release keys, an offer without a valid signature by one of them
 * (docs/PROTOCOL.md, "Release signatures"); with or without keys, an offer whose version is not
 * newer than the installed version the request sent for its update type, since a compromised server
 * could otherwise offer an old, genuinely signed, vulnerable release.
 */
final class OfferRules {
  /** No keys, nothing installed: refuses nothing. */
  static final OfferRules NONE = new OfferRules("", Map.of(), null);

  private final String product;
  private final Map<String, String> installed;

  /** Null when the application pins no release keys. */
  private final TrustedKeys releaseKeys;

  private OfferRules(String product, Map<String, String> installed, TrustedKeys releaseKeys) {
    this.product = product;
    this.installed = installed;
    this.releaseKeys = releaseKeys;
  }

  /**
   * @param releaseKeys the trusted release keys, or null for none
   */
  static OfferRules of(UpdateRequest request, TrustedKeys releaseKeys) {
    return new OfferRules(request.product(), request.installed(), releaseKeys);
  }

  /**
   * Returns why the client refuses {@code offer}, or null when it may be downloaded. A missing or
   * invalid signature is named before a rollback: it says more about what went wrong.
   */
  RefusedOffer refusal(AvailableUpdate offer) {
    String unsigned = signatureProblem(offer);
    if (unsigned != null) {
      return new RefusedOffer(offer, FailureCode.BAD_SIGNATURE, unsigned);
    }
    String have = installed.get(offer.updateType());
    if (have != null && offer.parsedVersion().compareTo(Version.parse(have)) <= 0) {
      return new RefusedOffer(
          offer,
          FailureCode.OTHER,
          "rollback refused: " + offer.version() + " is not newer than the installed " + have);
    }
    return null;
  }

  /**
   * Throws unless {@code offer} is validly signed by a trusted release key (or no keys are
   * pinned): the download's own check, so that no path downloads an offer the keys do not cover.
   */
  void requireSignature(AvailableUpdate offer) throws BadSignatureException {
    String problem = signatureProblem(offer);
    if (problem != null) {
      throw new BadSignatureException(
          problem,
          "update "
              + offer.updateType()
              + " "
              + offer.version()
              + " not downloaded: "
              + problem
              + " ("
              + ReleaseSignatures.verify(product, offer, releaseKeys).reason()
              + ")");
    }
  }

  /** The reason to report for an offer without a valid trusted signature, or null. */
  private String signatureProblem(AvailableUpdate offer) {
    if (releaseKeys == null) {
      return null;
    }
    Verification v = ReleaseSignatures.verify(product, offer, releaseKeys);
    if (v.valid()) {
      return null;
    }
    List<String> trusted = releaseKeys.keyIds();
    List<String> others = new ArrayList<>();
    for (ReleaseSignature s : offer.signatures()) {
      if (trusted.contains(s.keyId())) {
        // verify() accepts the first trusted signature that verifies, so each of them failed.
        return "signature by " + s.keyId() + " does not verify";
      }
      others.add(s.keyId());
    }
    return "no signature by a trusted key ("
        + (others.isEmpty() ? "the offer is not signed" : "key ids " + String.join(", ", others))
        + "; trusted: "
        + String.join(", ", trusted)
        + ")";
  }
}
