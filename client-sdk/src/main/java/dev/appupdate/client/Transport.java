package dev.appupdate.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpClient.Redirect;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.function.LongSupplier;

/**
 * Sends requests through the JDK {@link HttpClient} and follows redirects itself, so that every hop
 * passes the {@link HttpSecurity} rules (the client is built with {@code Redirect.NEVER}).
 */
final class Transport {
  static final int MAX_REDIRECTS = 5;

  private final HttpClient client;
  private final boolean allowInsecureHttp;
  private final Duration requestTimeout;
  private final LongSupplier ticker;
  private final BodyReader.Poller poller;

  /**
   * @param ticker monotonic nanoseconds, for deadlines
   * @param poller how body reads wait for data
   */
  Transport(
      HttpClient client,
      boolean allowInsecureHttp,
      Duration requestTimeout,
      LongSupplier ticker,
      BodyReader.Poller poller) {
    this.client = client;
    this.allowInsecureHttp = allowInsecureHttp;
    this.requestTimeout = requestTimeout;
    this.ticker = ticker;
    this.poller = poller;
  }

  /**
   * Returns a JDK client that leaves redirects to {@link #send}.
   *
   * @param proxy the proxy selector, or null for {@link ProxySelector#getDefault()}
   * @param executor the executor of the client's asynchronous work, or null for its own
   */
  static HttpClient newHttpClient(Duration connectTimeout, ProxySelector proxy, Executor executor) {
    HttpClient.Builder b =
        HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(Redirect.NEVER);
    ProxySelector p = proxy != null ? proxy : ProxySelector.getDefault();
    if (p != null) {
      b.proxy(p);
    }
    if (executor != null) {
      b.executor(executor);
    }
    return b.build();
  }

  /**
   * Returns {@code client} if it leaves redirects to {@link #send}.
   *
   * @throws IllegalArgumentException if it follows redirects itself, so that hops would go
   *     unchecked
   */
  static HttpClient requireNoRedirects(HttpClient client) {
    if (client.followRedirects() != Redirect.NEVER) {
      throw new IllegalArgumentException(
          "httpClient follows redirects ("
              + client.followRedirects()
              + "); build it with HttpClient.Redirect.NEVER: the update client follows redirects"
              + " itself to refuse HTTPS-to-HTTP downgrades");
    }
    return client;
  }

  /**
   * Sends a request and returns the answer with its body unread; the caller closes it.
   *
   * @param body the request body, or null for none
   * @param idleTimeout how long a body read may wait for data
   * @param limit how long the whole exchange may take, redirects, headers and body included; null
   *     for no limit (each request then waits up to the request timeout for its headers)
   * @throws HttpTimeoutException if the limit passed before the headers arrived
   * @throws IOException if the exchange failed on the network, or the JDK refused the request
   */
  Exchange send(
      String method,
      URI uri,
      byte[] body,
      Map<String, String> headers,
      Duration idleTimeout,
      Duration limit)
      throws IOException {
    String refusal = HttpSecurity.refusal(uri, allowInsecureHttp);
    if (refusal != null) {
      return Exchange.refused(method, uri, refusal);
    }
    BodyReader.Deadline deadline =
        limit == null
            ? null
            : new BodyReader.Deadline(ticker.getAsLong() + limit.toNanos(), limit, ticker);
    URI current = uri;
    for (int hop = 0; ; hop++) {
      Exchange answer = sendOnce(method, current, body, headers, idleTimeout, deadline);
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
      String method,
      URI uri,
      byte[] body,
      Map<String, String> headers,
      Duration idleTimeout,
      BodyReader.Deadline deadline)
      throws IOException {
    Duration timeout = requestTimeout;
    if (deadline != null) {
      long left = deadline.remainingNanos();
      if (left <= 0) {
        throw new HttpTimeoutException(
            method + " " + uri + " not complete within " + deadline.limit());
      }
      timeout = Duration.ofNanos(Math.min(left, requestTimeout.toNanos()));
    }
    HttpResponse<Flow.Publisher<List<ByteBuffer>>> response;
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(uri)
              .timeout(timeout)
              .header("User-Agent", "appupdate-client")
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(body));
      headers.forEach(b::header);
      response = client.send(b.build(), HttpResponse.BodyHandlers.ofPublisher());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted during " + method + " " + uri);
    } catch (IllegalArgumentException e) {
      // The JDK checks some things only when sending (a port out of range, for one); an unchecked
      // exception here would skip the mirrors and the completion report.
      throw new IOException(
          "cannot send " + method + " " + uri + ": " + Reasons.describe(e), e);
    }
    BodyReader reader = new BodyReader(idleTimeout, deadline, poller);
    response.body().subscribe(reader);
    return new Exchange(
        method, response.statusCode(), response.headers(), response.uri(), reader, null);
  }
}
