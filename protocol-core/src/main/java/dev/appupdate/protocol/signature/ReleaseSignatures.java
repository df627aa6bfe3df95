package dev.appupdate.protocol.signature;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.ReleaseSignature;
import dev.appupdate.protocol.catalog.Release;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Offline release signatures: Ed25519 over a release's canonical bytes, made where the release is
 * built (the server never holds the key) and checked by clients against the keys they trust.
 *
 * <p>The canonical bytes (docs/PROTOCOL.md, "Signatures") are the 20 ASCII bytes {@code
 * appupdate-release-v1} followed by six fields, each as a 4-byte big-endian unsigned length and
 * then that many bytes of UTF-8: the product, the update type, the version exactly as written in
 * the catalog, the hash function's wire name ({@code sha512}), the hash value (lower-case hex) and
 * the size in decimal ASCII without leading zeros. They bind everything that decides which bytes a
 * client installs as what; the URLs are not signed, since the digest already pins the bytes.
 *
 * <pre>{@code
 * SigningKey key = SigningKey.of(Ed25519Keys.readKeyPair(Path.of("release.key")));
 * Release signed = ReleaseSignatures.sign(release, key);         // adds {"key_id", "signature"}
 *
 * TrustedKeys trusted = TrustedKeys.of(Ed25519Keys.readPublicKey(Path.of("release.pub")));
 * Verification v = ReleaseSignatures.verify("your_app", offer, trusted);
 * if (!v.valid()) { ... v.reason() ... }                         // do not download
 * }</pre>
 */
public final class ReleaseSignatures {
  private ReleaseSignatures() {}

  private static final byte[] PREFIX = "appupdate-release-v1".getBytes(StandardCharsets.US_ASCII);

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  /**
   * Returns the canonical bytes of a catalog release, the bytes its signatures sign.
   *
   * @param release the release
   * @return the canonical bytes
   */
  public static byte[] canonicalBytes(Release release) {
    Objects.requireNonNull(release, "release == null");
    return canonicalBytes(
        release.product(),
        release.updateType(),
        release.version(),
        release.hashFunction(),
        release.hashValue(),
        release.size());
  }

  /**
   * Returns the canonical bytes of an offer, the bytes the signatures of its release sign.
   *
   * @param product the product the update request named (an offer does not repeat it)
   * @param offer the offer
   * @return the canonical bytes
   */
  public static byte[] canonicalBytes(String product, AvailableUpdate offer) {
    Objects.requireNonNull(product, "product == null");
    Objects.requireNonNull(offer, "offer == null");
    return canonicalBytes(
        product,
        offer.updateType(),
        offer.version(),
        offer.hashFunction(),
        offer.hashValue(),
        offer.size());
  }

  static byte[] canonicalBytes(
      String product,
      String updateType,
      String version,
      HashFunction hashFunction,
      String hashValue,
      long size) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.writeBytes(PREFIX);
    field(out, product);
    field(out, updateType);
    field(out, version);
    field(out, hashFunction.wireName());
    field(out, hashValue);
    field(out, Long.toString(size));
    return out.toByteArray();
  }

  private static void field(ByteArrayOutputStream out, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    int n = bytes.length;
    out.write(n >>> 24);
    out.write(n >>> 16);
    out.write(n >>> 8);
    out.write(n);
    out.writeBytes(bytes);
  }

  /**
   * Returns {@code release} signed by {@code key}: with a signature by the key added to its
   * signatures, or replacing the one the key made before (re-signing after an edit). Signatures by
   * other keys are kept, so that during a key change-over the old and the new key both sign.
   *
   * @param release the release
   * @param key the release key
   * @return the signed release
   */
  public static Release sign(Release release, SigningKey key) {
    Objects.requireNonNull(release, "release == null");
    Objects.requireNonNull(key, "key == null");
    ReleaseSignature signature =
        ReleaseSignature.of(key.keyId(), ENCODER.encodeToString(key.sign(canonicalBytes(release))));
    List<ReleaseSignature> signatures = new ArrayList<>(release.signatures());
    boolean replaced = false;
    for (int i = 0; i < signatures.size(); i++) {
      if (signatures.get(i).keyId().equals(key.keyId())) {
        signatures.set(i, signature);
        replaced = true;
      }
    }
    if (!replaced) {
      signatures.add(signature);
    }
    return release.toBuilder().signatures(signatures).build();
  }

  /**
   * Checks that a trusted key signed {@code release}. One valid signature by a trusted key
   * suffices; signatures by other keys are skipped.
   *
   * @param release the release
   * @param trusted the release keys to trust
   * @return valid with the key that signed, or why not
   */
  public static Verification verify(Release release, TrustedKeys trusted) {
    Objects.requireNonNull(release, "release == null");
    Objects.requireNonNull(trusted, "trusted == null");
    return verify(canonicalBytes(release), release.signatures(), trusted);
  }

  /**
   * Checks that a trusted key signed the release {@code offer} offers, as the client must before
   * downloading it. One valid signature by a trusted key suffices; signatures by other keys are
   * skipped.
   *
   * @param product the product the update request named
   * @param offer the offer
   * @param trusted the release keys to trust
   * @return valid with the key that signed, or why not
   */
  public static Verification verify(String product, AvailableUpdate offer, TrustedKeys trusted) {
    Objects.requireNonNull(trusted, "trusted == null");
    return verify(canonicalBytes(product, offer), offer.signatures(), trusted);
  }

  private static Verification verify(
      byte[] canonical, List<ReleaseSignature> signatures, TrustedKeys trusted) {
    if (signatures.isEmpty()) {
      return Verification.invalid("not signed");
    }
    List<String> untrusted = new ArrayList<>();
    String failed = null;
    for (ReleaseSignature s : signatures) {
      PublicKey key = trusted.get(s.keyId());
      if (key == null) {
        untrusted.add(s.keyId());
        continue;
      }
      if (Ed25519.verify(key, canonical, DECODER.decode(s.signature()))) {
        return Verification.valid(s.keyId());
      }
      failed = s.keyId();
    }
    if (failed != null) {
      return Verification.invalid(
          "the signature by trusted key "
              + failed
              + " does not verify: the product, update"
              + " type, version, hash function, hash value or size differs from what was signed");
    }
    return Verification.invalid(
        "signed only by keys that are not trusted: " + String.join(", ", untrusted));
  }
}
