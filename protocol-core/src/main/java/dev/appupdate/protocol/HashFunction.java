package dev.appupdate.protocol;

import dev.appupdate.protocol.internal.Fields;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A hash function that protocol v1 allows for update payloads. {@link #SHA512} is the default and
 * the one the catalog tooling writes. Weak or unknown functions (md5, sha1, ...) are refused.
 *
 * <pre>{@code
 * HashFunction f = HashFunction.fromWireName("sha512");
 * MessageDigest digest = f.newDigest();
 * }</pre>
 */
public enum HashFunction {
  /** SHA-256, 64 hex digits. */
  SHA256("sha256", "SHA-256", 32),
  /** SHA-384, 96 hex digits. */
  SHA384("sha384", "SHA-384", 48),
  /** SHA-512, 128 hex digits; the default. */
  SHA512("sha512", "SHA-512", 64);

  private final String wireName;
  private final String algorithm;
  private final int digestBytes;

  HashFunction(String wireName, String algorithm, int digestBytes) {
    this.wireName = wireName;
    this.algorithm = algorithm;
    this.digestBytes = digestBytes;
  }

  /**
   * Returns the hash function with this protocol name.
   *
   * @param name the name as it appears in {@code hash_function}, for example {@code sha512}
   * @return the hash function with this protocol name
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if the name is not one of {@link #allowedNames()}, with a
   *     message quoting the name (escaped and shortened, as fits a message) and naming the allowed
   *     ones
   */
  public static HashFunction fromWireName(String name) {
    Objects.requireNonNull(name, "name == null");
    for (HashFunction f : values()) {
      if (f.wireName.equals(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unsupported hash function " + Fields.quote(name) + "; allowed: " + allowedNames());
  }

  /**
   * Returns the allowed protocol names joined with ", ": {@code sha256, sha384, sha512}.
   *
   * @return the allowed names, for example {@code sha256, sha384, sha512}
   */
  public static String allowedNames() {
    return Arrays.stream(values()).map(f -> f.wireName).collect(Collectors.joining(", "));
  }

  /**
   * Returns the name used on the wire, for example {@code sha512}.
   *
   * @return the name used on the wire
   */
  public String wireName() {
    return wireName;
  }

  /**
   * Returns the JCA algorithm name, for example {@code SHA-512}.
   *
   * @return the JCA algorithm name
   */
  public String algorithm() {
    return algorithm;
  }

  /**
   * Returns the digest length in bytes.
   *
   * @return the digest length in bytes
   */
  public int digestBytes() {
    return digestBytes;
  }

  /**
   * Returns the length of a digest written as lower-case hex, in characters.
   *
   * @return the length of a digest written as lower-case hex
   */
  public int hexLength() {
    return digestBytes * 2;
  }

  /**
   * Returns a new {@link MessageDigest} for this function.
   *
   * @return a new {@link MessageDigest} for this function
   */
  public MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      // Every Java SE platform must provide SHA-256, SHA-384 and SHA-512.
      throw new IllegalStateException(algorithm + " is not available on this JVM", e);
    }
  }

  @Override
  public String toString() {
    return wireName;
  }
}
