package dev.appupdate.server;

import dev.appupdate.protocol.FieldError;
import dev.appupdate.protocol.Problem;
import dev.appupdate.protocol.ProtocolException;
import dev.appupdate.protocol.signature.AcceptSignature;
import dev.appupdate.protocol.signature.ContentDigest;
import dev.appupdate.protocol.signature.RequestBinding;
import dev.appupdate.protocol.signature.ResponseSigner;
import dev.appupdate.protocol.signature.SignatureHeaders;
import dev.appupdate.protocol.signature.SigningKey;
import java.net.URI;
import java.time.Clock;
import java.util.List;

/**
 * Signs the answers to update checks that ask for it with {@code Accept-Signature}, with every
 * response key (docs/PROTOCOL.md, "Response signatures"). Exists only on a server started with
 * response keys; one without them ignores {@code Accept-Signature}, so an unsigned check costs
 * nothing here. Thread-safe.
 */
final class ResponseSigning {
  private static final String METHOD = "POST";
  private static final String HEADERS = "headers";

  private final ResponseSigner signer;
  private final URI target;
  private final Clock clock;

  /**
   * @param keys the response keys, each signing every answer
   * @param target the URL of the route as clients reach it: the public URL plus the route, never
   *     the Host a request names, so that signatures hold behind a reverse proxy or CDN
   * @param clock the time each signature says it was made
   */
  ResponseSigning(List<SigningKey> keys, URI target, Clock clock) {
    this.signer = ResponseSigner.create(keys);
    this.target = target;
    this.clock = clock;
  }

  /** Returns whether {@code call} asks for a signed answer. */
  static boolean requested(Call call) {
    return call.requestHeader(AcceptSignature.HEADER) != null;
  }

  /**
   * Returns what the answer to {@code call} is signed over: its method, the route's public URL, the
   * request's {@code Content-Digest} and the nonce of its {@code Accept-Signature}; null when the
   * header has no {@code appupdate} member (it asks for other parties' signatures only, such as a
   * CDN's), and the answer goes unsigned.
   *
   * @param content the request body as sent, before any decoding
   * @throws HttpProblem 400 for a malformed {@code Accept-Signature}, and for a {@code
   *     Content-Digest} that is missing, malformed or not the digest of {@code content}: a man in
   *     the middle could otherwise change the request (its {@code installed} versions) and still
   *     get a genuine signed answer to it
   */
  RequestBinding bind(Call call, byte[] content) throws HttpProblem {
    String nonce;
    try {
      AcceptSignature asked =
          AcceptSignature.parse(field(call, AcceptSignature.HEADER)).orElse(null);
      if (asked == null) {
        return null;
      }
      nonce = asked.nonce();
    } catch (ProtocolException e) {
      throw HttpProblem.of(Problem.invalid(e));
    }
    String digest = field(call, ContentDigest.HEADER);
    if (digest == null) {
      throw invalid(
          "is required with "
              + AcceptSignature.HEADER
              + ": the sha-256 digest of the request body (RFC 9530), which the signature covers");
    }
    try {
      if (!ContentDigest.parse(digest).matches(content)) {
        throw invalid(
            "does not match the request body: the body was changed on the way, or the digest"
                + " was computed over other bytes than the ones sent");
      }
      return RequestBinding.of(METHOD, target, digest, nonce);
    } catch (ProtocolException e) {
      throw HttpProblem.of(Problem.invalid(e));
    } catch (IllegalArgumentException e) {
      // A parsed digest is a valid field value; whatever else is wrong is the request's doing.
      throw invalid("cannot be signed over: " + e.getMessage());
    }
  }

  /**
   * Adds the signature headers of a {@code status} answer with {@code body} to {@code call}, before
   * it is sent.
   *
   * @param body the response body; empty for a 204
   */
  void sign(Call call, RequestBinding request, int status, byte[] body) {
    SignatureHeaders h = signer.sign(request, status, body, clock.instant());
    if (h.contentDigest() != null) {
      call.responseHeaders().set(ContentDigest.HEADER, h.contentDigest());
    }
    call.responseHeaders().set(SignatureHeaders.SIGNATURE_INPUT, h.signatureInput());
    call.responseHeaders().set(SignatureHeaders.SIGNATURE, h.signature());
  }

  /** The value of a request header: its lines joined with {@code ", "}, as RFC 9110 combines. */
  private static String field(Call call, String name) {
    List<String> lines = call.requestHeaders().get(name);
    return lines == null ? null : String.join(", ", lines);
  }

  private static HttpProblem invalid(String message) {
    return HttpProblem.of(
        Problem.invalid(
            new ProtocolException(
                HEADERS, List.of(new FieldError(ContentDigest.HEADER, message)))));
  }
}
