package dev.appupdate.server;

import java.io.ByteArrayOutputStream;

/** Strict percent-decoding (RFC 3986), to bytes so that the caller decides how to read them. */
final class Percent {
  private Percent() {}

  /**
   * Decodes {@code %XX} escapes and, for form bodies, {@code +} as a space.
   *
   * @throws IllegalArgumentException naming the offset of a malformed escape or a non-ASCII
   *     character
   */
  static byte[] decode(CharSequence s, boolean plusIsSpace) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          throw new IllegalArgumentException("incomplete %-escape at offset " + i);
        }
        int hi = hex(s.charAt(i + 1));
        int lo = hex(s.charAt(i + 2));
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException("malformed %-escape at offset " + i);
        }
        out.write((hi << 4) | lo);
        i += 2;
      } else if (c == '+' && plusIsSpace) {
        out.write(' ');
      } else if (c > 0x7e || c < 0x20) {
        throw new IllegalArgumentException(
            "character U+"
                + String.format("%04X", (int) c)
                + " at offset "
                + i
                + " must be percent-encoded");
      } else {
        out.write(c);
      }
    }
    return out.toByteArray();
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
