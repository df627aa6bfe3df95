package dev.appupdate.protocol;

import dev.appupdate.protocol.internal.Fields;
import java.util.Locale;

/**
 * The content types protocol v1 accepts for a request body (docs/PROTOCOL.md, "Request content
 * types"): {@code application/json}, {@code application/*+json}, none, or {@code
 * application/x-www-form-urlencoded} carrying the JSON document; each with no {@code charset}
 * parameter or {@code charset} {@code utf-8} or {@code us-ascii} (ASCII being a subset of UTF-8),
 * compared case-insensitively, quoted or not. Other parameters are ignored.
 */
final class ContentTypes {
  static final String FORM = "application/x-www-form-urlencoded";

  private ContentTypes() {}

  /** Returns null when {@code header} is accepted, else the detail of the 415 answer. */
  static String refusal(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    int semicolon = header.indexOf(';');
    String mediaType =
        (semicolon < 0 ? header : header.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    if (!isJsonOrForm(mediaType)) {
      return "content type " + Fields.quote(mediaType) + " is not accepted; send application/json"
          + " (or application/*+json, or " + FORM + " carrying the JSON document)";
    }
    int at = semicolon;
    while (at >= 0 && at < header.length()) {
      // at is on a ';': a parameter follows, up to the next ';' outside a quoted string.
      int start = at + 1;
      int end = parameterEnd(header, start);
      String parameter = header.substring(start, end).strip();
      int eq = parameter.indexOf('=');
      if (eq > 0 && parameter.substring(0, eq).strip().equalsIgnoreCase("charset")) {
        String charset = unquote(parameter.substring(eq + 1).strip());
        if (!charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("us-ascii")) {
          return "charset " + Fields.quote(charset) + " is not accepted: bodies are UTF-8 JSON"
              + " (send charset utf-8, or none)";
        }
      }
      at = end;
    }
    return null;
  }

  private static boolean isJsonOrForm(String mediaType) {
    if (mediaType.equals("application/json") || mediaType.equals(FORM)) {
      return true;
    }
    // application/<something>+json, with a non-empty <something> free of further slashes.
    return mediaType.startsWith("application/")
        && mediaType.endsWith("+json")
        && mediaType.length() > "application/".length() + "+json".length()
        && mediaType.indexOf('/', "application/".length()) < 0;
  }

  /** Returns the index of the ';' ending the parameter that starts at {@code start}, or the end. */
  private static int parameterEnd(String header, int start) {
    boolean quoted = false;
    for (int i = start; i < header.length(); i++) {
      char c = header.charAt(i);
      if (quoted && c == '\\') {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ';' && !quoted) {
        return i;
      }
    }
    return header.length();
  }

  /** Returns an RFC 9110 quoted-string's content, or {@code value} itself when not quoted. */
  private static String unquote(String value) {
    if (value.length() < 2 || value.charAt(0) != '"' || value.charAt(value.length() - 1) != '"') {
      return value;
    }
    StringBuilder sb = new StringBuilder(value.length());
    for (int i = 1; i < value.length() - 1; i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length() - 1) {
        c = value.charAt(++i);
      }
      sb.append(c);
    }
    return sb.toString();
  }
}
