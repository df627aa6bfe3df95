package dev.appupdate.server;

import dev.appupdate.protocol.Problem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ends a request with a problem document: thrown by routes, answered by {@link Router}. Carries the
 * headers the status needs ({@code Allow}, {@code Content-Range}, {@code Retry-After}).
 */
final class HttpProblem extends Exception {
  private static final long serialVersionUID = 1L;

  @SuppressWarnings("serial") // never serialized: it lives for one request
  private final Problem problem;

  @SuppressWarnings("serial")
  private final Map<String, String> headers;

  private final boolean closeConnection;

  private HttpProblem(Problem problem, Map<String, String> headers, boolean closeConnection) {
    // A control-flow signal: no stack trace to fill.
    super(problem.title() + ": " + problem.detail(), null, false, false);
    this.problem = problem;
    this.headers = Map.copyOf(headers);
    this.closeConnection = closeConnection;
  }

  Problem problem() {
    return problem;
  }

  Map<String, String> headers() {
    return headers;
  }

  /** Whether the connection must not be reused, because unread request bytes may remain. */
  boolean closeConnection() {
    return closeConnection;
  }

  static HttpProblem badRequest(String detail) {
    return of(400, "Bad Request", detail);
  }

  static HttpProblem notFound(String detail) {
    return of(404, "Not Found", detail);
  }

  /** The 404 of protocol-core's wording for a path no route serves. */
  static HttpProblem noRoute(String rawPath) {
    return of(Problem.notFound(rawPath));
  }

  static HttpProblem methodNotAllowed(String method, String rawPath, List<String> allowed) {
    return new HttpProblem(
        Problem.methodNotAllowed(method, rawPath, allowed),
        Map.of("Allow", String.join(", ", allowed)),
        false);
  }

  static HttpProblem contentTooLarge(int limit) {
    return new HttpProblem(Problem.contentTooLarge(limit), Map.of(), true);
  }

  static HttpProblem unsupportedMediaType(Problem problem) {
    return new HttpProblem(problem, Map.of(), true);
  }

  static HttpProblem rangeNotSatisfiable(String range, long size) {
    return new HttpProblem(
        Problem.of(
            416,
            "Range Not Satisfiable",
            "range " + range + " does not overlap the " + size + " bytes of the file"),
        Map.of("Content-Range", "bytes */" + size),
        false);
  }

  /**
   * The 429 of a per-address rate limit. The connection is closed: the request body was not read,
   * and a client over its limit gets no kept-alive connection to send the next one on.
   */
  static HttpProblem tooManyRequests(Problem problem, long retryAfterSeconds) {
    return new HttpProblem(problem, Map.of("Retry-After", Long.toString(retryAfterSeconds)), true);
  }

  static HttpProblem internalError(String detail) {
    return of(500, "Internal Server Error", detail);
  }

  static HttpProblem unavailable(String detail, int retryAfterSeconds) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Retry-After", Integer.toString(retryAfterSeconds));
    return new HttpProblem(Problem.of(503, "Service Unavailable", detail), headers, true);
  }

  /** A 401 of the admin listener, asking for its bearer token. */
  static HttpProblem unauthorized(String detail) {
    return new HttpProblem(
        Problem.of(401, "Unauthorized", detail),
        Map.of("WWW-Authenticate", "Bearer realm=\"appupdate admin\""),
        false);
  }

  static HttpProblem of(int status, String title, String detail) {
    return new HttpProblem(Problem.of(status, title, detail), Map.of(), false);
  }

  static HttpProblem of(Problem problem) {
    return new HttpProblem(problem, Map.of(), false);
  }
}
