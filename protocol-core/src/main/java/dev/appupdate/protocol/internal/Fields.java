package dev.appupdate.protocol.internal;

import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.ReleaseSignature;
import dev.appupdate.protocol.Version;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
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

  /** Product, update type, channel, installation id: letters, digits, '.', '_', '-'. */
  public static String name(String value) {
    if (value.isEmpty()) {
      return "must not be empty";
    }
    if (value.length() > MAX_NAME_LENGTH) {
      return "must be at most " + MAX_NAME_LENGTH + " characters, got " + value.length();
    }
    if (!isName(value)) {
      return "must start with a letter or digit and hold only letters, digits, '.', '_' and '-',"
          + " got " + quote(value);
    }
    return null;
  }

  /**
   * A patch's base version against the version it rebuilds: the base must be lower. Both must be
   * valid versions.
   */
  public static String patchFrom(String from, String version) {
    return Version.parse(from).compareTo(Version.parse(version)) < 0
        ? null
        : "must be a version below " + version + ", got " + quote(from);
  }

  /** Reason and other free text of at most {@value #MAX_TEXT_LENGTH} characters. */
  public static String text(String value) {
    return text(value, MAX_TEXT_LENGTH);
  }

  /**
   * Free text of 1 to {@code max} characters (Unicode code points): no control characters
   * (U+0000-U+001F, U+007F-U+009F), no unpaired surrogates, and not only spaces.
   */
  public static String text(String value, int max) {
    if (value.isEmpty()) {
      return "must not be empty";
    }
    int length = value.codePointCount(0, value.length());
    if (length > max) {
      return "must be at most " + max + " characters, got " + length;
    }
    boolean onlySpaces = true;
    int offset = 0;
    for (int i = 0; i < value.length(); offset++) {
      int cp = value.codePointAt(i);
      if (Character.isISOControl(cp)) {
        return "must not contain control characters, got " + describeChar(cp) + " at offset "
            + offset;
      }
      if (isSurrogate(cp)) {
        return "must not contain an unpaired surrogate, got " + describeChar(cp) + " at offset "
            + offset;
      }
      onlySpaces &= cp == ' ';
      i += Character.charCount(cp);
    }
    if (onlySpaces) {
      return "must not be only spaces";
    }
    return null;
  }

  /** A BCP 47 language tag such as {@code en-US}. */
  public static String locale(String value) {
    if (value.length() > 64 || !(isLocale(value) || isSingletonTag(value))) {
      return "must be a BCP 47 language tag such as en-US, got " + quote(value);
    }
    return null;
  }

  /** A version per {@link Version#parse}. */
  public static String version(String value) {
    // Version.parse never fails on content, so these checks alone decide whether a text is a
    // version, without building one; Version.parse throws what they return.
    if (value.isEmpty()) {
      return "must not be empty";
    }
    if (value.length() > Version.MAX_LENGTH) {
      return "must be at most " + Version.MAX_LENGTH + " characters, got " + value.length();
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      // Printable ASCII only: character order then equals byte order in every language, and a
      // version never needs quoting in a file name, URL or log line.
      if (c < '!' || c > '~') {
        return "must hold only printable ASCII characters without spaces, got "
            + quote(value)
            + " with "
            + describeChar(c)
            + " at offset "
            + i;
      }
    }
    return null;
  }

  /** A request id: 1 to 200 URL-safe characters. */
  public static String requestId(String value) {
    if (value.isEmpty()) {
      return "must not be empty";
    }
    if (value.length() > MAX_REQUEST_ID_LENGTH) {
      return "must be at most " + MAX_REQUEST_ID_LENGTH + " characters, got " + value.length();
    }
    if (!isRequestId(value)) {
      return "must hold only URL-safe characters (letters, digits, '.', '_', '~', '-'), got "
          + quote(value);
    }
    return null;
  }

  /**
   * An absolute http or https URL: at most {@value #MAX_URL_LENGTH} printable ASCII characters
   * (anything else percent-encoded) forming a valid RFC 3986 URI, whose authority is a host
   * ({@link #httpUrlParts}) and an optional port, without user information.
   */
  public static String httpUrl(String value) {
    if (value.length() > MAX_URL_LENGTH) {
      return "must be at most " + MAX_URL_LENGTH + " characters, got " + value.length();
    }
    String ascii = printableAscii(value);
    if (ascii != null) {
      return ascii;
    }
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme();
      if (scheme == null
          || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          || uri.getRawAuthority() == null) {
        return "must be an absolute http or https URL with a host, got " + quote(value);
      }
      return httpUrlParts(uri);
    } catch (URISyntaxException e) {
      return "must be a valid URL (" + e.getReason() + " at offset " + e.getIndex() + "), got "
          + quote(value);
    }
  }

  /** Printable ASCII only: U+0021 to U+007E. */
  public static String printableAscii(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '!' || c > '~') {
        return "must hold only printable ASCII characters (percent-encode others), got "
            + describeChar(value.codePointAt(i)) + " at offset " + i;
      }
    }
    return null;
  }

  /**
   * Checks what {@link URI} leaves to the caller in a parsed URL or relative reference of printable
   * ASCII. The authority, when present, must be a host and an optional port: no user information
   * (RFC 9110 forbids it in http URLs, and it would hand credentials to every client), a port of
   * digits (RFC 3986), and a host that is
   *
   * <ul>
   *   <li>an IPv6 address in brackets (RFC 3986 {@code IPv6address}, without a zone id),
   *   <li>an IPv4 address: four decimal numbers 0 to 255 without leading zeros, or
   *   <li>a DNS name: labels of ASCII letters, digits and {@code -}, neither starting nor ending
   *       with {@code -}, separated by dots, the last label starting with a letter, optionally
   *       followed by a dot.
   * </ul>
   *
   * <p>That is what {@link URI#getHost()} and HTTP clients built on it accept: a host such as
   * {@code my_host} or {@code ex%41mple.com} is a valid RFC 3986 name that they cannot connect to.
   * Query and fragment must not hold {@code [} or {@code ]}, which {@link URI} accepts there and
   * RFC 3986 does not.
   *
   * @return null when valid, else a human message
   */
  public static String httpUrlParts(URI uri) {
    String authority = uri.getRawAuthority();
    if (authority != null) {
      String problem = authority(authority);
      if (problem != null) {
        return problem;
      }
    }
    String problem = noBrackets(uri.getRawQuery(), uri.toString());
    return problem != null ? problem : noBrackets(uri.getRawFragment(), uri.toString());
  }

  // RFC 3986 IPv6address; docs/PROTOCOL.md and the update-response schema spell out the same.
  private static final String H16 = "[0-9A-Fa-f]{1,4}";
  private static final String DEC_OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
  private static final String LS32 =
      "(?:" + H16 + ":" + H16 + "|" + DEC_OCTET + "(?:\\." + DEC_OCTET + "){3})";
  private static final Pattern IPV6 =
      Pattern.compile(
          "(?:" + H16 + ":){6}" + LS32
              + "|::(?:" + H16 + ":){5}" + LS32
              + "|(?:" + H16 + ")?::(?:" + H16 + ":){4}" + LS32
              + "|(?:(?:" + H16 + ":){0,1}" + H16 + ")?::(?:" + H16 + ":){3}" + LS32
              + "|(?:(?:" + H16 + ":){0,2}" + H16 + ")?::(?:" + H16 + ":){2}" + LS32
              + "|(?:(?:" + H16 + ":){0,3}" + H16 + ")?::" + H16 + ":" + LS32
              + "|(?:(?:" + H16 + ":){0,4}" + H16 + ")?::" + LS32
              + "|(?:(?:" + H16 + ":){0,5}" + H16 + ")?::" + H16
              + "|(?:(?:" + H16 + ":){0,6}" + H16 + ")?::");

  private static String authority(String authority) {
    if (authority.indexOf('@') >= 0) {
      // Not echoed: the part before '@' is usually a password.
      return "must not hold user information (user:password@) before the host";
    }
    String port = null;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close < 0 || !IPV6.matcher(authority.substring(1, close)).matches()) {
        return hostProblem(close < 0 ? authority : authority.substring(0, close + 1));
      }
      String rest = authority.substring(close + 1);
      if (!rest.isEmpty()) {
        if (rest.charAt(0) != ':') {
          return hostProblem(authority);
        }
        port = rest.substring(1);
      }
    } else {
      int colon = authority.indexOf(':');
      String host = colon < 0 ? authority : authority.substring(0, colon);
      port = colon < 0 ? null : authority.substring(colon + 1);
      if (!isIpv4(host) && !isDnsName(host)) {
        return hostProblem(host);
      }
    }
    if (port != null && !isPort(port)) {
      return "must have a port of digits only, got " + quote(port);
    }
    return null;
  }

  private static String hostProblem(String host) {
    return "must have a host that is a DNS name, an IPv4 address or an IPv6 address in brackets,"
        + " got " + quote(host);
  }

  private static String noBrackets(String part, String url) {
    if (part != null) {
      for (int i = 0; i < part.length(); i++) {
        char c = part.charAt(i);
        if (c == '[' || c == ']') {
          return "must percent-encode '[' and ']' outside an IPv6 host, got " + describeChar(c)
              + " in " + quote(url);
        }
      }
    }
    return null;
  }

  /**
   * RFC 3986 {@code port = *DIGIT}. Whether the number is one a connection can use (1 to 65535) is
   * for the client to check when it connects, as it does for every other way a server can be
   * unreachable.
   */
  private static boolean isPort(String port) {
    for (int i = 0; i < port.length(); i++) {
      char c = port.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean isIpv4(String host) {
    int parts = 0;
    int i = 0;
    int n = host.length();
    while (parts < 4) {
      int start = i;
      int value = 0;
      while (i < n && i - start < 3 && host.charAt(i) >= '0' && host.charAt(i) <= '9') {
        value = value * 10 + (host.charAt(i) - '0');
        i++;
      }
      int digits = i - start;
      if (digits == 0 || value > 255 || (digits > 1 && host.charAt(start) == '0')) {
        return false;
      }
      parts++;
      if (parts < 4) {
        if (i == n || host.charAt(i) != '.') {
          return false;
        }
        i++;
      }
    }
    return i == n;
  }

  private static boolean isDnsName(String host) {
    int n = host.length();
    if (n > 0 && host.charAt(n - 1) == '.') {
      n--;
    }
    if (n == 0) {
      return false;
    }
    int labelStart = 0;
    int lastLabelStart = 0;
    for (int i = 0; i <= n; i++) {
      char c = i < n ? host.charAt(i) : '.';
      if (c == '.') {
        if (i == labelStart || host.charAt(labelStart) == '-' || host.charAt(i - 1) == '-') {
          return false;
        }
        lastLabelStart = labelStart;
        labelStart = i + 1;
      } else if (c != '-' && !isAsciiLetterOrDigit(c)) {
        return false;
      }
    }
    char first = host.charAt(lastLabelStart);
    return (first >= 'A' && first <= 'Z') || (first >= 'a' && first <= 'z');
  }

  /**
   * Returns true for the BCP 47 tags that start with a singleton rather than a language: private
   * use ({@code x-klingon}) and the irregular grandfathered {@code i-} tags ({@code i-default}),
   * that is {@code x} or {@code i} (either case) followed by one or more subtags of 1 to 8 letters
   * or digits, each after a {@code -}.
   */
  private static boolean isSingletonTag(String value) {
    int n = value.length();
    if (n < 3) {
      return false;
    }
    char first = value.charAt(0);
    if (first != 'x' && first != 'X' && first != 'i' && first != 'I') {
      return false;
    }
    int subtag = 0;
    for (int i = 1; i < n; i++) {
      char c = value.charAt(i);
      if (c == '-') {
        if (i > 1 && subtag == 0) {
          return false;
        }
        subtag = 0;
      } else if (i > 1 && subtag < 8 && isAsciiLetterOrDigit(c)) {
        subtag++;
      } else {
        return false;
      }
    }
    return subtag > 0;
  }

  /** A hash function name per {@link HashFunction#fromWireName}. */
  public static String hashFunction(String value) {
    try {
      HashFunction.fromWireName(value);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /** A digest of {@code function} written as lower-case hex. */
  public static String hashValue(HashFunction function, String value) {
    if (value.length() != function.hexLength()) {
      return "must be " + function.hexLength() + " lower-case hex digits for " + function
          + ", got " + value.length() + " characters";
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c >= 128 || !LOWER_HEX[c]) {
        return "must be lower-case hex digits, got '" + c + "' at offset " + i;
      }
    }
    return null;
  }

  // A table rather than two ranges: this loop runs over 128 digits of every catalog release.
  private static final boolean[] LOWER_HEX = new boolean[128];

  static {
    for (char c = 0; c < 128; c++) {
      LOWER_HEX[c] = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }
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

  /** The length of a release signature's key id: 16 lower-case hex digits. */
  public static final int KEY_ID_LENGTH = 16;

  /** The length of an Ed25519 signature written as base64url without padding: 64 bytes. */
  public static final int SIGNATURE_LENGTH = 86;

  /** A key id: {@value #KEY_ID_LENGTH} lower-case hex digits. */
  public static String keyId(String value) {
    if (value.length() != KEY_ID_LENGTH) {
      return "must be " + KEY_ID_LENGTH + " lower-case hex digits, got " + value.length()
          + " characters";
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return "must be lower-case hex digits, got " + describeChar(c) + " at offset " + i;
      }
    }
    return null;
  }

  /**
   * An Ed25519 signature: its 64 bytes as base64url without padding, {@value #SIGNATURE_LENGTH}
   * characters of {@code A-Z a-z 0-9 - _}, written canonically (the unused low bits of the last
   * character are zero, so that one signature has one spelling).
   */
  public static String signature(String value) {
    if (value.length() != SIGNATURE_LENGTH) {
      return "must be an Ed25519 signature: 64 bytes as " + SIGNATURE_LENGTH
          + " base64url characters without padding, got " + value.length() + " characters";
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!(isAsciiLetterOrDigit(c) || c == '-' || c == '_')) {
        return "must be base64url (A-Z, a-z, 0-9, '-', '_', no padding), got " + describeChar(c)
            + " at offset " + i;
      }
    }
    // 86 characters carry 516 bits for 512: the last character's low 4 bits are unused.
    char last = value.charAt(SIGNATURE_LENGTH - 1);
    if (last != 'A' && last != 'Q' && last != 'g' && last != 'w') {
      return "must be canonical base64url: the last character of 64 bytes is A, Q, g or w, got "
          + describeChar(last);
    }
    return null;
  }

  /**
   * Reports each key id of a {@code signatures} array that repeats an earlier one: a release is
   * signed at most once per key, so a repeat is a mistake (or an attempt to pass a bad signature
   * off next to a good one).
   *
   * @param keyIds the key ids in array order; null for an entry already reported as bad
   * @param field the path of the array, for example {@code signatures}
   * @param sink receives the path of the repeated {@code key_id} and a message
   */
  public static void duplicateKeyIds(
      List<String> keyIds, String field, BiConsumer<String, String> sink) {
    Map<String, Integer> first = new HashMap<>();
    for (int i = 0; i < keyIds.size(); i++) {
      String id = keyIds.get(i);
      if (id == null) {
        continue;
      }
      Integer earlier = first.putIfAbsent(id, i);
      if (earlier != null) {
        sink.accept(
            field + "[" + i + "].key_id",
            "duplicates " + field + "[" + earlier + "]: a release has at most one signature per"
                + " key, got " + id + " twice");
      }
    }
  }

  /**
   * Throws {@link IllegalArgumentException} if two of {@code signatures} have the same key id
   * ({@link #duplicateKeyIds}).
   */
  public static void requireDistinctKeyIds(List<ReleaseSignature> signatures) {
    List<String> ids = new ArrayList<>(signatures.size());
    for (ReleaseSignature s : signatures) {
      ids.add(s.keyId());
    }
    duplicateKeyIds(ids, "signatures", Fields::require);
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

  /**
   * Quotes a value for a message: at most 80 characters (longer values are cut and end in
   * "..."), with quotes, backslashes, control characters and unpaired surrogates escaped, so the
   * result is always valid free text.
   */
  public static String quote(String value) {
    int cut = value.length();
    if (cut > 80) {
      cut = 77;
      if (Character.isHighSurrogate(value.charAt(cut - 1))) {
        cut--;
      }
    }
    StringBuilder sb = new StringBuilder(cut + 5).append('"');
    for (int i = 0; i < cut; ) {
      int cp = value.codePointAt(i);
      if (cp == '"' || cp == '\\') {
        sb.append('\\').append((char) cp);
      } else if (Character.isISOControl(cp) || isSurrogate(cp)) {
        sb.append(String.format(Locale.ROOT, "\\u%04x", cp));
      } else {
        sb.appendCodePoint(cp);
      }
      i += Character.charCount(cp);
    }
    if (cut < value.length()) {
      sb.append("...");
    }
    return sb.append('"').toString();
  }

  /**
   * Returns {@code value} made valid as free text ({@link #text}) of at most {@code max}
   * characters (code points): control characters and unpaired surrogates escaped as {@link
   * #quote} does, and a longer result cut to {@code max - 3} characters followed by "...".
   *
   * @param max at least 4
   */
  public static String clean(String value, int max) {
    StringBuilder sb = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); ) {
      int cp = value.codePointAt(i);
      if (Character.isISOControl(cp) || isSurrogate(cp)) {
        sb.append(String.format(Locale.ROOT, "\\u%04x", cp));
      } else {
        sb.appendCodePoint(cp);
      }
      i += Character.charCount(cp);
    }
    String s = sb.toString();
    if (s.codePointCount(0, s.length()) <= max) {
      return s;
    }
    return s.substring(0, s.offsetByCodePoints(0, max - 3)) + "...";
  }

  /** Describes one character for a message: {@code 'x'} when printable ASCII, else {@code U+00E9}. */
  public static String describeChar(int codePoint) {
    if (codePoint >= '!' && codePoint <= '~') {
      return "'" + (char) codePoint + "'";
    }
    return String.format(Locale.ROOT, "U+%04X", codePoint);
  }

  // The three character rules below are hand-written loops rather than regular expressions: they
  // run for several fields of every request and catalog release, and a Matcher per call was the
  // largest single cost of decoding an update request.

  /** {@code [A-Za-z0-9][A-Za-z0-9._-]*}. */
  private static boolean isName(String value) {
    if (value.isEmpty() || !isAsciiLetterOrDigit(value.charAt(0))) {
      return false;
    }
    for (int i = 1; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!isAsciiLetterOrDigit(c) && c != '.' && c != '_' && c != '-') {
        return false;
      }
    }
    return true;
  }

  /** {@code [A-Za-z0-9._~-]+}. */
  private static boolean isRequestId(String value) {
    if (value.isEmpty()) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!isAsciiLetterOrDigit(c) && c != '.' && c != '_' && c != '~' && c != '-') {
        return false;
      }
    }
    return true;
  }

  /**
   * BCP 47 well-formedness, loosely: {@code [A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*}, a 2-8 letter
   * primary subtag and 1-8 alphanumeric subtags. Since '-' is in neither class, measuring each
   * maximal run decides exactly as the expression does.
   */
  private static boolean isLocale(String value) {
    int n = value.length();
    int i = 0;
    while (i < n && isAsciiLetter(value.charAt(i))) {
      i++;
    }
    if (i < 2 || i > 8) {
      return false;
    }
    while (i < n) {
      if (value.charAt(i) != '-') {
        return false;
      }
      int start = ++i;
      while (i < n && isAsciiLetterOrDigit(value.charAt(i))) {
        i++;
      }
      if (i == start || i - start > 8) {
        return false;
      }
    }
    return true;
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  private static boolean isAsciiLetterOrDigit(char c) {
    return isAsciiLetter(c) || (c >= '0' && c <= '9');
  }

  /** A code point from {@link String#codePointAt} is a surrogate only when it is unpaired. */
  private static boolean isSurrogate(int codePoint) {
    return codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE;
  }
}
