package dev.appupdate.server;

import java.util.Locale;

/**
 * One satisfiable byte range of a file (RFC 9110, section 14.1.2), both ends inclusive.
 *
 * @param first the offset of the first byte
 * @param last the offset of the last byte, at most the file size minus one
 */
record ByteRange(long first, long last) {

  long length() {
    return last - first + 1;
  }

  /** Returns the {@code Content-Range} value for a file of {@code size} bytes. */
  String contentRange(long size) {
    return "bytes " + first + "-" + last + "/" + size;
  }

  /**
   * Reads a {@code Range} header for a file of {@code size} bytes.
   *
   * @return the range, or null when the header is to be ignored and the whole file sent: absent,
   *     not in bytes, syntactically invalid, or asking for several ranges
   * @throws HttpProblem 416 when the range does not overlap the file
   */
  static ByteRange parse(String header, long size) throws HttpProblem {
    if (header == null) {
      return null;
    }
    String value = header.trim();
    int eq = value.indexOf('=');
    if (eq < 0 || !value.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("bytes")) {
      return null;
    }
    String spec = value.substring(eq + 1).trim();
    if (spec.indexOf(',') >= 0) {
      return null;
    }
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return null;
    }
    String a = spec.substring(0, dash).trim();
    String b = spec.substring(dash + 1).trim();
    if (a.isEmpty()) {
      long suffix = digits(b);
      if (suffix < 0) {
        return null;
      }
      if (suffix == 0 || size == 0) {
        throw HttpProblem.rangeNotSatisfiable(JsonBody.printable(value), size);
      }
      return new ByteRange(Math.max(0, size - suffix), size - 1);
    }
    long first = digits(a);
    if (first < 0) {
      return null;
    }
    long last;
    if (b.isEmpty()) {
      last = Long.MAX_VALUE;
    } else {
      last = digits(b);
      if (last < 0 || last < first) {
        return null;
      }
    }
    if (first >= size) {
      throw HttpProblem.rangeNotSatisfiable(JsonBody.printable(value), size);
    }
    return new ByteRange(first, Math.min(last, size - 1));
  }

  /** Returns the value of a run of ASCII digits, saturating at Long.MAX_VALUE; -1 if not digits. */
  private static long digits(String s) {
    if (s.isEmpty()) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      if (v > (Long.MAX_VALUE - (c - '0')) / 10) {
        v = Long.MAX_VALUE;
      } else if (v != Long.MAX_VALUE) {
        v = v * 10 + (c - '0');
      }
    }
    return v;
  }
}
