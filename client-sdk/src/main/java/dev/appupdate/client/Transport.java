package dev.appupdate.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Flow;

/**
 * Sends requests through the JDK {@link HttpClient} and follows redirects itself, so that every hop
 * passes the {@link HttpSecurity} rules (the client is built with {@code Redirect.NEVER}).
 */
final class Transport {
  static final int MAX_REDIRECTS = 5;

  private final HttpClient client;
  private final boolean allowInsecureHttp;
  private final Duration requestTimeout;

  Transport(HttpClient client, boolean allowInsecureHttp, Duration requestTimeout) {
    this.client = client;
    this.allowInsecureHttp = allowInsecureHttp;
    this.requestTimeout = requestTimeout;
  }

  boolean allowInsecureHttp() {
    return allowInsecureHttp;
  }

  HttpClient client() {
    return client;
  }

  /**
   * Sends a request and returns the answer with its body unread; the caller closes it.
   *
   * @param body the request body, or null for none
   * @param idleTimeout how long a body read may wait for data
   * @throws IOException if the exchange failed on the network
   */
  Exchange send(
      String method, URI uri, byte[] body, Map<String, String> headers, Duration idleTimeout)
      throws IOException {
    String refusal = HttpSecurity.refusal(uri, allowInsecureHttp);
    if (refusal != null) {
      return Exchange.refused(method, uri, refusal);
    }
    URI current = uri;
    for (int hop = 0; ; hop++) {
      Exchange answer = sendOnce(method, current, body, headers, idleTimeout);
      int s = answer.status();
      boolean redirect =
          s == 307 || s == 308 || ((s == 301 || s == 302 || s == 303) && method.equals("GET"));
      String location = answer.header("location");
      if (!redirect || location == null) {
        return answer;
      }
      URI next;
      try {
        next = current.resolve(new URI(location));
      } catch (URISyntaxException | IllegalArgumentException e) {
        return answer.refusing(
            "redirect from " + current + " to an invalid Location " + Reasons.clean(location));
      }
      String why = HttpSecurity.redirectRefusal(current, next, allowInsecureHttp);
      if (why != null) {
        return answer.refusing(why);
      }
      if (hop == MAX_REDIRECTS) {
        return answer.refusing("more than " + MAX_REDIRECTS + " redirects from " + uri);
      }
      answer.close();
      current = next;
    }
  }

  private Exchange sendOnce(
      String method, URI uri, byte[] body, Map<String, String> headers, Duration idleTimeout)
      throws IOException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(requestTimeout)
            .header("User-Agent", "appupdate-client")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    HttpResponse<Flow.Publisher<List<ByteBuffer>>> response;
    try {
      response = client.send(b.build(), HttpResponse.BodyHandlers.ofPublisher());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted during " + method + " " + uri);
    }
    BodyReader reader = new BodyReader(idleTimeout);
    response.body().subscribe(reader);
    return new Exchange(
        method, response.statusCode(), response.headers(), response.uri(), reader, null);
  }
}
