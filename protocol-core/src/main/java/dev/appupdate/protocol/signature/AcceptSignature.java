package dev.appupdate.protocol.signature;

import dev.appupdate.protocol.ProtocolException;
import dev.appupdate.protocol.internal.Fields;
import dev.appupdate.protocol.signature.StructuredFields.InnerList;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code Accept-Signature} request header (RFC 9421, section 5.1) by which a client asks for a
 * signed response: a fresh random nonce, which the signature must cover so that no earlier answer
 * can be replayed, and the ids of the server keys the client trusts. Immutable.
 *
 * <p>The header holds one dictionary member per key id, labelled {@code appupdate}, {@code
 * appupdate-2}, ..., each an inner list of the covered components with the parameters {@code
 * keyid}, {@code nonce} and {@code alg="ed25519"}; the nonce is the same in every member:
 *
 * <pre>
 * appupdate=("@status" "content-digest" "@method";req "@target-uri";req "content-digest";req)
 *     ;keyid="0a1b2c3d4e5f6a7b";nonce="...";alg="ed25519"       (one line)
 * </pre>
 *
 * <pre>{@code
 * AcceptSignature accept = AcceptSignature.create(trustedServerKeys);   // client, per request
 * request.header(AcceptSignature.HEADER, accept.headerValue());
 *
 * Optional<AcceptSignature> asked = AcceptSignature.parse(header);     // server; 400 if thrown
 * }</pre>
 */
public final class AcceptSignature {

  /** The header's name. */
  public static final String HEADER = "Accept-Signature";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final String nonce;
  private final List<String> keyIds;

  private AcceptSignature(String nonce, List<String> keyIds) {
    this.nonce = nonce;
    this.keyIds = keyIds;
  }

  /**
   * Returns a request for a signature with a fresh nonce of 32 bytes from a {@link SecureRandom}.
   *
   * @param trusted the server keys the client trusts
   * @return the request
   */
  public static AcceptSignature create(TrustedKeys trusted) {
    Objects.requireNonNull(trusted, "trusted == null");
    byte[] bytes = new byte[Profile.NONCE_BYTES];
    RANDOM.nextBytes(bytes);
    return of(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), trusted.keyIds());
  }

  /**
   * Returns a request for a signature with a given nonce: for tests, and for clients that draw
   * their own randomness. A nonce must never be used twice.
   *
   * @param nonce 32 random bytes as base64url without padding (43 characters)
   * @param keyIds the ids of the trusted server keys, at most 16; may be empty
   * @return the request
   * @throws IllegalArgumentException if the nonce or a key id is malformed, or there are more than
   *     16 key ids
   */
  public static AcceptSignature of(String nonce, List<String> keyIds) {
    Objects.requireNonNull(nonce, "nonce == null");
    String problem = Profile.nonceProblem(nonce);
    if (problem != null) {
      throw new IllegalArgumentException("nonce " + problem + ", got " + Fields.quote(nonce));
    }
    List<String> ids = List.copyOf(keyIds);
    if (ids.size() > Profile.MAX_SIGNATURES) {
      throw new IllegalArgumentException(
          "at most " + Profile.MAX_SIGNATURES + " key ids, got " + ids.size());
    }
    for (String id : ids) {
      Fields.require("keyIds", Fields.keyId(id));
    }
    return new AcceptSignature(nonce, ids);
  }

  /**
   * Reads an {@code Accept-Signature} header value, as a server does. The header asks for an
   * appupdate signature only when it has a member labelled {@code appupdate}: without one (only
   * members that ask for other signatures, such as a CDN's {@code sig1}, or only {@code
   * appupdate-2} and the like), the result is empty and the answer goes unsigned. With one, the
   * members labelled {@code appupdate} or {@code appupdate-N} are read, and others ignored. Each
   * such member must be an inner list with a {@code nonce} parameter, the same in all; a {@code
   * keyid} parameter, when present, must be a key id, and an {@code alg} parameter {@code
   * "ed25519"}. The covered components asked for are not checked: a server signs protocol v1's set.
   *
   * @param headerValue the header's value; several header lines joined with {@code ", "}
   * @return the nonce and the key ids asked for; empty when the header has no {@code appupdate}
   *     member
   * @throws ProtocolException naming the {@code Accept-Signature} header and what is wrong: not
   *     an RFC 8941 dictionary, or a malformed appupdate member
   */
  public static Optional<AcceptSignature> parse(String headerValue) {
    Objects.requireNonNull(headerValue, "headerValue == null");
    if (headerValue.length() > Profile.MAX_FIELD_LENGTH) {
      throw error("is longer than " + Profile.MAX_FIELD_LENGTH + " characters");
    }
    Map<String, Object> members;
    try {
      members = StructuredFields.parseDictionary(headerValue);
    } catch (StructuredFields.ParseException e) {
      throw error("is not an RFC 8941 dictionary: " + e.getMessage());
    }
    if (!members.containsKey(Profile.label(0))) {
      // Another party's signature request (a CDN's, say), not ours: signing is not asked for.
      return Optional.empty();
    }
    String nonce = null;
    List<String> keyIds = new ArrayList<>();
    for (Map.Entry<String, Object> m : members.entrySet()) {
      String label = m.getKey();
      if (!Profile.isLabel(label)) {
        continue;
      }
      if (!(m.getValue() instanceof InnerList)) {
        throw error("member " + label + " must be an inner list of components");
      }
      Map<String, Object> params = ((InnerList) m.getValue()).params;
      Object n = params.get(Profile.NONCE);
      if (n == null) {
        throw error("member " + label + " has no nonce parameter");
      }
      String nonceProblem =
          n instanceof String ? Profile.nonceProblem((String) n) : "must be a string";
      if (nonceProblem != null) {
        throw error("member " + label + ": nonce " + nonceProblem);
      }
      if (nonce != null && !nonce.equals(n)) {
        throw error("member " + label + " has another nonce than the first member");
      }
      nonce = (String) n;
      Object alg = params.get(Profile.ALG_PARAM);
      if (alg != null && !Profile.ALG.equals(alg)) {
        throw error("member " + label + ": alg must be \"" + Profile.ALG + "\"");
      }
      Object keyId = params.get(Profile.KEYID);
      if (keyId != null) {
        String problem =
            keyId instanceof String ? Fields.keyId((String) keyId) : "must be a string";
        if (problem != null) {
          throw error("member " + label + ": keyid " + problem);
        }
        if (!keyIds.contains(keyId)) {
          keyIds.add((String) keyId);
        }
      }
    }
    return Optional.of(new AcceptSignature(nonce, List.copyOf(keyIds)));
  }

  private static ProtocolException error(String message) {
    return Profile.headerError(HEADER, message);
  }

  /**
   * Returns the nonce the signature must cover.
   *
   * @return 43 base64url characters
   */
  public String nonce() {
    return nonce;
  }

  /**
   * Returns the ids of the keys the client trusts, in its order.
   *
   * @return the key ids; may be empty
   */
  public List<String> keyIds() {
    return keyIds;
  }

  /**
   * Returns the header value.
   *
   * @return the RFC 8941 dictionary described above
   */
  public String headerValue() {
    Map<String, Object> members = new LinkedHashMap<>();
    int n = Math.max(1, keyIds.size());
    for (int i = 0; i < n; i++) {
      Map<String, Object> params = new LinkedHashMap<>();
      if (!keyIds.isEmpty()) {
        params.put(Profile.KEYID, keyIds.get(i));
      }
      params.put(Profile.NONCE, nonce);
      params.put(Profile.ALG_PARAM, Profile.ALG);
      members.put(Profile.label(i), new InnerList(Profile.COMPONENTS, params));
    }
    return StructuredFields.serializeDictionary(members);
  }

  /** Returns the {@linkplain #headerValue() header value}. */
  @Override
  public String toString() {
    return headerValue();
  }
}
