package dev.appupdate.protocol.signature;

import dev.appupdate.protocol.FieldError;
import dev.appupdate.protocol.ProtocolException;
import dev.appupdate.protocol.signature.StructuredFields.Item;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The profile of RFC 9421 that protocol v1 uses for response signatures (docs/PROTOCOL.md,
 * "Signatures"): one label scheme, one algorithm, one set of covered components.
 */
final class Profile {
  private Profile() {}

  /** The label of the first signature; further ones are {@code appupdate-2}, {@code -3}, ... */
  static final String LABEL = "appupdate";

  /** The RFC 9421 algorithm name. */
  static final String ALG = "ed25519";

  static final String CREATED = "created";
  static final String KEYID = "keyid";
  static final String NONCE = "nonce";
  static final String ALG_PARAM = "alg";

  static final Item STATUS = Item.of("@status");
  static final Item CONTENT_DIGEST = Item.of("content-digest");
  static final Item METHOD_REQ = new Item("@method", Map.of("req", Boolean.TRUE));
  static final Item TARGET_URI_REQ = new Item("@target-uri", Map.of("req", Boolean.TRUE));
  static final Item CONTENT_DIGEST_REQ = new Item("content-digest", Map.of("req", Boolean.TRUE));

  /** The components an Accept-Signature asks for, and a response with content covers. */
  static final List<Item> COMPONENTS =
      List.of(STATUS, CONTENT_DIGEST, METHOD_REQ, TARGET_URI_REQ, CONTENT_DIGEST_REQ);

  /** What a response without content covers: it has no content digest of its own. */
  static final List<Item> COMPONENTS_WITHOUT_CONTENT =
      List.of(STATUS, METHOD_REQ, TARGET_URI_REQ, CONTENT_DIGEST_REQ);

  /** At most this many signatures, or Accept-Signature members, are made or read. */
  static final int MAX_SIGNATURES = 16;

  /** The longest Signature-Input, Signature, Accept-Signature or Content-Digest value read. */
  static final int MAX_FIELD_LENGTH = 8192;

  static final int NONCE_BYTES = 32;

  /** The label of the {@code index}th (from 0) signature or Accept-Signature member. */
  static String label(int index) {
    return index == 0 ? LABEL : LABEL + "-" + (index + 1);
  }

  /** Whether a dictionary key is one of {@link #label}'s. */
  static boolean isLabel(String key) {
    if (key.equals(LABEL)) {
      return true;
    }
    if (!key.startsWith(LABEL + "-") || key.length() == LABEL.length() + 1) {
      return false;
    }
    for (int i = LABEL.length() + 1; i < key.length(); i++) {
      if (key.charAt(i) < '0' || key.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** Null when {@code nonce} is 32 bytes as canonical base64url without padding, else why not. */
  static String nonceProblem(String nonce) {
    byte[] bytes;
    try {
      bytes = Base64.getUrlDecoder().decode(nonce);
    } catch (IllegalArgumentException e) {
      bytes = null;
    }
    if (bytes == null
        || bytes.length != NONCE_BYTES
        || !Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(nonce)) {
      return "must be "
          + NONCE_BYTES
          + " random bytes as base64url without padding (43"
          + " characters)";
    }
    return null;
  }

  /** The exception for a malformed request or response header. */
  static ProtocolException headerError(String header, String message) {
    return new ProtocolException("headers", List.of(new FieldError(header, message)));
  }

  /** Quotes a header value, or part of one, for a message. */
  static String quote(String value) {
    return dev.appupdate.protocol.internal.Fields.quote(value);
  }
}
