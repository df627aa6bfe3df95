package dev.appupdate.client;

import dev.appupdate.protocol.Problem;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The update server answered a check or a completion report with an error status (or a status the
 * client cannot act on, such as a redirect it refuses). Carries the status and, when the body was
 * an {@code application/problem+json} document, the parsed {@link Problem}.
 *
 * <pre>{@code
 * try {
 *   client.check();
 * } catch (UpdateServerException e) {
 *   log.log(WARNING, "update server said " + e.status() + ": "
 *       + e.problem().map(Problem::detail).orElse("no details"));
 * }
 * }</pre>
 */
public final class UpdateServerException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The URI that answered. */
  private final URI uri;

  /** The HTTP status. */
  private final int status;

  /** The problem document, or null; a plain record, so not kept when serialized. */
  private final transient Problem problem;

  /** The wait the server asked for, or null. */
  private final Duration retryAfter;

  UpdateServerException(String message, URI uri, int status, Problem problem, Duration retryAfter) {
    super(message);
    this.uri = uri;
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }

  /**
   * Returns the URI the failing request went to, after redirects.
   *
   * @return the URI that answered
   */
  public URI uri() {
    return uri;
  }

  /**
   * Returns the HTTP status code.
   *
   * @return the status, for example 422
   */
  public int status() {
    return status;
  }

  /**
   * Returns the problem document of the answer.
   *
   * @return the problem; empty when the body was not one
   */
  public Optional<Problem> problem() {
    return Optional.ofNullable(problem);
  }

  /**
   * Returns the wait the server asked for with {@code Retry-After}.
   *
   * @return the wait; empty when the server sent none, or none the client could read
   */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
