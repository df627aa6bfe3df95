package dev.appupdate.server;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import dev.appupdate.protocol.Problem;
import dev.appupdate.protocol.ServerCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.Map;

/**
 * One request and its answer: wraps the {@link HttpExchange} so that every response goes through
 * one place, which handles HEAD, records the status and byte count for the access log, and
 * guarantees problem documents for errors.
 */
final class Call {
  private final HttpExchange exchange;
  private final ServerCodec codec;
  private final Watchdog watchdog;
  private final String rawPath;
  private int status;
  private long bytes;

  Call(HttpExchange exchange, ServerCodec codec, Watchdog watchdog) {
    this.exchange = exchange;
    this.codec = codec;
    this.watchdog = watchdog;
    this.rawPath = rawPath(exchange.getRequestURI());
  }

  HttpExchange exchange() {
    return exchange;
  }

  ServerCodec codec() {
    return codec;
  }

  /** Returns the watchdog that ends request bodies and answers that move too slowly. */
  Watchdog watchdog() {
    return watchdog;
  }

  String method() {
    return exchange.getRequestMethod();
  }

  boolean isHead() {
    return "HEAD".equals(exchange.getRequestMethod());
  }

  /** Returns the path as the request line sent it, still percent-encoded. */
  String rawPath() {
    return rawPath;
  }

  /**
   * Returns the path of a request target: everything before the query, unless the target is in
   * absolute form ({@code http://host/path}). Not {@link URI#getRawPath()} of an origin-form
   * target: {@code //v1/update} parses as authority {@code v1} and path {@code /update}, and {@code
   * ///v1/update} as path {@code /v1/update}, so routes and problem details would go by a path the
   * client never asked for.
   */
  static String rawPath(URI target) {
    if (target.isAbsolute()) {
      String p = target.getRawPath();
      return p == null ? "" : p;
    }
    String s = target.getRawSchemeSpecificPart();
    int query = s.indexOf('?');
    return query < 0 ? s : s.substring(0, query);
  }

  Headers requestHeaders() {
    return exchange.getRequestHeaders();
  }

  String requestHeader(String name) {
    return exchange.getRequestHeaders().getFirst(name);
  }

  /**
   * Returns the request's Content-Length when it frames the body, or -1: without one, or with a
   * Transfer-Encoding too, which the JDK server obeys instead. (The JDK server refuses lengths
   * that are not non-negative numbers before a handler runs; -1 for one all the same.)
   */
  long declaredLength() {
    String length = requestHeader("Content-Length");
    if (length == null || requestHeader("Transfer-Encoding") != null) {
      return -1;
    }
    try {
      return Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Returns whether the request announces no body: no {@code Transfer-Encoding} and a {@code
   * Content-Length} that is absent or 0.
   */
  boolean declaresNoBody() {
    String length = requestHeader("Content-Length");
    return requestHeader("Transfer-Encoding") == null
        && (length == null || length.trim().equals("0"));
  }

  Headers responseHeaders() {
    return exchange.getResponseHeaders();
  }

  /** Returns the status sent, or 0 when nothing was sent yet. */
  int status() {
    return status;
  }

  long bytesSent() {
    return bytes;
  }

  boolean responded() {
    return status != 0;
  }

  /** Sends {@code body} with {@code status}; for HEAD only the headers, with the body's length. */
  void send(int status, String contentType, byte[] body) throws IOException {
    responseHeaders().set("Content-Type", contentType);
    if (isHead()) {
      // The JDK server wants HEAD lengths set by hand and -1 passed below.
      responseHeaders().set("Content-Length", Long.toString(body.length));
      sendHeaders(status, -1);
      return;
    }
    sendHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
    bytes = body.length;
  }

  /** Sends a status without a body, such as 204. */
  void sendEmpty(int status) throws IOException {
    sendHeaders(status, -1);
  }

  /** Sends {@code problem} as {@code application/problem+json} with its headers. */
  void sendProblem(HttpProblem problem) throws IOException {
    for (Map.Entry<String, String> h : problem.headers().entrySet()) {
      responseHeaders().set(h.getKey(), h.getValue());
    }
    if (problem.closeConnection()) {
      responseHeaders().set("Connection", "close");
    }
    sendProblem(problem.problem());
  }

  void sendProblem(Problem problem) throws IOException {
    send(problem.status(), Problem.MEDIA_TYPE, codec.encodeProblem(problem));
  }

  /**
   * Sends the status line and headers of a streamed body of {@code length} bytes and returns the
   * stream to write it to, or null for HEAD (the length is announced but nothing is written).
   */
  OutputStream startBody(int status, long length) throws IOException {
    if (isHead()) {
      responseHeaders().set("Content-Length", Long.toString(length));
      sendHeaders(status, -1);
      return null;
    }
    sendHeaders(status, length == 0 ? -1 : length);
    bytes = length;
    return exchange.getResponseBody();
  }

  private void sendHeaders(int status, long length) throws IOException {
    this.status = status;
    exchange.sendResponseHeaders(status, length);
  }
}
