package dev.appupdate.protocol.signature;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Set;

/**
 * Ed25519 with the JDK (Java 15 and later): raw key bytes, the DER encodings of RFC 8410, and the
 * one thing the JDK does not offer, deriving the public key from a private key, so that a private
 * key file alone identifies its key.
 */
final class Ed25519 {
  private Ed25519() {}

  static final String ALGORITHM = "Ed25519";
  static final int KEY_BYTES = 32;
  static final int SIGNATURE_BYTES = 64;

  /** SubjectPublicKeyInfo of an Ed25519 key (RFC 8410) up to the 32 raw key bytes. */
  private static final byte[] SPKI_PREFIX = hex("302a300506032b6570032100");

  /** PKCS#8 v1 PrivateKeyInfo of an Ed25519 key (RFC 8410) up to the 32-byte seed. */
  private static final byte[] PKCS8_PREFIX = hex("302e020100300506032b657004220420");

  /** Returns the raw 32 bytes of an Ed25519 public key; IllegalArgumentException if not one. */
  static byte[] rawPublicKey(PublicKey key) {
    byte[] der = key.getEncoded();
    if (der == null
        || der.length != SPKI_PREFIX.length + KEY_BYTES
        || !Arrays.equals(der, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
      throw new IllegalArgumentException(
          "not an Ed25519 public key: " + key.getAlgorithm() + " " + key.getFormat());
    }
    return Arrays.copyOfRange(der, SPKI_PREFIX.length, der.length);
  }

  /** Returns the JDK public key of 32 raw bytes. */
  static PublicKey publicKey(byte[] raw) {
    byte[] der = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + KEY_BYTES);
    System.arraycopy(raw, 0, der, SPKI_PREFIX.length, KEY_BYTES);
    return decodePublicKey(der);
  }

  /**
   * Decodes a DER SubjectPublicKeyInfo; IllegalArgumentException if not an Ed25519 key, or a weak
   * one: a point of small order, or a y coordinate that is not below 2^255 - 19.
   */
  static PublicKey decodePublicKey(byte[] der) {
    if (der.length != SPKI_PREFIX.length + KEY_BYTES
        || !Arrays.equals(der, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
      throw new IllegalArgumentException(
          "not an Ed25519 public key (an RFC 8410 SubjectPublicKeyInfo of 44 bytes)");
    }
    String weakness = weakness(Arrays.copyOfRange(der, SPKI_PREFIX.length, der.length));
    if (weakness != null) {
      throw new IllegalArgumentException("not a usable Ed25519 public key: " + weakness);
    }
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
    } catch (InvalidKeySpecException e) {
      throw new IllegalArgumentException("not a valid Ed25519 public key: " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no Ed25519 (Java 15 or later has)", e);
    }
  }

  /** Decodes a DER PKCS#8 PrivateKeyInfo; IllegalArgumentException if not an Ed25519 key. */
  static PrivateKey decodePrivateKey(byte[] der) {
    PrivateKey key;
    try {
      key = KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (InvalidKeySpecException e) {
      throw new IllegalArgumentException(
          "not an Ed25519 private key (an RFC 8410 PKCS#8 PrivateKeyInfo)", e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no Ed25519 (Java 15 or later has)", e);
    }
    seed(key); // checks the curve
    return key;
  }

  /** Returns the PKCS#8 DER of a private key, as {@code appupdate keygen} writes it. */
  static byte[] encodePrivateKey(PrivateKey key) {
    byte[] der = Arrays.copyOf(PKCS8_PREFIX, PKCS8_PREFIX.length + KEY_BYTES);
    System.arraycopy(seed(key), 0, der, PKCS8_PREFIX.length, KEY_BYTES);
    return der;
  }

  /** Returns the 32-byte seed of an Ed25519 private key; IllegalArgumentException if not one. */
  static byte[] seed(PrivateKey key) {
    if (key instanceof EdECPrivateKey
        && ((EdECPrivateKey) key).getParams().getName().equalsIgnoreCase(ALGORITHM)) {
      byte[] seed = ((EdECPrivateKey) key).getBytes().orElse(null);
      if (seed != null && seed.length == KEY_BYTES) {
        return seed;
      }
    }
    throw new IllegalArgumentException("not an Ed25519 private key: " + key.getAlgorithm());
  }

  /** Signs with the JDK's Ed25519. */
  static byte[] sign(PrivateKey key, byte[] message) {
    try {
      Signature s = Signature.getInstance(ALGORITHM);
      s.initSign(key);
      s.update(message);
      return s.sign();
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("not an Ed25519 private key: " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  /** Verifies with the JDK's Ed25519; false for a signature that is not 64 bytes or malformed. */
  static boolean verify(PublicKey key, byte[] message, byte[] signature) {
    if (signature.length != SIGNATURE_BYTES) {
      return false;
    }
    try {
      Signature s = Signature.getInstance(ALGORITHM);
      s.initVerify(key);
      s.update(message);
      return s.verify(signature);
    } catch (SignatureException e) {
      return false; // malformed, for example a non-canonical S
    } catch (InvalidKeyException e) {
      throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no Ed25519 (Java 15 or later has)", e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Public key from seed (RFC 8032, section 5.1.5). Runs once per key file load, not per signature,
  // so plain affine BigInteger arithmetic suffices; its timing depends on the secret scalar, which
  // an attacker cannot observe at that moment (key loading, not a request).

  private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
  private static final BigInteger D =
      BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(P)).mod(P);
  private static final BigInteger BX =
      new BigInteger(
          "15112221349535400772501151409588531511454012693041857206046113283949847762202");
  private static final BigInteger BY =
      new BigInteger(
          "46316835694926478169428394003475163141307993866256225615783033603165251855960");

  /**
   * The y coordinates of the 8 points of small order (1, 2, 4 and 8): 1 (the neutral point), p - 1,
   * 0, and a pair of order 8. Such a key signs nothing of its own, and the JDK's verification (which
   * does not multiply by the cofactor) accepts a trivial signature by it over any message. Each y
   * names two encodings, by the sign bit of x; for x = 0 the one with the bit set is also
   * non-canonical. That makes the 8 encodings of the known blocklists (libsodium) and the
   * non-canonical ones of the same points.
   */
  private static final Set<BigInteger> SMALL_ORDER_Y = smallOrderY();

  private static Set<BigInteger> smallOrderY() {
    BigInteger y8 =
        new BigInteger(
            "2707385501144840649318225287225658788936804267575313519463743609750303402022");
    return Set.of(
        BigInteger.ONE, P.subtract(BigInteger.ONE), BigInteger.ZERO, y8, P.subtract(y8));
  }

  /** Returns why a raw 32-byte public key is weak, or null when it is not. */
  static String weakness(byte[] raw) {
    byte[] bigEndian = new byte[KEY_BYTES];
    for (int i = 0; i < KEY_BYTES; i++) {
      bigEndian[i] = raw[KEY_BYTES - 1 - i];
    }
    bigEndian[0] &= 0x7f; // the sign bit of x
    BigInteger y = new BigInteger(1, bigEndian);
    if (y.compareTo(P) >= 0) {
      return "its y coordinate is not below 2^255 - 19 (a non-canonical encoding)";
    }
    if (SMALL_ORDER_Y.contains(y)) {
      return "it is a point of small order, a weak key by which a trivial signature verifies"
          + " over any message";
    }
    return null;
  }

  /** Returns the raw 32-byte public key of a 32-byte seed. */
  static byte[] derivePublicKey(byte[] seed) {
    byte[] h;
    try {
      h = MessageDigest.getInstance("SHA-512").digest(seed);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    byte[] a = new byte[KEY_BYTES];
    for (int i = 0; i < KEY_BYTES; i++) {
      a[i] = h[KEY_BYTES - 1 - i]; // little-endian to big-endian
    }
    a[KEY_BYTES - 1] &= (byte) 0xf8; // clear the 3 lowest bits
    a[0] &= 0x7f; // clear bit 255
    a[0] |= 0x40; // set bit 254
    BigInteger scalar = new BigInteger(1, a);
    BigInteger x = BigInteger.ZERO;
    BigInteger y = BigInteger.ONE;
    for (int bit = 254; bit >= 0; bit--) {
      BigInteger[] doubled = add(x, y, x, y);
      x = doubled[0];
      y = doubled[1];
      if (scalar.testBit(bit)) {
        BigInteger[] sum = add(x, y, BX, BY);
        x = sum[0];
        y = sum[1];
      }
    }
    byte[] out = new byte[KEY_BYTES];
    byte[] yBytes = y.toByteArray(); // big-endian, maybe with a leading zero
    for (int i = 0; i < KEY_BYTES && i < yBytes.length; i++) {
      out[i] = yBytes[yBytes.length - 1 - i];
    }
    if (x.testBit(0)) {
      out[KEY_BYTES - 1] |= (byte) 0x80;
    }
    return out;
  }

  /** The complete twisted Edwards addition law for a = -1: also doubles. */
  private static BigInteger[] add(BigInteger x1, BigInteger y1, BigInteger x2, BigInteger y2) {
    BigInteger x1x2 = x1.multiply(x2).mod(P);
    BigInteger y1y2 = y1.multiply(y2).mod(P);
    BigInteger t = D.multiply(x1x2).mod(P).multiply(y1y2).mod(P);
    BigInteger x3 =
        x1.multiply(y2).add(y1.multiply(x2)).multiply(BigInteger.ONE.add(t).modInverse(P)).mod(P);
    BigInteger y3 = y1y2.add(x1x2).multiply(BigInteger.ONE.subtract(t).mod(P).modInverse(P)).mod(P);
    return new BigInteger[] {x3, y3};
  }

  private static byte[] hex(String s) {
    byte[] b = new byte[s.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }
}
