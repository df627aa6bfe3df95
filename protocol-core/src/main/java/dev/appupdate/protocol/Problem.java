package dev.appupdate.protocol;

import dev.appupdate.protocol.internal.Fields;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An RFC 9457 problem details document ({@code application/problem+json}), the body of every
 * 4xx and 5xx answer, with the per-field {@code errors} extension for validation failures.
 * Immutable.
 *
 * <pre>{@code
 * Problem p = Problem.of(415, "Unsupported Media Type", "content type text/plain is not JSON");
 * Problem v = Problem.invalid(e); // 400 with one entry per bad field
 * Problem u = Problem.builder(422, "Unprocessable Content").detail(why).errors(fields).build();
 * }</pre>
 *
 * <p>The answers every protocol v1 server gives alike have factories, so that servers built on
 * protocol-core send the same bodies: {@link #invalid} ({@code 400}), {@link #notFound}, {@link
 * #methodNotAllowed}, {@link #contentTooLarge}, {@link ServerCodec#checkContentType} ({@code
 * 415}), and for {@code 422} {@link dev.appupdate.protocol.requestid.InvalidRequestIdException#problem}
 * and {@link dev.appupdate.protocol.requestid.RequestIdClaims#checkOffered}.
 */
public final class Problem {

  /** The media type of a problem document. */
  public static final String MEDIA_TYPE = "application/problem+json";

  /** The default problem type. */
  public static final URI ABOUT_BLANK = URI.create("about:blank");

  private final URI type;
  private final String title;
  private final int status;
  private final String detail;
  private final URI instance;
  private final List<FieldError> errors;

  private Problem(Builder b) {
    this.type = b.type;
    this.title = b.title;
    this.status = b.status;
    this.detail = b.detail;
    this.instance = b.instance;
    this.errors = b.errors;
  }

  /**
   * Returns a problem of type {@code about:blank} without field errors.
   *
   * @param status the HTTP status code, 400 to 599
   * @param title a short summary of the problem type, for example {@code Bad Request}
   * @param detail an explanation of this occurrence, or null
   * @return the problem
   * @throws IllegalArgumentException if the status is not 400 to 599
   */
  public static Problem of(int status, String title, String detail) {
    return builder(status, title).detail(detail).build();
  }

  /**
   * Returns a builder of a problem of type {@code about:blank} without detail, instance or field
   * errors until set.
   *
   * @param status the HTTP status code, 400 to 599
   * @param title a short summary of the problem type, for example {@code Bad Request}
   * @return the builder
   * @throws IllegalArgumentException if the status is not 400 to 599
   */
  public static Builder builder(int status, String title) {
    Objects.requireNonNull(title, "title == null");
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status: must be 400-599, got " + status);
    }
    return new Builder(status, title);
  }

  /**
   * Returns the problem type.
   *
   * @return a URI; {@link #ABOUT_BLANK} when only the status matters
   */
  public URI type() {
    return type;
  }

  /**
   * Returns a short summary of the problem type.
   *
   * @return the title, for example {@code Bad Request}
   */
  public String title() {
    return title;
  }

  /**
   * Returns the HTTP status code.
   *
   * @return 400 to 599
   */
  public int status() {
    return status;
  }

  /**
   * Returns an explanation of this occurrence.
   *
   * @return the detail, or null
   */
  public String detail() {
    return detail;
  }

  /**
   * Returns a URI of this occurrence.
   *
   * @return the instance, or null
   */
  public URI instance() {
    return instance;
  }

  /**
   * Returns the bad fields of a validation failure.
   *
   * @return the field errors; empty otherwise
   */
  public List<FieldError> errors() {
    return errors;
  }

  /**
   * Returns true for a problem with the same values.
   *
   * @param o the object to compare with
   * @return whether {@code o} is an equal problem
   */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Problem)) {
      return false;
    }
    Problem other = (Problem) o;
    return status == other.status
        && type.equals(other.type)
        && title.equals(other.title)
        && Objects.equals(detail, other.detail)
        && Objects.equals(instance, other.instance)
        && errors.equals(other.errors);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, title, status, detail, instance, errors);
  }

  /** Returns the values for debugging. */
  @Override
  public String toString() {
    return "Problem[type=" + type + ", title=" + title + ", status=" + status + ", detail="
        + detail + ", instance=" + instance + ", errors=" + errors + "]";
  }

  /**
   * Builds a {@link Problem}. Each setter may run once: a second call would silently drop the
   * first value, so it throws {@link IllegalStateException}.
   */
  public static final class Builder {
    private final int status;
    private final String title;
    private URI type = ABOUT_BLANK;
    private String detail;
    private URI instance;
    private List<FieldError> errors = List.of();
    private int set;

    private Builder(int status, String title) {
      this.status = status;
      this.title = title;
    }

    /**
     * Sets the problem type; {@code about:blank} by default.
     *
     * @param type a URI naming the problem type
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder type(URI type) {
      once(1, "type");
      this.type = Objects.requireNonNull(type, "type == null");
      return this;
    }

    /**
     * Sets the explanation of this occurrence; none by default.
     *
     * @param detail the detail, or null for none
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder detail(String detail) {
      once(2, "detail");
      this.detail = detail;
      return this;
    }

    /**
     * Sets a URI of this occurrence; none by default.
     *
     * @param instance the instance, or null for none
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder instance(URI instance) {
      once(4, "instance");
      this.instance = instance;
      return this;
    }

    /**
     * Sets the bad fields of a validation failure; none by default.
     *
     * @param errors the field errors; copied
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder errors(List<FieldError> errors) {
      once(8, "errors");
      this.errors = List.copyOf(Objects.requireNonNull(errors, "errors == null"));
      return this;
    }

    private void once(int bit, String name) {
      if ((set & bit) != 0) {
        throw new IllegalStateException(name + " already set");
      }
      set |= bit;
    }

    /**
     * Builds the problem.
     *
     * @return the problem
     */
    public Problem build() {
      return new Problem(this);
    }
  }

  /**
   * Returns the {@code 404} problem for a path the server does not serve. Its detail names the
   * path as the request sent it, cut to 80 characters and with every character that is not
   * printable ASCII (and {@code "}) replaced by {@code ?}, and the two routes of protocol v1:
   *
   * <pre>{@code
   * no resource at "/app/v1/update"; protocol v1 answers POST /v1/update and POST /v1/completion
   * }</pre>
   *
   * @param rawPath the request's path, undecoded, without the query
   * @return the problem
   */
  public static Problem notFound(String rawPath) {
    Objects.requireNonNull(rawPath, "rawPath == null");
    return of(
        404,
        "Not Found",
        "no resource at " + printable(rawPath)
            + "; protocol v1 answers POST /v1/update and POST /v1/completion");
  }

  /**
   * Returns the {@code 405} problem for a method a path does not accept; answer it with an {@code
   * Allow} header listing {@code allowed} joined by {@code ", "}.
   *
   * <pre>{@code
   * "/v1/update" does not accept GET; use POST
   * }</pre>
   *
   * @param method the request's method; anything but visible ASCII is shown as {@code ?}, and it
   *     is cut to 32 characters
   * @param rawPath the request's path, undecoded, shown as {@link #notFound} shows it
   * @param allowed the methods the path accepts, for example {@code POST}
   * @return the problem
   * @throws IllegalArgumentException if {@code allowed} is empty
   */
  public static Problem methodNotAllowed(String method, String rawPath, List<String> allowed) {
    Objects.requireNonNull(method, "method == null");
    Objects.requireNonNull(rawPath, "rawPath == null");
    if (Objects.requireNonNull(allowed, "allowed == null").isEmpty()) {
      throw new IllegalArgumentException("allowed: must name at least one method");
    }
    return of(
        405,
        "Method Not Allowed",
        printable(rawPath) + " does not accept " + token(method) + "; use "
            + String.join(", ", allowed));
  }

  /**
   * Returns the {@code 413} problem for a request body over the server's limit:
   *
   * <pre>{@code
   * the request body is larger than 65536 bytes
   * }</pre>
   *
   * @param limitBytes the largest body the server accepts, in bytes
   * @return the problem
   */
  public static Problem contentTooLarge(long limitBytes) {
    return of(413, "Content Too Large", "the request body is larger than " + limitBytes + " bytes");
  }

  /** Quotes a path for a detail: cut to 80 characters, anything but printable ASCII as '?'. */
  private static String printable(String value) {
    String v = value.length() > 80 ? value.substring(0, 77) + "..." : value;
    StringBuilder sb = new StringBuilder(v.length() + 2).append('"');
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      sb.append(c < 0x20 || c >= 0x7f || c == '"' ? '?' : c);
    }
    return sb.append('"').toString();
  }

  /** Shows a method: cut to 32 characters, anything but visible ASCII as '?'. */
  private static String token(String method) {
    int n = Math.min(method.length(), 32);
    StringBuilder sb = new StringBuilder(n + 3);
    for (int i = 0; i < n; i++) {
      char c = method.charAt(i);
      sb.append(c <= 0x20 || c >= 0x7f ? '?' : c);
    }
    return method.length() > n ? sb.append("...").toString() : sb.toString();
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
   *
   * @param e the failure of a document a server read
   * @return the problem
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
    return builder(400, "Bad Request").detail(detail(e.document(), all)).errors(listed).build();
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
