package dev.appupdate.server;

import dev.appupdate.protocol.Problem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the JSON body of a POST: checks the content type by protocol-core's rule, enforces the size
 * limit before and while reading, and unwraps the seed protocol's "form POST" when its body is
 * percent-encoded (a lenience beyond docs/PROTOCOL.md, which sends the JSON document as it is).
 */
final class JsonBody {
  static final String FORM = "application/x-www-form-urlencoded";

  private JsonBody() {}

  /**
   * Returns the JSON document of the request.
   *
   * @throws HttpProblem 415 for a content type protocol-core refuses ({@link
   *     dev.appupdate.protocol.ServerCodec#checkContentType}), 413 for a body over {@code limit}
   *     bytes (refused from {@code Content-Length} without reading it), 400 for a form body that is
   *     not a percent-encoded document
   * @throws IOException if the client disconnects while sending
   */
  static byte[] read(Call call, int limit) throws IOException, HttpProblem {
    String contentType = call.requestHeader("Content-Type");
    return document(contentType, content(call, contentType, limit));
  }

  /**
   * Returns the body as the client sent it, before a form body is unwrapped: what its {@code
   * Content-Digest} is the digest of.
   *
   * @param contentType the request's {@code Content-Type}, or null
   * @throws HttpProblem 415 or 413 as {@link #read} says
   * @throws IOException if the client disconnects while sending
   */
  static byte[] content(Call call, String contentType, int limit)
      throws IOException, HttpProblem {
    Optional<Problem> refused = call.codec().checkContentType(contentType);
    if (refused.isPresent()) {
      throw HttpProblem.unsupportedMediaType(refused.get());
    }
    // With a length, the JDK server's stream ends there: a small check's buffer is that long, so
    // it does not allocate and zero 8 KiB. Without one (chunked), the buffer starts at 8 KiB and
    // grows.
    long declared = call.declaredLength();
    if (declared > limit) {
      throw HttpProblem.contentTooLarge(limit);
    }
    int length = (int) declared;
    byte[] body;
    // A body that trickles in would hold its thread and connection until the JDK's request time
    // limit; it has to keep a minimum rate instead.
    try (Watchdog.Watch watch =
            call.watchdog().minRate(Watchdog.MIN_BODY_RATE, Watchdog.BODY_WINDOW);
        InputStream in = call.exchange().getRequestBody()) {
      if (length >= 0) {
        // Up to 8 KiB at once (a check is a few hundred bytes); a larger declared length grows
        // the buffer as bytes arrive, so that slow clients declaring 64 KiB hold little memory.
        body = read(in, Math.min(length, 8192), length, watch);
        // The stream must be seen to end: the JDK server keeps a connection only if the request
        // body was read to its end, and its stream ends only at a read past the length.
        if (in.read() >= 0) {
          throw new IOException("request body longer than its Content-Length " + length);
        }
      } else {
        body = read(in, 8192, limit + 1, watch);
      }
      if (watch.fired()) {
        throw new IOException("request body slower than " + Watchdog.MIN_BODY_RATE + " bytes/s");
      }
      if (body.length > limit) {
        throw HttpProblem.contentTooLarge(limit);
      }
    }
    return body;
  }

  /**
   * Reads up to {@code max} bytes into a buffer of {@code first} bytes (at most {@code max}) that
   * doubles when full, reporting each read to {@code watch}.
   */
  private static byte[] read(InputStream in, int first, int max, Watchdog.Watch watch)
      throws IOException {
    byte[] buffer = new byte[Math.min(first, max)];
    int n = 0;
    while (n < max) {
      if (n == buffer.length) {
        buffer = Arrays.copyOf(buffer, Math.min(max, buffer.length * 2));
      }
      int r = in.read(buffer, n, buffer.length - n);
      if (r < 0) {
        break;
      }
      n += r;
      watch.progress(r);
    }
    return n == buffer.length ? buffer : Arrays.copyOf(buffer, n);
  }

  /**
   * Returns the JSON document that a body of {@code contentType} carries.
   *
   * @param contentType the request's {@code Content-Type}, or null
   * @param content the body as sent
   * @throws HttpProblem 400 for a form body that is not a percent-encoded document
   */
  static byte[] document(String contentType, byte[] content) throws HttpProblem {
    boolean form =
        contentType != null
            && contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT).equals(FORM);
    return form ? unwrapForm(content) : content;
  }

  /**
   * The seed protocol says "form POST": clients send the JSON document either as is under the form
   * content type, or percent-encoded as the whole body.
   */
  private static byte[] unwrapForm(byte[] body) throws HttpProblem {
    for (byte b : body) {
      if (b == '{') {
        return body;
      }
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        break;
      }
    }
    try {
      return Percent.decode(new String(body, StandardCharsets.ISO_8859_1), true);
    } catch (IllegalArgumentException e) {
      throw HttpProblem.badRequest(
          "the "
              + FORM
              + " body is neither a JSON document nor a percent-encoded one: "
              + e.getMessage());
    }
  }

  /** Shortens a client-supplied value for a message and replaces anything unprintable. */
  static String printable(String value) {
    String v = value.length() > 80 ? value.substring(0, 77) + "..." : value;
    StringBuilder sb = new StringBuilder(v.length() + 2).append('"');
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      sb.append(c < 0x20 || c >= 0x7f || c == '"' ? '?' : c);
    }
    return sb.append('"').toString();
  }

  /**
   * Returns an HTTP method as it may be logged: anything but visible ASCII becomes {@code ?}, and
   * it is cut to 32 characters. The JDK's request-line reader keeps a bare LF in the method, which
   * would otherwise start a forged log line.
   */
  static String token(String method) {
    return token(method, 32);
  }

  /** Like {@link #token(String)}, cut to {@code max} characters. */
  static String token(String method, int max) {
    int n = Math.min(method.length(), max);
    StringBuilder sb = new StringBuilder(n + 3);
    for (int i = 0; i < n; i++) {
      char c = method.charAt(i);
      sb.append(c <= 0x20 || c >= 0x7f ? '?' : c);
    }
    if (method.length() > n) {
      sb.append("...");
    }
    return sb.toString();
  }
}
