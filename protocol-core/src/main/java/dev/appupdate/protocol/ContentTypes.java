package dev.appupdate.protocol;

import dev.appupdate.protocol.internal.Fields;
import java.util.Locale;

/**
 * The content types protocol v1 accepts for a request body (docs/PROTOCOL.md, "Request content
 * types"): {@code application/json}, {@code application/*+json}, none, or {@code
 * application/x-www-form-urlencoded} carrying the JSON document; each with no {@code charset}
 * parameter or {@code charset} {@code utf-8} or {@code us-ascii} (ASCII being a subset of UTF-8),
 * compared case-insensitively, quoted or not. Other parameters are ignored, but every parameter
 * must follow RFC 9110's grammar: a parameter this reader could not delimit could hide a charset.
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
        trimOws(semicolon < 0 ? header : header.substring(0, semicolon)).toLowerCase(Locale.ROOT);
    if (!isJsonOrForm(mediaType)) {
      return "content type " + Fields.quote(mediaType) + " is not accepted; send application/json"
          + " (or application/*+json, or " + FORM + " carrying the JSON document)";
    }
    return semicolon < 0 ? null : parameters(header, semicolon);
  }

  private static boolean isJsonOrForm(String mediaType) {
    if (mediaType.equals("application/json") || mediaType.equals(FORM)) {
      return true;
    }
    // application/<subtype>+json, the subtype an RFC 9110 token (which holds no '/').
    String prefix = "application/";
    String suffix = "+json";
    if (!mediaType.startsWith(prefix)
        || !mediaType.endsWith(suffix)
        || mediaType.length() <= prefix.length() + suffix.length()) {
      return false;
    }
    for (int i = prefix.length(); i < mediaType.length() - suffix.length(); i++) {
      if (!isTchar(mediaType.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Reads the parameters from the {@code ;} at {@code at} on, by RFC 9110 (sections 5.6 and
   * 8.3.1):
   *
   * <pre>
   * parameters      = *( OWS ";" OWS [ parameter ] )
   * parameter       = token "=" ( token / quoted-string )
   * quoted-string   = DQUOTE *( qdtext / quoted-pair ) DQUOTE
   * </pre>
   *
   * @return null when every parameter is well formed and no charset is refused, else the detail
   *     of the 415 answer
   */
  private static String parameters(String header, int at) {
    int n = header.length();
    int i = at;
    while (i < n) {
      // i is on a ';'.
      i = skipOws(header, i + 1);
      if (i == n || header.charAt(i) == ';') {
        continue; // an empty parameter: allowed
      }
      int nameStart = i;
      while (i < n && isTchar(header.charAt(i))) {
        i++;
      }
      if (i == nameStart) {
        return malformed(header, unexpected(header, i) + " where a parameter name should start");
      }
      String name = header.substring(nameStart, i);
      if (i == n || header.charAt(i) != '=') {
        String after = i == n || header.charAt(i) == ';' ? "" : ": " + unexpected(header, i);
        return malformed(header, "parameter " + Fields.quote(name) + " has no value" + after);
      }
      i++;
      String value;
      if (i < n && header.charAt(i) == '"') {
        StringBuilder sb = new StringBuilder();
        i++;
        while (true) {
          if (i >= n || (header.charAt(i) == '\\' && i + 1 == n)) {
            return malformed(
                header, "the quoted value of parameter " + Fields.quote(name) + " is not closed");
          }
          char c = header.charAt(i);
          if (c == '"') {
            i++;
            break;
          }
          if (c == '\\' && i + 1 < n && isQuotable(header.charAt(i + 1))) {
            c = header.charAt(++i);
          } else if (c == '\\' || !isQuotable(c)) {
            return malformed(
                header,
                unexpected(header, i) + " in the quoted value of parameter " + Fields.quote(name));
          }
          sb.append(c);
          i++;
        }
        value = sb.toString();
      } else {
        int valueStart = i;
        while (i < n && isTchar(header.charAt(i))) {
          i++;
        }
        if (i == valueStart && (i == n || ";\t ".indexOf(header.charAt(i)) >= 0)) {
          return malformed(header, "parameter " + Fields.quote(name) + " has no value");
        }
        value = header.substring(valueStart, i);
      }
      int end = skipOws(header, i);
      if (end < n && header.charAt(end) != ';') {
        // A '"' inside a token, text after a closing quote, a space inside a value.
        return malformed(
            header,
            unexpected(header, end) + " in the value of parameter " + Fields.quote(name)
                + "; quote a value that holds anything but letters, digits and !#$%&'*+-.^_`|~");
      }
      if (name.equalsIgnoreCase("charset")
          && !value.equalsIgnoreCase("utf-8")
          && !value.equalsIgnoreCase("us-ascii")) {
        return "charset " + Fields.quote(value) + " is not accepted: bodies are UTF-8 JSON"
            + " (send charset utf-8, or none)";
      }
      i = end;
    }
    return null;
  }

  private static String malformed(String header, String why) {
    return "malformed Content-Type " + Fields.quote(header) + ": " + why;
  }

  private static String unexpected(String header, int i) {
    return "unexpected " + Fields.describeChar(header.codePointAt(i)) + " at offset " + i;
  }

  /** RFC 9110 {@code tchar}: the characters of a token. */
  private static boolean isTchar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  /**
   * What a quoted-string may hold, as itself ({@code qdtext}, apart from {@code "} and {@code \})
   * or after a backslash ({@code quoted-pair}): tab, space, visible ASCII and {@code obs-text}
   * (0x80 to 0xFF, how a server decodes a header as ISO-8859-1).
   */
  private static boolean isQuotable(char c) {
    return c == '\t' || (c >= ' ' && c <= '~') || (c >= 0x80 && c <= 0xFF);
  }

  private static int skipOws(String s, int i) {
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  private static String trimOws(String s) {
    int start = skipOws(s, 0);
    int end = s.length();
    while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
      end--;
    }
    return s.substring(start, end);
  }
}
