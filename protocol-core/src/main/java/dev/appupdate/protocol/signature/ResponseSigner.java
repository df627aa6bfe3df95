package dev.appupdate.protocol.signature;

import dev.appupdate.protocol.signature.StructuredFields.InnerList;
import dev.appupdate.protocol.signature.StructuredFields.Item;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Signs update-check responses with HTTP Message Signatures (RFC 9421) as protocol v1 specifies
 * (docs/PROTOCOL.md, "Signatures"): each signature covers the status code, the response's {@code
 * Content-Digest} when it has content, and the request it answers (method, target URI, {@code
 * Content-Digest}) through the {@code req} parameter, with the parameters {@code created}, {@code
 * keyid}, {@code nonce} (the client's, from its {@link AcceptSignature}) and {@code alg="ed25519"}.
 * Every key signs: the first signature is labelled {@code appupdate}, further ones {@code
 * appupdate-2}, {@code appupdate-3}, ... in the order of the keys, so that clients pinned to an old
 * or a new key both find theirs during a change-over. Immutable and thread-safe when the keys'
 * signers are.
 *
 * <pre>{@code
 * ResponseSigner signer = ResponseSigner.create(List.of(SigningKey.of(pair)));   // once
 *
 * // per signed answer (200 or 204) to a request with Accept-Signature:
 * SignatureHeaders h = signer.sign(request, 200, body, clock.instant());
 * if (h.contentDigest() != null) response.header(ContentDigest.HEADER, h.contentDigest());
 * response.header(SignatureHeaders.SIGNATURE_INPUT, h.signatureInput());
 * response.header(SignatureHeaders.SIGNATURE, h.signature());
 * }</pre>
 */
public final class ResponseSigner {
  private final List<SigningKey> keys;

  private ResponseSigner(List<SigningKey> keys) {
    this.keys = keys;
  }

  /**
   * Returns a signer that signs every response with each of {@code keys}.
   *
   * @param keys the server's response keys, 1 to 16 with distinct key ids
   * @return the signer
   * @throws IllegalArgumentException if there is no key, more than 16, or two with one key id
   */
  public static ResponseSigner create(List<SigningKey> keys) {
    List<SigningKey> copy = List.copyOf(keys);
    if (copy.isEmpty() || copy.size() > Profile.MAX_SIGNATURES) {
      throw new IllegalArgumentException(
          "1 to " + Profile.MAX_SIGNATURES + " keys are needed, got " + copy.size());
    }
    Set<String> ids = new HashSet<>();
    for (SigningKey k : copy) {
      if (!ids.add(k.keyId())) {
        throw new IllegalArgumentException("key " + k.keyId() + " is given twice");
      }
    }
    return new ResponseSigner(copy);
  }

  /**
   * Signs one response.
   *
   * @param request the request it answers, with the server's public URL as target
   * @param status the status code: a success (2xx), since problem responses are not signed
   * @param body the response body; empty for none (a 204)
   * @param created the signing time; whole seconds are signed
   * @return the headers to add to the response
   * @throws IllegalArgumentException if {@code status} is not a success or {@code created} is
   *     before 1970
   */
  public SignatureHeaders sign(RequestBinding request, int status, byte[] body, Instant created) {
    Objects.requireNonNull(request, "request == null");
    Objects.requireNonNull(body, "body == null");
    Objects.requireNonNull(created, "created == null");
    if (status < 200 || status > 299) {
      throw new IllegalArgumentException(
          "only successful responses (2xx) are signed, not problem responses; got " + status);
    }
    if (created.getEpochSecond() < 0) {
      throw new IllegalArgumentException("created is before 1970: " + created);
    }
    String contentDigest = body.length == 0 ? null : ContentDigest.of(body).headerValue();
    List<Item> components =
        contentDigest == null ? Profile.COMPONENTS_WITHOUT_CONTENT : Profile.COMPONENTS;
    List<String> values = values(components, status, contentDigest, request);
    Map<String, Object> inputs = new LinkedHashMap<>();
    Map<String, Object> signatures = new LinkedHashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      SigningKey key = keys.get(i);
      Map<String, Object> params = new LinkedHashMap<>();
      params.put(Profile.CREATED, created.getEpochSecond());
      params.put(Profile.KEYID, key.keyId());
      params.put(Profile.NONCE, request.nonce());
      params.put(Profile.ALG_PARAM, Profile.ALG);
      InnerList input = new InnerList(components, params);
      byte[] signature = key.sign(SignatureBase.bytes(input, values));
      inputs.put(Profile.label(i), input);
      signatures.put(Profile.label(i), Item.of(signature));
    }
    return new SignatureHeaders(
        contentDigest,
        StructuredFields.serializeDictionary(inputs),
        StructuredFields.serializeDictionary(signatures));
  }

  /**
   * The value of each component of the profile, which must be {@link Profile}'s own items: what the
   * signer signs and the verifier rebuilds.
   */
  static List<String> values(
      List<Item> components, int status, String contentDigest, RequestBinding request) {
    List<String> values = new ArrayList<>(components.size());
    for (Item c : components) {
      if (c == Profile.STATUS) {
        values.add(Integer.toString(status));
      } else if (c == Profile.CONTENT_DIGEST) {
        values.add(contentDigest);
      } else if (c == Profile.METHOD_REQ) {
        values.add(request.method());
      } else if (c == Profile.TARGET_URI_REQ) {
        values.add(request.targetUriText());
      } else if (c == Profile.CONTENT_DIGEST_REQ) {
        values.add(request.contentDigest());
      } else {
        throw new IllegalArgumentException("not a component of the profile: " + c.value);
      }
    }
    return values;
  }
}
