package dev.appupdate.client;

import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.appupdate.protocol.signature.AcceptSignature;
import dev.appupdate.protocol.signature.ContentDigest;
import dev.appupdate.protocol.signature.RequestBinding;
import dev.appupdate.protocol.signature.ResponseSigner;
import dev.appupdate.protocol.signature.SignatureHeaders;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Signs WireMock's answers to {@code POST /v1/update} the way a signing server does
 * (docs/PROTOCOL.md, "Response signatures"), over the nonce and {@code Content-Digest} the request
 * carried, and plays the man in the middle on request: replays the signature headers of the
 * previous answer, binds the signature to another request body, or changes the body after signing.
 * Off (answers pass unchanged) until {@link #signWith} is called.
 */
final class SigningTransformer implements ResponseTransformerV2 {
  static final Instant CREATED = Instant.parse("2030-01-01T00:00:00Z");

  private volatile ResponseSigner signer;
  private volatile URI target;
  private volatile boolean replay;
  private volatile boolean otherRequest;
  private volatile UnaryOperator<byte[]> tamper;
  private volatile List<HttpHeader> last;

  /** Stops signing and forgets every setting. */
  void reset() {
    signer = null;
    target = null;
    replay = false;
    otherRequest = false;
    tamper = null;
    last = null;
  }

  /** Signs each answer with {@code signer} for the request target {@code target}. */
  void signWith(ResponseSigner signer, URI target) {
    this.target = target;
    this.signer = signer;
  }

  /** Answers with the signature headers of the previous signed answer instead of new ones. */
  void replayPrevious() {
    this.replay = true;
  }

  /** Signs over a request with another body (another Content-Digest) than the one sent. */
  void bindToAnotherRequest() {
    this.otherRequest = true;
  }

  /** Changes the body after it was signed. */
  void tamperWith(UnaryOperator<byte[]> tamper) {
    this.tamper = tamper;
  }

  @Override
  public Response transform(Response response, ServeEvent event) {
    ResponseSigner s = signer;
    int status = response.getStatus();
    if (s == null
        || !event.getRequest().getUrl().equals("/v1/update")
        || (status != 200 && status != 204)) {
      return response; // problem answers are never signed
    }
    byte[] original = response.getBody() == null ? new byte[0] : response.getBody();
    List<HttpHeader> added;
    if (replay && last != null) {
      added = last;
    } else {
      String accept = event.getRequest().getHeader(AcceptSignature.HEADER);
      String nonce = AcceptSignature.parse(accept).orElseThrow().nonce();
      String digest =
          otherRequest
              ? ContentDigest.of("{}".getBytes(StandardCharsets.UTF_8)).headerValue()
              : event.getRequest().getHeader("Content-Digest");
      SignatureHeaders h =
          s.sign(
              RequestBinding.of("POST", target, digest, nonce),
              status,
              original,
              CREATED);
      added = new ArrayList<>();
      if (h.contentDigest() != null) {
        added.add(new HttpHeader(ContentDigest.HEADER, h.contentDigest()));
      }
      added.add(new HttpHeader(SignatureHeaders.SIGNATURE_INPUT, h.signatureInput()));
      added.add(new HttpHeader(SignatureHeaders.SIGNATURE, h.signature()));
      last = added;
    }
    HttpHeaders headers = response.getHeaders().plus(added.toArray(new HttpHeader[0]));
    byte[] body = tamper == null ? original : tamper.apply(original);
    return Response.Builder.like(response).but().headers(headers).body(body).build();
  }

  @Override
  public String getName() {
    return "appupdate-signing";
  }
}
