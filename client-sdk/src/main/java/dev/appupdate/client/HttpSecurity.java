package dev.appupdate.client;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The transport security rules: HTTPS everywhere, except for loopback hosts and unless the
 * application opted out; never a redirect from HTTPS to plain HTTP; only ports a connection can
 * use; no user information ({@code user:password@}) in a URL, which the client would never send
 * and which must not end up in messages, logs or completion reports.
 */
final class HttpSecurity {
  private HttpSecurity() {}

  /**
   * Returns true for {@code localhost}, IPv4 literals in 127.0.0.0/8 and the IPv6 loopback
   * address. Names are never resolved: what a name resolves to is up to the network, which is what
   * HTTPS is there to distrust. An IPv4 literal counts only in its plain form, four decimal numbers
   * from 0 to 255 without leading zeros: {@code 127.0.0.01} or {@code 0177.0.0.1} mean different
   * addresses to different resolvers.
   */
  static boolean isLoopback(String host) {
    if (host == null || host.isEmpty()) {
      return false;
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.equals("localhost")) {
      return true;
    }
    if (h.indexOf(':') < 0) {
      return firstIpv4Octet(h) == 127;
    }
    if (!isIpv6Text(h)) {
      return false;
    }
    try {
      // Text that starts with a hex digit or ':' and holds a ':' is parsed as an IPv6 literal, or
      // refused as an invalid one; InetAddress never looks it up.
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Returns the first octet of a strict dotted-quad IPv4 literal, or -1 if it is not one. */
  private static int firstIpv4Octet(String h) {
    String[] parts = h.split("\\.", -1);
    if (parts.length != 4) {
      return -1;
    }
    int first = -1;
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
        return -1;
      }
      for (int i = 0; i < p.length(); i++) {
        if (p.charAt(i) < '0' || p.charAt(i) > '9') {
          return -1;
        }
      }
      int value = Integer.parseInt(p);
      if (value > 255) {
        return -1;
      }
      if (first < 0) {
        first = value;
      }
    }
    return first;
  }

  /** Hex digits, colons and dots (for an embedded IPv4 part) only; no zone id. */
  private static boolean isIpv6Text(String h) {
    if (Character.digit(h.charAt(0), 16) < 0 && h.charAt(0) != ':') {
      return false;
    }
    for (int i = 0; i < h.length(); i++) {
      char c = h.charAt(i);
      if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
        return false;
      }
    }
    return true;
  }

  /** True when {@code uri} names no port (the scheme's default) or one from 1 to 65535. */
  static boolean hasUsablePort(URI uri) {
    int port = uri.getPort();
    return port == -1 || (port >= 1 && port <= 65535);
  }

  /**
   * True when {@code uri} holds user information before its host. Read from the raw authority:
   * {@link URI#getUserInfo()} is null when the rest of the authority is not a valid host.
   */
  static boolean hasUserInfo(URI uri) {
    String authority = uri.getRawAuthority();
    return authority != null && authority.indexOf('@') >= 0;
  }

  /**
   * Returns {@code uri} for a message: with any user information replaced by {@code ***}, as it
   * usually holds a password.
   */
  static String redacted(URI uri) {
    if (!hasUserInfo(uri)) {
      return uri.toString();
    }
    String authority = uri.getRawAuthority();
    StringBuilder sb = new StringBuilder();
    if (uri.getScheme() != null) {
      sb.append(uri.getScheme()).append(':');
    }
    sb.append("//***@").append(authority.substring(authority.lastIndexOf('@') + 1));
    if (uri.getRawPath() != null) {
      sb.append(uri.getRawPath());
    }
    if (uri.getRawQuery() != null) {
      sb.append('?').append(uri.getRawQuery());
    }
    if (uri.getRawFragment() != null) {
      sb.append('#').append(uri.getRawFragment());
    }
    return sb.toString();
  }

  /**
   * Checks that the client may connect to {@code uri}.
   *
   * @return null when allowed, else why not
   */
  static String refusal(URI uri, boolean allowInsecureHttp) {
    if (hasUserInfo(uri)) {
      return redacted(uri) + " holds user information (user:password@) before the host";
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getHost() == null) {
      return uri + " has no host";
    }
    if (!hasUsablePort(uri)) {
      return uri + " has an invalid port " + uri.getPort() + " (1 to 65535)";
    }
    if (scheme.equals("https")) {
      return null;
    }
    if (!scheme.equals("http")) {
      return uri + " is neither https nor http";
    }
    if (allowInsecureHttp || isLoopback(uri.getHost())) {
      return null;
    }
    return "plain HTTP to "
        + uri.getHost()
        + " is refused ("
        + uri
        + "); use https, or allowInsecureHttp(true) to permit it";
  }

  /**
   * Checks a redirect hop.
   *
   * @return null when the client may follow it, else why not
   */
  static String redirectRefusal(URI from, URI to, boolean allowInsecureHttp) {
    if ("https".equalsIgnoreCase(from.getScheme()) && "http".equalsIgnoreCase(to.getScheme())) {
      return "refusing redirect from HTTPS " + redacted(from) + " to plain HTTP " + redacted(to);
    }
    String refusal = refusal(to, allowInsecureHttp);
    return refusal == null ? null : "refusing redirect from " + redacted(from) + ": " + refusal;
  }
}
