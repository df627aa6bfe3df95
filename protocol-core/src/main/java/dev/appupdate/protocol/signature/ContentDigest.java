package dev.appupdate.protocol.signature;

import dev.appupdate.protocol.ProtocolException;
import dev.appupdate.protocol.signature.StructuredFields.Item;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code Content-Digest} header of RFC 9530 with the {@code sha-256} algorithm, as protocol v1
 * uses it: the client sends the digest of its request body, the server checks it and signs over it,
 * and a signed response with content carries the digest of its body. Immutable.
 *
 * <pre>{@code
 * request.header(ContentDigest.HEADER, ContentDigest.of(body).headerValue());
 *   // sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:
 * boolean intact = ContentDigest.parse(received).matches(body);   // server: 400 when false
 * }</pre>
 */
public final class ContentDigest {

  /** The header's name. */
  public static final String HEADER = "Content-Digest";

  private static final String ALGORITHM = "sha-256";
  private static final int DIGEST_BYTES = 32;

  private final byte[] sha256;

  private ContentDigest(byte[] sha256) {
    this.sha256 = sha256;
  }

  /**
   * Returns the digest of {@code content}.
   *
   * @param content the body; empty for none
   * @return its digest
   */
  public static ContentDigest of(byte[] content) {
    Objects.requireNonNull(content, "content == null");
    return new ContentDigest(sha256(content));
  }

  /**
   * Reads a {@code Content-Digest} header value: an RFC 8941 dictionary that must hold a {@code
   * sha-256} member whose value is a 32-byte byte sequence. Other members (other algorithms) are
   * ignored.
   *
   * @param headerValue the header's value; several header lines joined with {@code ", "}
   * @return the sha-256 digest it carries
   * @throws ProtocolException naming the {@code Content-Digest} header and what is wrong
   */
  public static ContentDigest parse(String headerValue) {
    Objects.requireNonNull(headerValue, "headerValue == null");
    if (headerValue.length() > Profile.MAX_FIELD_LENGTH) {
      throw Profile.headerError(
          HEADER, "is longer than " + Profile.MAX_FIELD_LENGTH + " characters");
    }
    Map<String, Object> members;
    try {
      members = StructuredFields.parseDictionary(headerValue);
    } catch (StructuredFields.ParseException e) {
      throw Profile.headerError(HEADER, "is not an RFC 8941 dictionary: " + e.getMessage());
    }
    Object member = members.get(ALGORITHM);
    if (member == null) {
      throw Profile.headerError(
          HEADER,
          "has no "
              + ALGORITHM
              + " digest, the one this protocol uses; got "
              + (members.isEmpty() ? "none" : String.join(", ", members.keySet())));
    }
    if (!(member instanceof Item)
        || !(((Item) member).value instanceof byte[])
        || ((byte[]) ((Item) member).value).length != DIGEST_BYTES) {
      throw Profile.headerError(
          HEADER,
          ALGORITHM
              + " must be a byte sequence of "
              + DIGEST_BYTES
              + " bytes, such as"
              + " sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:");
    }
    return new ContentDigest(((byte[]) ((Item) member).value).clone());
  }

  /**
   * Returns whether {@code content} has this digest.
   *
   * @param content the body
   * @return true when its sha-256 equals this digest
   */
  public boolean matches(byte[] content) {
    Objects.requireNonNull(content, "content == null");
    return MessageDigest.isEqual(sha256, sha256(content));
  }

  /**
   * Returns the header value: {@code sha-256=:<base64>:}.
   *
   * @return the header value
   */
  public String headerValue() {
    Map<String, Object> members = new LinkedHashMap<>();
    members.put(ALGORITHM, Item.of(sha256));
    return StructuredFields.serializeDictionary(members);
  }

  private static byte[] sha256(byte[] content) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(content);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Returns true for the same digest.
   *
   * @param o the object to compare with
   * @return whether {@code o} is the same digest
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof ContentDigest && Arrays.equals(((ContentDigest) o).sha256, sha256);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(sha256);
  }

  /** Returns the {@linkplain #headerValue() header value}. */
  @Override
  public String toString() {
    return headerValue();
  }
}
