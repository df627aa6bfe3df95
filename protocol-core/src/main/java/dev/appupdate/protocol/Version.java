package dev.appupdate.protocol;

import dev.appupdate.protocol.internal.Fields;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An application or update version, ordered by the Mozilla toolkit version comparator rules
 * ({@code nsVersionComparator}).
 *
 * <p>A version is a sequence of dot-separated parts. Each part reads as
 * {@code <number-a><string-b><number-c><extra-d>}, where every piece is optional:
 *
 * <ul>
 *   <li>a number is an optionally signed run of decimal digits; a missing number is 0, and numbers
 *       of any length compare by value (no overflow);
 *   <li>strings compare by character code (ASCII), and a part with a string sorts <em>before</em>
 *       the same part without one, so {@code 1.0pre1 < 1.0};
 *   <li>missing trailing parts are 0, so {@code 1.0} equals {@code 1.0.0};
 *   <li>{@code *} as a whole part is a number greater than every other, so {@code 1.1.* >
 *       1.1.99};
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
  /** The parts without trailing zero parts, so that equal versions have equal lists. */
  private final List<Part> parts;

  private Version(String text, List<Part> parts) {
    this.text = text;
    this.parts = parts;
  }

  /**
   * Parses a version. Every text of 1 to {@value #MAX_LENGTH} printable ASCII characters
   * ({@code !} through {@code ~}, so no spaces) is a version; parsing never fails on content, it
   * only decides how the text orders.
   *
   * @param text the version text, for example {@code 1.0}, {@code 2.0b3} or {@code 60.0.1esr}
   * @return the parsed version
   * @throws NullPointerException if {@code text} is null
   * @throws IllegalArgumentException if {@code text} is empty, longer than {@value #MAX_LENGTH}
   *     characters, or holds a character outside printable ASCII
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
      // Printable ASCII only: character order then equals byte order in every language, and a
      // version never needs quoting in a file name, URL or log line.
      if (c < '!' || c > '~') {
        throw new IllegalArgumentException(
            "version must hold only printable ASCII characters without spaces, got "
                + Fields.quote(text)
                + " with "
                + Fields.describeChar(c)
                + " at offset "
                + i);
      }
    }
    List<Part> parts = new ArrayList<>();
    int start = 0;
    while (start <= text.length()) {
      int dot = text.indexOf('.', start);
      int end = dot < 0 ? text.length() : dot;
      parts.add(Part.parse(text.substring(start, end)));
      start = end + 1;
    }
    // Trailing zero parts do not change the ordering; dropping them makes equals and hashCode
    // agree with compareTo (1.0 == 1.0.0).
    int size = parts.size();
    while (size > 0 && parts.get(size - 1).isZero()) {
      size--;
    }
    return new Version(text, List.copyOf(parts.subList(0, size)));
  }

  /**
   * Compares by the Mozilla rules: negative if this version is older than {@code other}, zero if
   * they order equal, positive if this one is newer.
   */
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
    return other instanceof Version && parts.equals(((Version) other).parts);
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

  /**
   * Returns one spelling shared by all versions equal to this one: {@code a.equals(b)} exactly
   * when {@code a.canonical().equals(b.canonical())}. Use it where equal versions must give equal
   * bytes, for example as a map key in another process, in a digest, or in a signed token.
   *
   * <p>The canonical text drops trailing zero parts, writes numbers without sign {@code +} or
   * leading zeros, and spells {@code N+} as {@code (N+1)pre}; a version equal to {@code 0} is
   * {@code "0"}:
   *
   * <pre>{@code
   * Version.parse("1.0.0").canonical();   // "1"
   * Version.parse("01.10").canonical();   // "1.10"
   * Version.parse("1.0+").canonical();    // "1.1pre"
   * Version.parse("2.0b03").canonical();  // "2.0b3"
   * }</pre>
   *
   * <p>The canonical text parses back to an equal version whose canonical text is the same. It can
   * be longer than the text the version was parsed from ({@code pre} is canonically {@code 0pre},
   * {@code 1-} is {@code 1-0-}), so it may exceed {@value #MAX_LENGTH} characters; it does not
   * replace the version's own text ({@link #toString}) in documents.
   */
  public String canonical() {
    if (parts.isEmpty()) {
      return "0";
    }
    StringBuilder sb = new StringBuilder(text.length() + 4);
    for (int i = 0; i < parts.size(); i++) {
      if (i > 0) {
        sb.append('.');
      }
      parts.get(i).appendCanonical(sb);
    }
    return sb.toString();
  }

  /**
   * One dot-separated part. {@code numA} is null for {@code *} (greater than every number);
   * {@code strB} and {@code extraD} are null when absent, which is not the same as empty: a part
   * such as {@code 1-1} has an empty, present string.
   */
  private record Part(BigInteger numA, String strB, BigInteger numC, String extraD)
      implements Comparable<Part> {

    static final Part ZERO = new Part(BigInteger.ZERO, null, BigInteger.ZERO, null);
    static final Part STAR = new Part(null, null, BigInteger.ZERO, null);

    /** Splits a part the way nsVersionComparator's ParseVP does, with strtol for numbers. */
    static Part parse(String s) {
      if (s.equals("*")) {
        return STAR;
      }
      int afterA = numberEnd(s, 0);
      BigInteger a = number(s, 0, afterA);
      if (afterA == s.length()) {
        return new Part(a, null, BigInteger.ZERO, null);
      }
      if (s.charAt(afterA) == '+') {
        // Whatever follows the '+' is ignored, as in the original.
        return new Part(a.add(BigInteger.ONE), "pre", BigInteger.ZERO, null);
      }
      int numStart = afterA;
      while (numStart < s.length() && "0123456789+-".indexOf(s.charAt(numStart)) < 0) {
        numStart++;
      }
      String b = s.substring(afterA, numStart);
      if (numStart == s.length()) {
        return new Part(a, b, BigInteger.ZERO, null);
      }
      int afterC = numberEnd(s, numStart);
      BigInteger c = number(s, numStart, afterC);
      return new Part(a, b, c, afterC == s.length() ? null : s.substring(afterC));
    }

    /**
     * Returns where an optionally signed decimal number starting at {@code from} ends, or {@code
     * from} when there is none (like strtol, a sign without digits is no number).
     */
    private static int numberEnd(String s, int from) {
      int i = from;
      if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      int digits = i;
      while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        i++;
      }
      return i == digits ? from : i;
    }

    private static BigInteger number(String s, int from, int to) {
      return from == to ? BigInteger.ZERO : new BigInteger(s.substring(from, to));
    }

    boolean isZero() {
      return equals(ZERO);
    }

    /**
     * Appends the one spelling that {@link #parse} reads back as this part. Every piece that can
     * be spelled more than one way is written in full, so that nothing depends on what follows:
     * {@code a} always (a lone {@code pre} is {@code 0pre}), and {@code c} whenever {@code d}
     * follows or {@code b} is empty (the empty {@code b} exists only before a {@code -}, so {@code
     * c} is then written with its sign, {@code -0} for zero).
     */
    void appendCanonical(StringBuilder sb) {
      if (numA == null) {
        sb.append('*');
        return;
      }
      sb.append(numA);
      if (strB == null) {
        return; // parse leaves c at 0 and d absent whenever b is absent
      }
      sb.append(strB);
      if (strB.isEmpty()) {
        // parse reads c from the '-' that ended a, so c <= 0 here.
        sb.append(numC.signum() == 0 ? "-0" : numC.toString());
      } else if (numC.signum() != 0 || extraD != null) {
        sb.append(numC);
      }
      if (extraD != null) {
        sb.append(extraD);
      }
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

    /** Null stands for {@code *}, which is greater than every number. */
    private static int compareNumber(BigInteger a, BigInteger b) {
      if (a == null || b == null) {
        return a == b ? 0 : a == null ? 1 : -1;
      }
      return a.compareTo(b);
    }

    /** Any string, even an empty one, sorts before no string. */
    private static int compareString(String a, String b) {
      if (a == null || b == null) {
        return a == b ? 0 : a == null ? 1 : -1;
      }
      return Integer.signum(a.compareTo(b));
    }
  }
}
