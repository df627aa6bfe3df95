package dev.appupdate.protocol.signature;

import dev.appupdate.protocol.internal.Fields;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * What a response signature binds the response to: the request's method, its target URI, the {@code
 * Content-Digest} value of its body and the client's nonce. The server builds it from the request
 * it received, with the target URI taken from its public base URL plus the route (never from the
 * Host it saw, so that signatures hold behind a reverse proxy or CDN); the client builds it from
 * the request it sent. Immutable.
 *
 * <p>The target URI is normalized so that both sides agree on its spelling: scheme and host in
 * lower case, the default port (80 for http, 443 for https) left out, an empty path written {@code
 * /}, no fragment; the path and query are kept as they are.
 *
 * <pre>{@code
 * // server, for POST /v1/update:
 * RequestBinding request = RequestBinding.of("POST", publicBaseUrl.resolve("v1/update"),
 *     headers.getFirst(ContentDigest.HEADER), AcceptSignature.parse(accept).orElseThrow().nonce());
 * }</pre>
 */
public final class RequestBinding {
  private static final int MAX_METHOD_LENGTH = 32;

  private final String method;
  private final String targetUri;
  private final String contentDigest;
  private final String nonce;

  private RequestBinding(String method, String targetUri, String contentDigest, String nonce) {
    this.method = method;
    this.targetUri = targetUri;
    this.contentDigest = contentDigest;
    this.nonce = nonce;
  }

  /**
   * Returns the binding of one request.
   *
   * @param method the request method, for example {@code POST}
   * @param targetUri the absolute http or https URL of the request: for the server, its public base
   *     URL resolved with the route, for example {@code https://updates.example.com/v1/update}
   * @param contentDigest the request's {@code Content-Digest} header value as sent (leading and
   *     trailing whitespace is removed), such as {@link ContentDigest#headerValue()}
   * @param nonce the nonce of the request's {@link AcceptSignature}
   * @return the binding
   * @throws IllegalArgumentException naming the invalid value and why
   */
  public static RequestBinding of(
      String method, URI targetUri, String contentDigest, String nonce) {
    Objects.requireNonNull(method, "method == null");
    Objects.requireNonNull(targetUri, "targetUri == null");
    Objects.requireNonNull(contentDigest, "contentDigest == null");
    Objects.requireNonNull(nonce, "nonce == null");
    if (method.isEmpty() || method.length() > MAX_METHOD_LENGTH || !isToken(method)) {
      throw new IllegalArgumentException(
          "method must be an HTTP method such as POST, got " + Fields.quote(method));
    }
    String digest = contentDigest.strip();
    if (digest.isEmpty() || digest.length() > Profile.MAX_FIELD_LENGTH || !isFieldValue(digest)) {
      throw new IllegalArgumentException(
          "contentDigest must be a Content-Digest header value such as sha-256=:...:, got "
              + Fields.quote(contentDigest));
    }
    String nonceProblem = Profile.nonceProblem(nonce);
    if (nonceProblem != null) {
      throw new IllegalArgumentException("nonce " + nonceProblem + ", got " + Fields.quote(nonce));
    }
    return new RequestBinding(method, normalize(targetUri), digest, nonce);
  }

  static String normalize(URI uri) {
    String problem = Fields.httpUrl(uri.toString());
    if (problem != null) {
      throw new IllegalArgumentException("targetUri " + problem);
    }
    if (uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "targetUri must not have a fragment, got " + Fields.quote(uri.toString()));
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    boolean defaultPort =
        port == -1
            || (scheme.equals("http") && port == 80)
            || (scheme.equals("https") && port == 443);
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    return scheme
        + "://"
        + uri.getHost().toLowerCase(Locale.ROOT)
        + (defaultPort ? "" : ":" + port)
        + path
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
  }

  private static boolean isToken(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean isFieldValue(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\t' && (c < 0x20 || c > 0x7e)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Returns the request method.
   *
   * @return the method, for example {@code POST}
   */
  public String method() {
    return method;
  }

  /**
   * Returns the normalized target URI that the signature covers as {@code @target-uri}.
   *
   * @return the target URI, for example {@code https://updates.example.com/v1/update}
   */
  public URI targetUri() {
    return URI.create(targetUri);
  }

  /**
   * Returns the request's {@code Content-Digest} value that the signature covers.
   *
   * @return the header value, trimmed
   */
  public String contentDigest() {
    return contentDigest;
  }

  /**
   * Returns the client's nonce that the signature covers.
   *
   * @return 43 base64url characters
   */
  public String nonce() {
    return nonce;
  }

  String targetUriText() {
    return targetUri;
  }

  /** Returns the values for debugging. */
  @Override
  public String toString() {
    return "RequestBinding["
        + method
        + " "
        + targetUri
        + ", "
        + contentDigest
        + ", nonce "
        + nonce
        + "]";
  }
}
