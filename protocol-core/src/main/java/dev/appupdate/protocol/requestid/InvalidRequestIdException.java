package dev.appupdate.protocol.requestid;

import dev.appupdate.protocol.FieldError;
import dev.appupdate.protocol.Problem;
import java.util.List;
import java.util.Objects;

/**
 * A request id did not verify: it is not a request id at all, it was not issued under this key, or
 * it is past its retention. {@link #kind()} says which; the message says why, in words fit for a
 * problem document's {@code detail}.
 *
 * <pre>{@code
 * try {
 *   RequestIdClaims claims = requestIds.verify(report.requestId());
 * } catch (InvalidRequestIdException e) {
 *   // answer e.problem(), a 422; e.kind() tells MALFORMED, FORGED and EXPIRED apart
 * }
 * }</pre>
 */
public final class InvalidRequestIdException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a request id was refused. */
  public enum Kind {
    /** Not a request id: wrong characters, wrong length, unknown format version. */
    MALFORMED,
    /** Well formed, but its MAC does not match: forged, altered, or issued under another key. */
    FORGED,
    /** Authentic, but issued longer ago than the retention allows. */
    EXPIRED
  }

  /** Why the request id was refused. */
  private final Kind kind;

  /**
   * Creates an exception of {@code kind}.
   *
   * @param kind why the request id was refused
   * @param message a human message naming the problem
   */
  public InvalidRequestIdException(Kind kind, String message) {
    super(Objects.requireNonNull(message, "message == null"));
    this.kind = Objects.requireNonNull(kind, "kind == null");
  }

  /**
   * Returns why the request id was refused.
   *
   * @return why the request id was refused
   */
  public Kind kind() {
    return kind;
  }

  /**
   * Returns the {@code 422} problem a server answers a completion report with this request id:
   * the message as its detail, and as the one error of {@code request_id}.
   *
   * @return the problem
   */
  public Problem problem() {
    return Problem.builder(422, "Unprocessable Content")
        .detail(getMessage())
        .errors(List.of(new FieldError("request_id", getMessage())))
        .build();
  }
}
