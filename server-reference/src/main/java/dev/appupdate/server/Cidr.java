package dev.appupdate.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * An address range such as {@code 10.0.0.0/8}, {@code 2001:db8::/32} or a single address ({@code
 * 192.0.2.7}, a whole-length prefix), for {@code --rate-limit-exempt} and {@code --trusted-proxy}.
 */
final class Cidr {
  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

  private final byte[] network;
  private final int prefix;
  private final String text;

  private Cidr(byte[] network, int prefix, String text) {
    this.network = network;
    this.prefix = prefix;
    this.text = text;
  }

  /**
   * Reads {@code ADDRESS[/PREFIX]}; the address is a literal, never looked up.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  static Cidr parse(String value) {
    String v = value.trim();
    int slash = v.indexOf('/');
    String host = slash < 0 ? v : v.substring(0, slash);
    InetAddress address = literal(host);
    if (address == null) {
      throw new IllegalArgumentException(
          "must be an IP address with an optional /PREFIX, got " + JsonBody.printable(value));
    }
    byte[] bytes = address.getAddress();
    int bits = bytes.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      String p = v.substring(slash + 1);
      if (!p.matches("[0-9]{1,3}") || Integer.parseInt(p) > bits) {
        throw new IllegalArgumentException(
            "the prefix length must be 0-" + bits + ", got " + JsonBody.printable(value));
      }
      prefix = Integer.parseInt(p);
    }
    return new Cidr(mask(bytes, prefix), prefix, v);
  }

  /**
   * Returns the address a literal IPv4 or IPv6 text names, or null when it is not one: never a
   * host name, which would need a lookup.
   */
  static InetAddress literal(String text) {
    String t = text.trim();
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1);
    }
    try {
      if (IPV4.matcher(t).matches()) {
        // Not InetAddress.getByName: on JDK 17 a dotted quad it cannot parse (999.1.1.1) goes to
        // the resolver as a host name, a lookup on the request path for each such
        // X-Forwarded-For entry.
        return ipv4(t);
      }
      if (t.indexOf(':') < 0 || !t.matches("[0-9A-Fa-f:.]+")) {
        return null;
      }
      // With a colon the JDK parses an IPv6 literal or fails; it never looks a name up.
      return InetAddress.getByName(t);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static InetAddress ipv4(String text) throws UnknownHostException {
    String[] parts = text.split("\\.");
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      int v = Integer.parseInt(parts[i]);
      // A leading zero is octal to some parsers (inet_aton) and decimal to others: ambiguous.
      if (v > 255 || (parts[i].length() > 1 && parts[i].charAt(0) == '0')) {
        return null;
      }
      bytes[i] = (byte) v;
    }
    return InetAddress.getByAddress(bytes);
  }

  /** Returns whether {@code address} lies in this range; never for the other address family. */
  boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    return a.length == network.length && Arrays.equals(mask(a, prefix), network);
  }

  /** Returns {@code bytes} with every bit after the first {@code prefix} cleared. */
  static byte[] mask(byte[] bytes, int prefix) {
    byte[] m = bytes.clone();
    for (int i = 0; i < m.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      m[i] &= (byte) (0xff << (8 - keep));
    }
    return m;
  }

  @Override
  public String toString() {
    return text;
  }
}
