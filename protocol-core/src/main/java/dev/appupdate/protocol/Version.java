package dev.appupdate.protocol;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An application or update version, ordered by the Mozilla toolkit version comparator rules.
 *
 * <p>A version is a sequence of dot-separated parts. Each part reads as
 * {@code <number-a><string-b><number-c><extra-d>}, where every piece is optional:
 *
 * <ul>
 *   <li>a missing number is 0, and numbers of any length compare by value (no overflow);
 *   <li>strings compare bytewise (UTF-8), and a part with a string sorts <em>before</em> the same
 *       part without one, so {@code 1.0pre1 < 1.0};
 *   <li>missing trailing parts are 0, so {@code 1.0} equals {@code 1.0.0};
 *   <li>{@code *} as a part's number is infinity, so {@code 1.1.* > 1.1.99};
 *   <li>{@code N+} means {@code (N+1)pre}, so {@code 1.0+} equals {@code 1.1pre}.
 * </ul>
 *
 * <p>{@link #equals} and {@link #hashCode} are consistent with {@link #compareTo}; {@link
 * #toString} gives back the text the version was parsed from.
 *
 * <pre>{@code
 * Version installed = Version.parse("1.0pre1");
 * Version offered = Version.parse("1.0");
 * boolean newer = offered.compareTo(installed) > 0; // true
 * }</pre>
 */
public final class Version implements Comparable<Version> {

  /** The longest version text accepted, in characters. */
  public static final int MAX_LENGTH = 256;

  private final String text;
  private final List<Part> parts;

  private Version(String text, List<Part> parts) {
    this.text = text;
    this.parts = parts;
  }

  /**
   * Parses a version.
   *
   * @param text the version text, for example {@code 1.0}, {@code 2.0b3} or {@code 60.0.1esr}
   * @return the parsed version
   * @throws NullPointerException if {@code text} is null
   * @throws IllegalArgumentException if {@code text} is empty, longer than {@value #MAX_LENGTH}
   *     characters, or holds whitespace or control characters
   */
  public static Version parse(String text) {
    Objects.requireNonNull(text, "text == null");
    if (text.isEmpty()) {
      throw new IllegalArgumentException("version must not be empty");
    }
    if (text.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "version must be at most " + MAX_LENGTH + " characters, got " + text.length());
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw new IllegalArgumentException(
            "version must not contain whitespace or control characters, got \""
                + text.replaceAll("\\p{Cntrl}", "?")
                + "\"");
      }
    }
    List<Part> parts = new ArrayList<>();
    int start = 0;
    while (true) {
      int dot = text.indexOf('.', start);
      String piece = dot < 0 ? text.substring(start) : text.substring(start, dot);
      parts.add(Part.parse(piece));
      if (dot < 0) {
        break;
      }
      start = dot + 1;
    }
    // Trailing zero parts do not change the ordering; dropping them makes equals and hashCode
    // agree with compareTo (1.0 == 1.0.0).
    int size = parts.size();
    while (size > 0 && parts.get(size - 1).isZero()) {
      size--;
    }
    return new Version(text, List.copyOf(parts.subList(0, size)));
  }

  @Override
  public int compareTo(Version other) {
    int n = Math.max(parts.size(), other.parts.size());
    for (int i = 0; i < n; i++) {
      Part a = i < parts.size() ? parts.get(i) : Part.ZERO;
      Part b = i < other.parts.size() ? other.parts.get(i) : Part.ZERO;
      int c = a.compareTo(b);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /**
   * Returns true if {@code other} is a version that orders equal to this one, even when written
   * differently ({@code 1.0} and {@code 1.0.0}).
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof Version && compareTo((Version) other) == 0;
  }

  @Override
  public int hashCode() {
    return parts.hashCode();
  }

  /** Returns the text this version was parsed from, unchanged. */
  @Override
  public String toString() {
    return text;
  }

  /** One dot-separated part. {@code numA} is null for {@code *} (infinity). */
  private record Part(BigInteger numA, byte[] strB, BigInteger numC, byte[] extraD)
      implements Comparable<Part> {

    static final Part ZERO = new Part(BigInteger.ZERO, null, BigInteger.ZERO, null);

    static Part parse(String s) {
      if (s.equals("*")) {
        return new Part(null, null, BigInteger.ZERO, null);
      }
      int[] end = new int[1];
      BigInteger a = leadingNumber(s, 0, end);
      String rest = s.substring(end[0]);
      if (rest.isEmpty()) {
        return new Part(a, null, BigInteger.ZERO, null);
      }
      if (rest.charAt(0) == '+') {
        return new Part(a.add(BigInteger.ONE), utf8("pre"), BigInteger.ZERO, null);
      }
      int numStart = firstOf(rest, "0123456789+-");
      if (numStart < 0) {
        return new Part(a, utf8(rest), BigInteger.ZERO, null);
      }
      String b = rest.substring(0, numStart);
      BigInteger c = leadingNumber(rest, numStart, end);
      String d = rest.substring(end[0]);
      return new Part(a, utf8(b), c, d.isEmpty() ? null : utf8(d));
    }

    /** Reads an optionally signed decimal number at {@code from}, like C's strtol. */
    private static BigInteger leadingNumber(String s, int from, int[] end) {
      int i = from;
      if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      int digits = i;
      while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        i++;
      }
      if (i == digits) {
        end[0] = from;
        return BigInteger.ZERO;
      }
      end[0] = i;
      return new BigInteger(s.substring(from, i));
    }

    private static int firstOf(String s, String chars) {
      for (int i = 0; i < s.length(); i++) {
        if (chars.indexOf(s.charAt(i)) >= 0) {
          return i;
        }
      }
      return -1;
    }

    private static byte[] utf8(String s) {
      return s.getBytes(StandardCharsets.UTF_8);
    }

    boolean isZero() {
      return equals(ZERO);
    }

    @Override
    public int compareTo(Part o) {
      int c = compareNumber(numA, o.numA);
      if (c != 0) {
        return c;
      }
      c = compareString(strB, o.strB);
      if (c != 0) {
        return c;
      }
      c = numC.compareTo(o.numC);
      if (c != 0) {
        return c;
      }
      return compareString(extraD, o.extraD);
    }

    private static int compareNumber(BigInteger a, BigInteger b) {
      if (a == null || b == null) {
        return a == b ? 0 : a == null ? 1 : -1;
      }
      return a.compareTo(b);
    }

    /** Any string sorts before no string; strings compare as unsigned bytes. */
    private static int compareString(byte[] a, byte[] b) {
      if (a == null || b == null) {
        return a == b ? 0 : a == null ? 1 : -1;
      }
      return java.util.Arrays.compareUnsigned(a, b);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Part && compareTo((Part) o) == 0;
    }

    @Override
    public int hashCode() {
      return Objects.hash(
          numA, java.util.Arrays.hashCode(strB), numC, java.util.Arrays.hashCode(extraD));
    }

    @Override
    public String toString() {
      return numA + "/" + (strB == null ? null : new String(strB, StandardCharsets.UTF_8))
          + "/" + numC + "/" + (extraD == null ? null : new String(extraD, StandardCharsets.UTF_8));
    }
  }
}
