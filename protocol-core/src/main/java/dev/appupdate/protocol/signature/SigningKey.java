package dev.appupdate.protocol.signature;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Objects;

/**
 * A key that signs: its public key, its {@linkplain Ed25519Keys#keyId key id}, and a function that
 * makes Ed25519 signatures with the private key. The function is pluggable, so that a server can
 * sign responses with a faster Ed25519 implementation (such as BouncyCastle's, about 45 us per
 * signature against about 1 ms for the JDK's on JDK 17) while this library stays JDK-only.
 * Thread-safe when the signer is.
 *
 * <pre>{@code
 * SigningKey jdk = SigningKey.of(Ed25519Keys.readKeyPair(Path.of("release.key")));
 *
 * // A server with BouncyCastle (org.bouncycastle:bcprov-jdk18on):
 * KeyPair pair = Ed25519Keys.readKeyPair(Path.of("response.key"));
 * byte[] seed = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow();
 * Ed25519PrivateKeyParameters bc = new Ed25519PrivateKeyParameters(seed);
 * SigningKey fast = SigningKey.of(pair.getPublic(), message -> {
 *   byte[] signature = new byte[64];
 *   bc.sign(Ed25519.Algorithm.Ed25519, null, message, 0, message.length, signature, 0);
 *   return signature;
 * });
 * }</pre>
 */
public final class SigningKey {

  /** Makes an Ed25519 signature (RFC 8032, pure Ed25519) with one private key. */
  @FunctionalInterface
  public interface Signer {
    /**
     * Signs {@code message}.
     *
     * @param message the bytes to sign; not modified
     * @return the 64-byte signature
     */
    byte[] sign(byte[] message);
  }

  private final PublicKey publicKey;
  private final String keyId;
  private final Signer signer;

  private SigningKey(PublicKey publicKey, Signer signer) {
    this.publicKey = publicKey;
    this.keyId = Ed25519Keys.keyId(publicKey);
    this.signer = signer;
  }

  /**
   * Returns a key that signs with the JDK's Ed25519.
   *
   * @param pair an Ed25519 key pair, as from {@link Ed25519Keys#readKeyPair} or {@link
   *     Ed25519Keys#generate}
   * @return the signing key
   * @throws IllegalArgumentException if the pair is not Ed25519, or its private key does not belong
   *     to its public key
   */
  public static SigningKey of(KeyPair pair) {
    Objects.requireNonNull(pair, "pair == null");
    requireMatching(pair);
    PrivateKey key = pair.getPrivate();
    return new SigningKey(pair.getPublic(), message -> Ed25519.sign(key, message));
  }

  /**
   * Returns a key that signs with {@code signer}.
   *
   * @param publicKey the Ed25519 public key of the signer's private key; names the signatures
   * @param signer makes Ed25519 signatures with the private key of {@code publicKey}
   * @return the signing key
   * @throws IllegalArgumentException if {@code publicKey} is not an Ed25519 key
   */
  public static SigningKey of(PublicKey publicKey, Signer signer) {
    Objects.requireNonNull(publicKey, "publicKey == null");
    Objects.requireNonNull(signer, "signer == null");
    return new SigningKey(publicKey, signer);
  }

  /** Throws IllegalArgumentException unless the pair is Ed25519 and its halves belong together. */
  static void requireMatching(KeyPair pair) {
    byte[] expected = Ed25519.rawPublicKey(pair.getPublic());
    byte[] derived = Ed25519.derivePublicKey(Ed25519.seed(pair.getPrivate()));
    if (!Arrays.equals(expected, derived)) {
      throw new IllegalArgumentException(
          "the private key does not belong to the public key "
              + Ed25519Keys.keyIdOfRaw(expected)
              + " (it belongs to "
              + Ed25519Keys.keyIdOfRaw(derived)
              + ")");
    }
  }

  /**
   * Returns the public key.
   *
   * @return the Ed25519 public key
   */
  public PublicKey publicKey() {
    return publicKey;
  }

  /**
   * Returns the key id that names this key's signatures.
   *
   * @return 16 lower-case hex digits
   */
  public String keyId() {
    return keyId;
  }

  /**
   * Signs {@code message}.
   *
   * @param message the bytes to sign
   * @return the 64-byte Ed25519 signature
   * @throws IllegalStateException if the signer returned something other than 64 bytes
   */
  public byte[] sign(byte[] message) {
    byte[] signature = signer.sign(message);
    if (signature == null || signature.length != Ed25519.SIGNATURE_BYTES) {
      throw new IllegalStateException(
          "the signer of key "
              + keyId
              + " returned "
              + (signature == null ? "null" : signature.length + " bytes")
              + ", not a 64-byte Ed25519 signature");
    }
    return signature;
  }

  /** Returns {@code SigningKey[key id]}. */
  @Override
  public String toString() {
    return "SigningKey[" + keyId + "]";
  }
}
