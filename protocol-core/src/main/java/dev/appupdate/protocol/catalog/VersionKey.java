package dev.appupdate.protocol.catalog;

/**
 * The common versions as four longs that order as {@link dev.appupdate.protocol.Version} does, so
 * that the matcher compares a release's version with the installed one inside its own arrays,
 * without following the references of a {@code Version}. Covers up to {@value #PARTS} parts of
 * the form {@code <number-a>[<letters-b>[<number-c>]]}: {@code a} a run of decimal digits below
 * 2<sup>24</sup>, {@code b} one to three ASCII letters, {@code c} a run of digits below
 * 2<sup>18</sup>; for example {@code 10.0.19041}, {@code 5.7b1}, {@code 60.0esr}, {@code 1.0pre}.
 * Anything else (signs, {@code *}, {@code +}, empty parts, other characters, more parts, larger
 * numbers) is not encoded, and the caller compares {@code Version}s.
 *
 * <p>Each part is one long: {@code a} in bits 39 to 62, {@code b} in bits 18 to 38, {@code c} in
 * bits 0 to 17. {@code b} holds each letter as its code minus 0x20 in 7 bits, first letter
 * highest, missing letters 0, so that a prefix sorts before its extensions as {@code
 * String.compareTo} orders them; an absent {@code b} is all ones, above every string, since a part
 * with a string sorts before the same part without one. A missing part is {@code 0} without string
 * ({@link #ZERO_PART}), as missing parts are 0. All fields are non-negative and below bit 63, so
 * signed comparison of the longs, part by part, is the version order.
 */
final class VersionKey {
  /** Parts per version. */
  static final int PARTS = 4;

  private static final int C_BITS = 18;
  private static final int B_BITS = 21;
  private static final long NO_STRING = (1L << B_BITS) - 1;
  private static final long MAX_A = 1L << 24;
  private static final long MAX_C = 1L << C_BITS;

  /** The key of a part that is 0 with no string, and of every part past the last. */
  static final long ZERO_PART = NO_STRING << C_BITS;

  /** Marks a version that has no key: no encoded part is negative. */
  static final long NONE = -1;

  private VersionKey() {}

  /**
   * Writes the {@value #PARTS} keys of {@code text} to {@code keys[at...]}, or {@link #NONE} to
   * {@code keys[at]} when the version is not of the covered form.
   *
   * @return whether the version was encoded
   */
  static boolean encode(String text, long[] keys, int at) {
    int n = text.length();
    int i = 0;
    for (int part = 0; part < PARTS; part++) {
      if (i >= n) {
        keys[at + part] = ZERO_PART;
        continue;
      }
      long a = 0;
      int start = i;
      while (i < n && isDigit(text.charAt(i)) && a < MAX_A) {
        a = a * 10 + (text.charAt(i++) - '0');
      }
      long b = NO_STRING;
      long c = 0;
      boolean ok = i > start && a < MAX_A;
      if (ok && i < n && isLetter(text.charAt(i))) {
        b = 0;
        int letters = 0;
        while (i < n && isLetter(text.charAt(i)) && letters < 3) {
          b |= (long) (text.charAt(i++) - 0x20) << (7 * (2 - letters));
          letters++;
        }
        while (i < n && isDigit(text.charAt(i)) && c < MAX_C) {
          c = c * 10 + (text.charAt(i++) - '0');
        }
        ok = c < MAX_C;
      }
      // The part must end here: at the end of the text, or at a dot followed by another part.
      if (ok && i < n) {
        ok = text.charAt(i) == '.' && i + 1 < n && part + 1 < PARTS;
        i++;
      }
      if (!ok) {
        keys[at] = NONE;
        return false;
      }
      keys[at + part] = a << (B_BITS + C_BITS) | b << C_BITS | c;
    }
    return true;
  }

  /**
   * Compares the keys at {@code x[xAt...]} and {@code y[yAt...]}, both encoded, as {@code
   * Version.compareTo} compares the versions.
   */
  static int compare(long[] x, int xAt, long[] y, int yAt) {
    for (int part = 0; part < PARTS; part++) {
      int c = Long.compare(x[xAt + part], y[yAt + part]);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  private static boolean isDigit(char ch) {
    return ch >= '0' && ch <= '9';
  }

  private static boolean isLetter(char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
  }
}
