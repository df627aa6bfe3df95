package dev.appupdate.protocol;

import static dev.appupdate.protocol.internal.Fields.require;

import dev.appupdate.protocol.internal.Fields;
import java.util.Objects;

/**
 * One offline signature of a release: an element of the {@code signatures} array of a catalog
 * release and of an offer, {@code {"key_id": "...", "signature": "..."}}. The signature is Ed25519
 * over the release's canonical bytes (docs/PROTOCOL.md, "Signatures"); {@code
 * dev.appupdate.protocol.signature.ReleaseSignatures} makes and checks them. A value of this class
 * is well-formed, which says nothing about whether the signature verifies.
 */
public final class ReleaseSignature {
  private final String keyId;
  private final String signature;

  private ReleaseSignature(String keyId, String signature) {
    this.keyId = keyId;
    this.signature = signature;
  }

  /**
   * Returns a signature with these values.
   *
   * @param keyId the id of the signing key: 16 lower-case hex digits, the first 8 bytes of the
   *     SHA-256 of the raw 32-byte public key
   * @param signature the 64-byte Ed25519 signature as base64url without padding (86 characters)
   * @return the signature
   * @throws IllegalArgumentException naming the malformed value and why
   */
  public static ReleaseSignature of(String keyId, String signature) {
    Objects.requireNonNull(keyId, "keyId == null");
    Objects.requireNonNull(signature, "signature == null");
    require("key_id", Fields.keyId(keyId));
    require("signature", Fields.signature(signature));
    return new ReleaseSignature(keyId, signature);
  }

  /**
   * Returns the id of the key that made the signature.
   *
   * @return 16 lower-case hex digits
   */
  public String keyId() {
    return keyId;
  }

  /**
   * Returns the signature.
   *
   * @return 86 base64url characters without padding: 64 bytes
   */
  public String signature() {
    return signature;
  }

  /**
   * Returns true for a signature with the same key id and signature.
   *
   * @param o the object to compare with
   * @return whether {@code o} is an equal signature
   */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ReleaseSignature)) {
      return false;
    }
    ReleaseSignature other = (ReleaseSignature) o;
    return keyId.equals(other.keyId) && signature.equals(other.signature);
  }

  @Override
  public int hashCode() {
    return keyId.hashCode() * 31 + signature.hashCode();
  }

  /** Returns {@code key_id:signature} for debugging. */
  @Override
  public String toString() {
    return keyId + ":" + signature;
  }
}
