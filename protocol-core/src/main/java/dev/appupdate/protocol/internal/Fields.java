package dev.appupdate.protocol.internal;

import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.Version;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * The value rules of protocol v1, shared by the records' constructors (which throw) and the codecs
 * (which collect every problem). Each check returns null when the value is valid, else a human
 * message that completes "field: ...".
 */
public final class Fields {
  private Fields() {}

  /** Longest product, update type, channel and installation id. */
  public static final int MAX_NAME_LENGTH = 128;
  /** Longest free-text value: platform, arch, reason, problem texts. */
  public static final int MAX_TEXT_LENGTH = 1024;
  /** Longest URL. */
  public static final int MAX_URL_LENGTH = 2048;
  /** Longest request id. */
  public static final int MAX_REQUEST_ID_LENGTH = 200;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._~-]+");
  // BCP 47 well-formedness, loosely: a 2-8 letter primary subtag and 1-8 alphanumeric subtags.
  private static final Pattern LOCALE = Pattern.compile("[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*");

  /** Product, update type, channel, installation id: letters, digits, '.', '_', '-'. */
  public static String name(String value) {
    if (value.isEmpty()) {
      return "must not be empty";
    }
    if (value.length() > MAX_NAME_LENGTH) {
      return "must be at most " + MAX_NAME_LENGTH + " characters, got " + value.length();
    }
    if (!NAME.matcher(value).matches()) {
      return "must start with a letter or digit and hold only letters, digits, '.', '_' and '-',"
          + " got " + quote(value);
    }
    return null;
  }

  /** Platform, arch and other short free text: non-empty, no control characters. */
  public static String text(String value) {
    return text(value, MAX_TEXT_LENGTH);
  }

  /** Free text of at most {@code max} characters: non-empty, no control characters. */
  public static String text(String value, int max) {
    if (value.isBlank()) {
      return "must not be blank";
    }
    if (value.length() > max) {
      return "must be at most " + max + " characters, got " + value.length();
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        return "must not contain control characters, got one at offset " + i;
      }
    }
    return null;
  }

  /** A BCP 47 language tag such as {@code en-US}. */
  public static String locale(String value) {
    if (value.length() > 64 || !LOCALE.matcher(value).matches()) {
      return "must be a BCP 47 language tag such as en-US, got " + quote(value);
    }
    return null;
  }

  /** A version per {@link Version#parse}. */
  public static String version(String value) {
    try {
      Version.parse(value);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage().replaceFirst("^version ", "");
    }
  }

  /** A request id: 1 to 200 URL-safe characters. */
  public static String requestId(String value) {
    if (value.isEmpty()) {
      return "must not be empty";
    }
    if (value.length() > MAX_REQUEST_ID_LENGTH) {
      return "must be at most " + MAX_REQUEST_ID_LENGTH + " characters, got " + value.length();
    }
    if (!REQUEST_ID.matcher(value).matches()) {
      return "must hold only URL-safe characters (letters, digits, '.', '_', '~', '-'), got "
          + quote(value);
    }
    return null;
  }

  /** An absolute http or https URL with a host. */
  public static String httpUrl(String value) {
    if (value.length() > MAX_URL_LENGTH) {
      return "must be at most " + MAX_URL_LENGTH + " characters, got " + value.length();
    }
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme();
      if (scheme == null
          || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          || uri.getHost() == null) {
        return "must be an absolute http or https URL, got " + quote(value);
      }
      return null;
    } catch (URISyntaxException e) {
      return "must be a valid URL (" + e.getReason() + " at index " + e.getIndex() + "), got "
          + quote(value);
    }
  }

  /** A digest as lower-case hex for {@code function}. */
  public static String hashValue(HashFunction function, String value) {
    return function.checkHexValue(value);
  }

  /** A digest a client reports: lower-case hex of any allowed length. */
  public static String reportedHashValue(String value) {
    if (value.isEmpty() || value.length() > 128) {
      return "must be 1 to 128 lower-case hex digits, got " + value.length() + " characters";
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return "must be lower-case hex digits, got '" + c + "' at offset " + i;
      }
    }
    return null;
  }

  /** A size in bytes. */
  public static String size(long value) {
    return value < 0 ? "must not be negative, got " + value : null;
  }

  /** Throws {@link IllegalArgumentException} "{@code field}: {@code message}" if not null. */
  public static void require(String field, String message) {
    if (message != null) {
      throw new IllegalArgumentException(field + ": " + message);
    }
  }

  /** Quotes a value for a message, shortened to 80 characters. */
  public static String quote(String value) {
    String v = value.length() > 80 ? value.substring(0, 77) + "..." : value;
    StringBuilder sb = new StringBuilder(v.length() + 2).append('"');
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
