package dev.appupdate.client;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The transport security rules: HTTPS everywhere, except for loopback hosts and unless the
 * application opted out; never a redirect from HTTPS to plain HTTP.
 */
final class HttpSecurity {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private HttpSecurity() {}

  /**
   * Returns true for {@code localhost}, IPv4 literals in 127.0.0.0/8 and the IPv6 literal {@code
   * ::1}. Names other than {@code localhost} are never resolved: what a name resolves to is up to
   * the network, which is what HTTPS is there to distrust.
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
    boolean literal = h.indexOf(':') >= 0 || IPV4.matcher(h).matches();
    if (!literal) {
      return false;
    }
    try {
      // For a literal, getByName parses and never consults DNS.
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException | SecurityException e) {
      return false;
    }
  }

  /**
   * Checks that the client may connect to {@code uri}.
   *
   * @return null when allowed, else why not
   */
  static String refusal(URI uri, boolean allowInsecureHttp) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getHost() == null) {
      return uri + " has no host";
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
      return "refusing redirect from HTTPS " + from + " to plain HTTP " + to;
    }
    String refusal = refusal(to, allowInsecureHttp);
    return refusal == null ? null : "refusing redirect from " + from + ": " + refusal;
  }
}
