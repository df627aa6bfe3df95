package dev.appupdate.protocol.signature;

import dev.appupdate.protocol.ProtocolException;
import dev.appupdate.protocol.signature.StructuredFields.InnerList;
import dev.appupdate.protocol.signature.StructuredFields.Item;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Checks the signature of an update-check response against the server keys a client trusts, as
 * docs/PROTOCOL.md, "Signatures", specifies. One valid signature by a trusted key suffices;
 * signatures by other keys, and signatures that do not follow protocol v1's profile (another
 * layer's, such as a CDN's), are skipped. The response is valid only if a trusted key signed this
 * status, this body (through its {@code Content-Digest}, which must match it) and the very request
 * the client sent: its method, target URI, {@code Content-Digest} and nonce, so that an earlier
 * answer, or an answer to another request, never passes. Headers are parsed strictly and within
 * bounds. Immutable and thread-safe.
 *
 * <pre>{@code
 * ResponseVerifier verifier = ResponseVerifier.create(trustedServerKeys);         // once
 *
 * AcceptSignature accept = AcceptSignature.create(trustedServerKeys);             // per check
 * String digest = ContentDigest.of(body).headerValue();
 * // send POST with Accept-Signature: accept.headerValue() and Content-Digest: digest, then:
 * RequestBinding sent = RequestBinding.of("POST", uri, digest, accept.nonce());
 * Verification v = verifier.verify(sent, response.statusCode(), response.headers().map(),
 *     response.body());
 * if (!v.valid()) { throw ... v.reason() ... }                                   // not "no update"
 * }</pre>
 */
public final class ResponseVerifier {
  /** The profile's components by their serialized identifier, such as {@code "@method";req}. */
  private static final Map<String, Item> COMPONENTS = new HashMap<>();

  static {
    for (Item c : Profile.COMPONENTS) {
      COMPONENTS.put(StructuredFields.serializeItem(c), c);
    }
  }

  private static final Set<String> PARAMS =
      Set.of(Profile.CREATED, Profile.KEYID, Profile.NONCE, Profile.ALG_PARAM);

  private final TrustedKeys trusted;

  private ResponseVerifier(TrustedKeys trusted) {
    this.trusted = trusted;
  }

  /**
   * Returns a verifier trusting {@code trusted}.
   *
   * @param trusted the server keys to trust
   * @return the verifier
   */
  public static ResponseVerifier create(TrustedKeys trusted) {
    return new ResponseVerifier(Objects.requireNonNull(trusted, "trusted == null"));
  }

  /**
   * Checks a response.
   *
   * @param request the request the client sent
   * @param status the response's status code
   * @param headers the response's headers: names in any case, each with its field lines' values (as
   *     {@code java.net.http.HttpHeaders#map()} gives them)
   * @param body the response body; empty for none
   * @return valid with the trusted key that signed, or why not
   */
  public Verification verify(
      RequestBinding request, int status, Map<String, List<String>> headers, byte[] body) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(headers, "headers == null");
    Objects.requireNonNull(body, "body == null");
    String inputField = field(headers, SignatureHeaders.SIGNATURE_INPUT);
    String signatureField = field(headers, SignatureHeaders.SIGNATURE);
    if (inputField == null && signatureField == null) {
      return Verification.invalid(
          "the response is not signed: it has no Signature-Input and Signature headers");
    }
    if (inputField == null || signatureField == null) {
      return Verification.invalid(
          "the response has a "
              + (inputField == null ? "Signature" : "Signature-Input")
              + " header but no "
              + (inputField == null ? "Signature-Input" : "Signature")
              + " header");
    }
    Map<String, Object> inputs;
    Map<String, Object> signatures;
    try {
      inputs = dictionary(SignatureHeaders.SIGNATURE_INPUT, inputField);
      signatures = dictionary(SignatureHeaders.SIGNATURE, signatureField);
    } catch (StructuredFields.ParseException e) {
      return Verification.invalid(e.getMessage());
    }
    if (inputs.isEmpty()) {
      return Verification.invalid("the response is not signed: Signature-Input is empty");
    }
    if (status < 100 || status > 999) {
      return Verification.invalid("status " + status + " is not an HTTP status code");
    }
    Set<String> untrusted = new LinkedHashSet<>();
    String trustedProblem = null;
    String otherProblem = null;
    DigestCheck digest = new DigestCheck(headers, body);
    for (Map.Entry<String, Object> member : inputs.entrySet()) {
      String label = member.getKey();
      Candidate c = candidate(label, member.getValue(), body.length > 0);
      if (c.problem != null) {
        otherProblem = otherProblem == null ? c.problem : otherProblem;
        continue;
      }
      PublicKey key = trusted.get(c.keyId);
      if (key == null) {
        untrusted.add(c.keyId);
        continue;
      }
      String problem = check(c, key, signatures.get(label), request, status, digest);
      if (problem == null) {
        return Verification.valid(c.keyId);
      }
      if (trustedProblem == null) {
        trustedProblem = "signature " + label + " by trusted key " + c.keyId + " " + problem;
      }
    }
    // A trusted key's failed signature says most about what went wrong; then untrusted keys.
    if (trustedProblem != null) {
      return Verification.invalid(trustedProblem);
    }
    if (!untrusted.isEmpty()) {
      return Verification.invalid(
          "signed only by keys that are not trusted: " + String.join(", ", untrusted));
    }
    return Verification.invalid(otherProblem);
  }

  /** Checks one signature by a trusted key; null when it verifies, else why not. */
  private static String check(
      Candidate c,
      PublicKey key,
      Object signatureMember,
      RequestBinding request,
      int status,
      DigestCheck digest) {
    if (!request.nonce().equals(c.nonce)) {
      return "is over another nonce than the one this request sent: an answer to another"
          + " request, or a replayed one";
    }
    if (signatureMember == null) {
      return "has no member of its label in the Signature header";
    }
    if (!(signatureMember instanceof Item)
        || !(((Item) signatureMember).value instanceof byte[])
        || ((byte[]) ((Item) signatureMember).value).length != Ed25519.SIGNATURE_BYTES) {
      return "is not a 64-byte byte sequence in the Signature header";
    }
    if (c.coversContent && digest.problem() != null) {
      return digest.problem();
    }
    List<String> values = ResponseSigner.values(c.input.items, status, digest.field, request);
    byte[] signature = (byte[]) ((Item) signatureMember).value;
    if (Ed25519.verify(key, SignatureBase.bytes(c.input, values), signature)) {
      return null;
    }
    return "does not verify: the status, the body, or the request it answers ("
        + request.method()
        + " "
        + request.targetUriText()
        + " with its Content-Digest)"
        + " differs from what the server signed; a server whose public URL differs from the"
        + " URL the client used fails here too";
  }

  /** The response's Content-Digest, checked against the body once, when a signature covers it. */
  private static final class DigestCheck {
    final String field;
    private final byte[] body;
    private boolean checked;
    private String problem;

    DigestCheck(Map<String, List<String>> headers, byte[] body) {
      this.field = field(headers, ContentDigest.HEADER);
      this.body = body;
    }

    String problem() {
      if (!checked) {
        checked = true;
        problem = responseDigestProblem(field, body);
      }
      return problem;
    }
  }

  private static String responseDigestProblem(String field, byte[] body) {
    if (field == null) {
      return "covers content-digest, but the response has no Content-Digest header";
    }
    try {
      if (!ContentDigest.parse(field).matches(body)) {
        return "covers a Content-Digest that does not match the response body";
      }
    } catch (ProtocolException e) {
      return "covers a malformed Content-Digest: " + e.errors().get(0).message();
    }
    return null;
  }

  /** One Signature-Input member, checked against the profile. */
  private static final class Candidate {
    String problem;
    String keyId;
    String nonce;
    InnerList input;
    boolean coversContent;
  }

  private static Candidate candidate(String label, Object member, boolean hasContent) {
    Candidate c = new Candidate();
    String prefix = "signature " + label + " ";
    if (!(member instanceof InnerList)) {
      c.problem = prefix + "is not an inner list of components in Signature-Input";
      return c;
    }
    InnerList list = (InnerList) member;
    for (String p : list.params.keySet()) {
      if (!PARAMS.contains(p)) {
        c.problem = prefix + "has the parameter " + p + ", which protocol v1 does not use";
        return c;
      }
    }
    Object keyId = list.params.get(Profile.KEYID);
    Object nonce = list.params.get(Profile.NONCE);
    Object alg = list.params.get(Profile.ALG_PARAM);
    Object created = list.params.get(Profile.CREATED);
    if (!(keyId instanceof String)) {
      c.problem = prefix + (keyId == null ? "has no keyid" : "has a keyid that is not a string");
      return c;
    }
    if (!Profile.ALG.equals(alg)) {
      c.problem =
          prefix
              + (alg == null ? "has no alg" : "uses alg " + describe(alg))
              + "; protocol v1 uses alg=\""
              + Profile.ALG
              + "\"";
      return c;
    }
    if (!(nonce instanceof String)) {
      c.problem = prefix + (nonce == null ? "has no nonce" : "has a nonce that is not a string");
      return c;
    }
    if (!(created instanceof Long) || (Long) created < 0) {
      c.problem =
          prefix
              + (created == null
                  ? "has no created time"
                  : "has a created time that" + " is not a whole number of seconds since 1970");
      return c;
    }
    List<Item> components = new ArrayList<>(list.items.size());
    Set<Item> seen = new HashSet<>();
    for (Item item : list.items) {
      String id = StructuredFields.serializeItem(item);
      Item known = COMPONENTS.get(id);
      if (known == null) {
        // A serialized identifier is printable ASCII; only its length needs a bound here.
        String shown = id.length() > 80 ? id.substring(0, 77) + "..." : id;
        c.problem = prefix + "covers " + shown + ", which protocol v1 does not use";
        return c;
      }
      if (!seen.add(known)) {
        c.problem = prefix + "covers " + id + " twice";
        return c;
      }
      components.add(known);
    }
    for (Item required : Profile.COMPONENTS) {
      boolean needed = required != Profile.CONTENT_DIGEST || hasContent;
      if (needed && !seen.contains(required)) {
        c.problem = prefix + "does not cover " + StructuredFields.serializeItem(required);
        return c;
      }
    }
    c.keyId = (String) keyId;
    c.nonce = (String) nonce;
    c.coversContent = seen.contains(Profile.CONTENT_DIGEST);
    c.input = new InnerList(components, list.params);
    return c;
  }

  private static String describe(Object value) {
    return value instanceof String ? Profile.quote((String) value) : String.valueOf(value);
  }

  private static Map<String, Object> dictionary(String name, String value)
      throws StructuredFields.ParseException {
    if (value.length() > Profile.MAX_FIELD_LENGTH) {
      throw new StructuredFields.ParseException(
          name + " is longer than " + Profile.MAX_FIELD_LENGTH + " characters");
    }
    try {
      return StructuredFields.parseDictionary(value);
    } catch (StructuredFields.ParseException e) {
      throw new StructuredFields.ParseException(
          name + " is not an RFC 8941 dictionary: " + e.getMessage());
    }
  }

  /** The value of a header: its lines' values, each trimmed, joined with ", "; null if absent. */
  static String field(Map<String, List<String>> headers, String name) {
    StringBuilder sb = null;
    for (Map.Entry<String, List<String>> h : headers.entrySet()) {
      if (h.getKey() == null || !h.getKey().equalsIgnoreCase(name) || h.getValue() == null) {
        continue;
      }
      for (String v : h.getValue()) {
        sb = sb == null ? new StringBuilder() : sb.append(", ");
        sb.append(trimOws(v));
      }
    }
    return sb == null ? null : sb.toString();
  }

  private static String trimOws(String v) {
    int start = 0;
    int end = v.length();
    while (start < end && (v.charAt(start) == ' ' || v.charAt(start) == '\t')) {
      start++;
    }
    while (end > start && (v.charAt(end - 1) == ' ' || v.charAt(end - 1) == '\t')) {
      end--;
    }
    return v.substring(start, end);
  }
}
