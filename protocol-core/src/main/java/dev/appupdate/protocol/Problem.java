package dev.appupdate.protocol;

import dev.appupdate.protocol.internal.Fields;
import java.net.URI;
import java.util.ArrayList;
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

  /**
   * The most entries {@link #invalid} puts in {@link #errors()}: a document can have as many bad
   * fields as it has members, and the answer must stay small and readable by {@link
   * ClientCodec#decodeProblem} under {@link CodecLimits#defaults()}.
   */
  public static final int MAX_ERRORS = 100;

  /** The longest detail, field and message of {@link #invalid}, in characters. */
  private static final int MAX_TEXT = Fields.MAX_TEXT_LENGTH;

  /**
   * Returns a 400 problem listing the bad fields of {@code e}, bounded whatever {@code e} holds:
   * {@link #errors()} holds the first {@value #MAX_ERRORS} of them, each field and message cut to
   * 1,024 characters; {@link #detail()} names the document and spells out errors, in order, as far
   * as 1,024 characters allow, then says how many more there are:
   *
   * <pre>{@code
   * invalid update request: version: must be a string or an integer, got 1.5; locale: is required
   * invalid update request: installed["a b"]: key must ...; ...; and 412 more
   * }</pre>
   */
  public static Problem invalid(ProtocolException e) {
    List<FieldError> all = e.errors();
    List<FieldError> listed = new ArrayList<>(Math.min(all.size(), MAX_ERRORS));
    for (int i = 0; i < Math.min(all.size(), MAX_ERRORS); i++) {
      FieldError error = all.get(i);
      listed.add(
          new FieldError(
              Fields.clean(error.field(), MAX_TEXT), Fields.clean(error.message(), MAX_TEXT)));
    }
    return new Problem(ABOUT_BLANK, "Bad Request", 400, detail(e.document(), all), null, listed);
  }

  private static String detail(String document, List<FieldError> errors) {
    StringBuilder sb = new StringBuilder("invalid ").append(Fields.clean(document, 100)).append(": ");
    int n = errors.size();
    for (int i = 0; i < n; i++) {
      String error = Fields.clean(errors.get(i).toString(), MAX_TEXT);
      String separator = i == 0 ? "" : "; ";
      // Unless this error is the last, "; and N more" must still fit after it.
      int reserve = i + 1 < n ? ("; and " + (n - i - 1) + " more").length() : 0;
      if (sb.length() + separator.length() + error.length() + reserve > MAX_TEXT) {
        if (i == 0) {
          String more = n > 1 ? "; and " + (n - 1) + " more" : "";
          sb.append(Fields.clean(error, MAX_TEXT - sb.length() - more.length())).append(more);
        } else {
          sb.append("; and ").append(n - i).append(" more");
        }
        return sb.toString();
      }
      sb.append(separator).append(error);
    }
    return sb.toString();
  }
}
