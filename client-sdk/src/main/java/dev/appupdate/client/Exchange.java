package dev.appupdate.client;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Map;

/**
 * One HTTP answer as the {@link Transport} hands it over: status, headers, the URI that answered
 * (after redirects) and the body, not yet read. When the transport refused to go on (a redirect to
 * plain HTTP, too many redirects, an insecure URL), {@link #refusal()} says why; the body is then
 * closed and the status is the redirect's, or 0 when no request was sent.
 */
final class Exchange implements AutoCloseable {
  private final String method;
  private final int status;
  private final HttpHeaders headers;
  private final URI uri;
  private final BodyReader body;
  private final String refusal;

  Exchange(
      String method, int status, HttpHeaders headers, URI uri, BodyReader body, String refusal) {
    this.method = method;
    this.status = status;
    this.headers = headers;
    this.uri = uri;
    this.body = body;
    this.refusal = refusal;
  }

  static Exchange refused(String method, URI uri, String refusal) {
    return new Exchange(
        method, 0, HttpHeaders.of(Map.of(), (a, b) -> true), uri, null, refusal);
  }

  Exchange refusing(String why) {
    close();
    return new Exchange(method, status, headers, uri, body, why);
  }

  String method() {
    return method;
  }

  int status() {
    return status;
  }

  URI uri() {
    return uri;
  }

  /** Every header, names in lower case, each with its values. */
  Map<String, List<String>> headers() {
    return headers.map();
  }

  /** The first value of header {@code name}, or null. */
  String header(String name) {
    return headers.firstValue(name).orElse(null);
  }

  BodyReader body() {
    return body;
  }

  String refusal() {
    return refusal;
  }

  @Override
  public void close() {
    if (body != null) {
      body.close();
    }
  }
}
