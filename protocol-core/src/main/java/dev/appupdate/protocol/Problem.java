package dev.appupdate.protocol;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * An RFC 9457 problem details document ({@code application/problem+json}), the body of every
 * 4xx and 5xx answer, with the per-field {@code errors} extension for validation failures.
 *
 * <pre>{@code
 * Problem p = Problem.of(415, "Unsupported Media Type", "content type text/plain is not JSON");
 * Problem v = Problem.invalid(e.errors()); // 400 with one entry per bad field
 * }</pre>
 *
 * @param type a URI naming the problem type; {@code about:blank} when only the status matters
 * @param title a short summary of the problem type
 * @param status the HTTP status code
 * @param detail an explanation of this occurrence, or null
 * @param instance a URI of this occurrence, or null
 * @param errors the bad fields of a validation failure; empty otherwise
 */
public record Problem(
    URI type, String title, int status, String detail, URI instance, List<FieldError> errors) {

  /** The media type of a problem document. */
  public static final String MEDIA_TYPE = "application/problem+json";

  /** The default problem type. */
  public static final URI ABOUT_BLANK = URI.create("about:blank");

  /** Validates the components. */
  public Problem {
    Objects.requireNonNull(type, "type == null");
    Objects.requireNonNull(title, "title == null");
    errors = List.copyOf(Objects.requireNonNull(errors, "errors == null"));
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status: must be 400-599, got " + status);
    }
  }

  /** Returns a problem of type {@code about:blank} without field errors. */
  public static Problem of(int status, String title, String detail) {
    return new Problem(ABOUT_BLANK, title, status, detail, null, List.of());
  }

  /** Returns a 400 problem listing the bad fields of {@code e}. */
  public static Problem invalid(ProtocolException e) {
    return new Problem(
        ABOUT_BLANK, "Bad Request", 400, e.getMessage(), null, e.errors());
  }
}
