package dev.appupdate.protocol;

import java.math.BigInteger;

/**
 * An independent, literal port of Mozilla's nsVersionComparator.cpp (ParseVP, CompareVP,
 * NS_CompareVersions) used as an oracle for {@link Version}. It walks the text the way the C code
 * walks its char pointers. Deliberate differences, both fixed by the protocol: numbers are
 * unbounded (C clamps them to int32) and {@code *} is greater than every number (C uses
 * INT32_MAX).
 */
final class MozillaVersionComparator {
  private MozillaVersionComparator() {}

  /** A parsed version part; null numA is "*", null strings are C null pointers. */
  private static final class VersionPart {
    BigInteger numA = BigInteger.ZERO;
    String strB;
    BigInteger numC = BigInteger.ZERO;
    String extraD;
  }

  /** Where the C code's char pointer is; {@code pos == -1} is the null pointer. */
  private static final class Cursor {
    final String s;
    int pos;

    Cursor(String s) {
      this.s = s;
    }
  }

  static int compare(String a, String b) {
    Cursor ca = new Cursor(a);
    Cursor cb = new Cursor(b);
    int result;
    do {
      VersionPart va = parseVP(ca);
      VersionPart vb = parseVP(cb);
      result = compareVP(va, vb);
      if (result != 0) {
        break;
      }
    } while (ca.pos >= 0 || cb.pos >= 0);
    return result;
  }

  private static VersionPart parseVP(Cursor c) {
    VersionPart r = new VersionPart();
    if (c.pos < 0) {
      return r;
    }
    int dot = c.s.indexOf('.', c.pos);
    String part = dot < 0 ? c.s.substring(c.pos) : c.s.substring(c.pos, dot);

    String strB;
    if (part.equals("*")) {
      r.numA = null;
      strB = "";
    } else {
      long[] end = new long[1];
      r.numA = strtol(part, 0, end);
      strB = part.substring((int) end[0]);
    }

    if (strB.isEmpty()) {
      r.strB = null;
    } else if (strB.charAt(0) == '+') {
      r.numA = r.numA.add(BigInteger.ONE);
      r.strB = "pre";
    } else {
      int numstart = strpbrk(strB, "0123456789+-");
      if (numstart < 0) {
        r.strB = strB;
      } else {
        r.strB = strB.substring(0, numstart);
        long[] end = new long[1];
        r.numC = strtol(strB, numstart, end);
        r.extraD = strB.substring((int) end[0]);
        if (r.extraD.isEmpty()) {
          r.extraD = null;
        }
      }
    }

    if (dot < 0) {
      c.pos = -1;
    } else {
      c.pos = dot + 1;
      if (c.pos == c.s.length()) {
        c.pos = -1;
      }
    }
    return r;
  }

  /** C strtol in base 10 without the whitespace skipping (versions hold no whitespace). */
  private static BigInteger strtol(String s, int from, long[] end) {
    int i = from;
    boolean negative = false;
    if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      negative = s.charAt(i) == '-';
      i++;
    }
    BigInteger value = BigInteger.ZERO;
    int digits = 0;
    while (i < s.length() && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
      value = value.multiply(BigInteger.TEN).add(BigInteger.valueOf(s.charAt(i) - '0'));
      i++;
      digits++;
    }
    if (digits == 0) {
      end[0] = from;
      return BigInteger.ZERO;
    }
    end[0] = i;
    return negative ? value.negate() : value;
  }

  private static int strpbrk(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  private static int compareVP(VersionPart a, VersionPart b) {
    int r = nsCmp(a.numA, b.numA);
    if (r != 0) {
      return r;
    }
    r = nsStrcmp(a.strB, b.strB);
    if (r != 0) {
      return r;
    }
    r = nsCmp(a.numC, b.numC);
    if (r != 0) {
      return r;
    }
    return nsStrcmp(a.extraD, b.extraD);
  }

  private static int nsCmp(BigInteger a, BigInteger b) {
    if (a == null) {
      return b == null ? 0 : 1;
    }
    if (b == null) {
      return -1;
    }
    return a.compareTo(b);
  }

  /** Any string is before no string; otherwise byte order (ASCII here). */
  private static int nsStrcmp(String a, String b) {
    if (a == null) {
      return b != null ? 1 : 0;
    }
    if (b == null) {
      return -1;
    }
    return Integer.signum(a.compareTo(b));
  }
}
