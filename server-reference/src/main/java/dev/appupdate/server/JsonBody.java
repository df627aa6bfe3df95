package dev.appupdate.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads the JSON body of a POST: checks the content type, enforces the size limit before and while
 * reading, and unwraps the seed protocol's "form POST".
 */
final class JsonBody {
  static final String FORM = "application/x-www-form-urlencoded";

  private JsonBody() {}

  /**
   * Returns the JSON document of the request.
   *
   * @throws HttpProblem 415 for a content type other than JSON or a form carrying JSON, 413 for a
   *     body over {@code limit} bytes (refused from {@code Content-Length} without reading it), 400
   *     for a form body that is not a percent-encoded document
   * @throws IOException if the client disconnects while sending
   */
  static byte[] read(Call call, int limit) throws IOException, HttpProblem {
    boolean form = checkContentType(call.requestHeader("Content-Type"));
    String declared = call.requestHeader("Content-Length");
    if (declared != null) {
      // The JDK server has already refused lengths that are not non-negative numbers.
      long length = Long.parseLong(declared.trim());
      if (length > limit) {
        throw HttpProblem.contentTooLarge(limit);
      }
    }
    byte[] body;
    try (InputStream in = call.exchange().getRequestBody()) {
      body = in.readNBytes(limit + 1);
      if (body.length > limit) {
        throw HttpProblem.contentTooLarge(limit);
      }
    }
    return form ? unwrapForm(body) : body;
  }

  /** Returns true for a form body; throws 415 unless the type is JSON, a form, or absent. */
  static boolean checkContentType(String header) throws HttpProblem {
    if (header == null || header.isBlank()) {
      return false;
    }
    String[] parts = header.split(";");
    String mediaType = parts[0].trim().toLowerCase(Locale.ROOT);
    for (int i = 1; i < parts.length; i++) {
      String param = parts[i].trim();
      int eq = param.indexOf('=');
      if (eq > 0 && param.substring(0, eq).trim().equalsIgnoreCase("charset")) {
        String charset = param.substring(eq + 1).trim().replace("\"", "");
        if (!charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
          throw HttpProblem.unsupportedMediaType(
              "charset " + printable(charset) + " is not accepted: bodies are UTF-8 JSON");
        }
      }
    }
    if (mediaType.equals(FORM)) {
      return true;
    }
    int slash = mediaType.indexOf('/');
    boolean json =
        mediaType.equals("application/json")
            || (slash > 0
                && mediaType.substring(0, slash).equals("application")
                && mediaType.endsWith("+json")
                && mediaType.length() > slash + 1 + "+json".length());
    if (!json) {
      throw HttpProblem.unsupportedMediaType(
          "content type "
              + printable(mediaType)
              + " is not accepted; send application/json"
              + " (or application/*+json, or "
              + FORM
              + " carrying the JSON document)");
    }
    return false;
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
