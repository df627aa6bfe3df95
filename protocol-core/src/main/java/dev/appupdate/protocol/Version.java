package dev.appupdate.protocol;

import dev.appupdate.protocol.internal.Fields;
import java.math.BigInteger;
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

  /**
   * Stands for {@code *} in {@link #wide}; recognised by identity. Its value lies inside the
   * long range, where no other wide number does, so it never equals one.
   */
  private static final BigInteger STAR = new BigInteger("0");

  private final String text;
  /**
   * How many parts count: trailing zero parts are left out, so that equal versions have equal
   * contents (1.0 == 1.0.0). The arrays may be longer; slots past {@code 2 * size} are ignored.
   */
  private final int size;
  /**
   * Two numbers per part, {@code a} then {@code c}. A number outside the long range, and {@code
   * *}, is held here saturated to {@link Long#MIN_VALUE} or {@link Long#MAX_VALUE}, so that
   * comparing these alone orders every pair of numbers that differ in them.
   */
  private final long[] numbers;
  /**
   * Per number slot, the exact value of a saturated number ({@link #STAR} for {@code *}), else
   * null; the whole array is null when no number needs it. A value that fits a long is never
   * held here, so each number has one representation and equals can compare slots.
   */
  private final BigInteger[] wide;
  /**
   * Two strings per part, {@code b} then {@code d}, null when absent, which is not the same as
   * empty: a part such as {@code 1-1} has an empty, present {@code b}. The whole array is null
   * when no part has one.
   */
  private final String[] strings;
  /**
   * Per string slot, its first {@value #KEY_CHARS} characters as one unsigned number, first
   * character highest, missing characters 0; null when {@link #strings} is. Version strings are
   * printable ASCII, never 0, so comparing these orders strings as {@code String.compareTo} does
   * (a prefix before its extensions), and equal keys of strings of at most {@value #KEY_CHARS}
   * characters mean equal strings.
   */
  private final long[] stringKeys;

  private static final int KEY_CHARS = 8;

  private Version(String text, int size, long[] numbers, BigInteger[] wide, String[] strings) {
    this.text = text;
    this.size = size;
    this.numbers = numbers;
    this.wide = wide;
    this.strings = strings;
    if (strings == null) {
      this.stringKeys = null;
    } else {
      stringKeys = new long[strings.length];
      for (int slot = 0; slot < strings.length; slot++) {
        String str = strings[slot];
        if (str != null) {
          long key = 0;
          for (int i = 0; i < KEY_CHARS; i++) {
            key = key << 8 | (i < str.length() ? str.charAt(i) : 0);
          }
          stringKeys[slot] = key;
        }
      }
    }
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
    String problem = Fields.version(text);
    if (problem != null) {
      throw new IllegalArgumentException("version " + problem);
    }
    int partCount = 1;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '.') {
        partCount++;
      }
    }
    long[] numbers = new long[2 * partCount];
    BigInteger[] wide = null;
    String[] strings = null;
    int size = 0;
    int start = 0;
    // Splits each part the way nsVersionComparator's ParseVP does, with strtol for numbers.
    for (int p = 0; p < partCount; p++) {
      int end = text.indexOf('.', start);
      if (end < 0) {
        end = text.length();
      }
      int a = 2 * p;
      int c = a + 1;
      BigInteger wideA = null;
      BigInteger wideC = null;
      if (end - start == 1 && text.charAt(start) == '*') {
        numbers[a] = Long.MAX_VALUE;
        wideA = STAR;
      } else {
        int afterA = numberEnd(text, start, end);
        wideA = number(text, start, afterA, numbers, a);
        if (afterA < end) {
          if (strings == null) {
            strings = new String[numbers.length];
          }
          if (text.charAt(afterA) == '+') {
            // N+ is (N+1)pre; whatever follows the '+' is ignored, as in the original.
            if (wideA == null && numbers[a] != Long.MAX_VALUE) {
              numbers[a]++;
            } else {
              BigInteger n = wideA == null ? BigInteger.valueOf(numbers[a]) : wideA;
              wideA = store(n.add(BigInteger.ONE), numbers, a);
            }
            strings[a] = "pre";
          } else {
            int numStart = afterA;
            while (numStart < end && !startsNumber(text.charAt(numStart))) {
              numStart++;
            }
            strings[a] = text.substring(afterA, numStart);
            if (numStart < end) {
              int afterC = numberEnd(text, numStart, end);
              wideC = number(text, numStart, afterC, numbers, c);
              if (afterC < end) {
                strings[c] = text.substring(afterC, end);
              }
            }
          }
        }
      }
      if (wideA != null || wideC != null) {
        if (wide == null) {
          wide = new BigInteger[numbers.length];
        }
        wide[a] = wideA;
        wide[c] = wideC;
      }
      boolean zero =
          numbers[a] == 0
              && numbers[c] == 0
              && (strings == null || (strings[a] == null && strings[c] == null));
      if (!zero) {
        size = p + 1;
      }
      start = end + 1;
    }
    return new Version(text, size, numbers, wide, strings);
  }

  /** The characters strpbrk looks for after a part's string: a digit or a sign. */
  private static boolean startsNumber(char ch) {
    return (ch >= '0' && ch <= '9') || ch == '+' || ch == '-';
  }

  /**
   * Returns where an optionally signed decimal number starting at {@code from} ends, or {@code
   * from} when there is none (like strtol, a sign without digits is no number).
   */
  private static int numberEnd(String s, int from, int to) {
    int i = from;
    if (i < to && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
      i++;
    }
    int digits = i;
    while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    return i == digits ? from : i;
  }

  /**
   * Reads the number in {@code s[from, to)} (0 when empty) into {@code numbers[slot]}; returns
   * its exact value when it does not fit a long, else null.
   */
  private static BigInteger number(String s, int from, int to, long[] numbers, int slot) {
    if (from == to) {
      numbers[slot] = 0;
      return null;
    }
    int i = from;
    boolean negative = s.charAt(i) == '-';
    if (negative || s.charAt(i) == '+') {
      i++;
    }
    while (i < to - 1 && s.charAt(i) == '0') {
      i++;
    }
    // 18 digits always fit a long; longer runs take the exact path and come back if they fit.
    if (to - i <= 18) {
      long value = 0;
      for (; i < to; i++) {
        value = value * 10 + (s.charAt(i) - '0');
      }
      numbers[slot] = negative ? -value : value;
      return null;
    }
    return store(new BigInteger(s.substring(from, to)), numbers, slot);
  }

  /**
   * Puts {@code n} into {@code numbers[slot]} when it fits a long and returns null; else puts it
   * there saturated and returns it, to be kept in {@link #wide}.
   */
  private static BigInteger store(BigInteger n, long[] numbers, int slot) {
    if (n.bitLength() < Long.SIZE) {
      numbers[slot] = n.longValue();
      return null;
    }
    numbers[slot] = n.signum() > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    return n;
  }

  /** The number in {@code slot}, saturated; 0 past the counted parts. */
  private long number(int slot) {
    return slot < 2 * size ? numbers[slot] : 0;
  }

  /** The exact value of a saturated number in {@code slot}, or null when it fits a long. */
  private BigInteger wide(int slot) {
    return wide == null || slot >= 2 * size ? null : wide[slot];
  }

  /** The string in {@code slot}, or null when absent. */
  private String string(int slot) {
    return strings == null || slot >= 2 * size ? null : strings[slot];
  }

  /**
   * Compares by the Mozilla rules: negative if this version is older than {@code other}, zero if
   * they order equal, positive if this one is newer.
   */
  @Override
  public int compareTo(Version other) {
    int n = 2 * Math.max(size, other.size);
    // Slots alternate number, string: a, b, c, d of each part in turn.
    for (int slot = 0; slot < n; slot++) {
      int c = compareNumber(other, slot);
      if (c != 0) {
        return c;
      }
      c = compareString(other, slot);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  private int compareNumber(Version other, int slot) {
    long x = number(slot);
    long y = other.number(slot);
    if (x != y) {
      return x < y ? -1 : 1;
    }
    if (x != Long.MAX_VALUE && x != Long.MIN_VALUE) {
      return 0;
    }
    // Saturated on both sides: the exact values decide.
    BigInteger a = wide(slot);
    BigInteger b = other.wide(slot);
    if (a == b) {
      return 0;
    }
    if (a == STAR || b == STAR) {
      return a == STAR ? 1 : -1;
    }
    return (a == null ? BigInteger.valueOf(x) : a).compareTo(b == null ? BigInteger.valueOf(y) : b);
  }

  /**
   * Any string, even an empty one, sorts before no string; strings order by character code, a
   * prefix before its extensions, as {@code String.compareTo} orders them. Compared by the
   * precomputed {@link #stringKeys} rather than by {@code String.compareTo}: some JITs (C2 on JDK
   * 25) leave {@code String.compareTo} as an out-of-line call here, which costs more than the
   * comparison; only strings that agree in their first {@value #KEY_CHARS} characters need more.
   */
  private int compareString(Version other, int slot) {
    String a = string(slot);
    String b = other.string(slot);
    if (a == null || b == null) {
      return a == b ? 0 : a == null ? 1 : -1;
    }
    long x = stringKeys[slot];
    long y = other.stringKeys[slot];
    if (x != y) {
      return Long.compareUnsigned(x, y) < 0 ? -1 : 1;
    }
    if (a.length() <= KEY_CHARS && b.length() <= KEY_CHARS) {
      return 0;
    }
    int n = Math.min(a.length(), b.length());
    for (int i = KEY_CHARS; i < n; i++) {
      char p = a.charAt(i);
      char q = b.charAt(i);
      if (p != q) {
        return p < q ? -1 : 1;
      }
    }
    return Integer.compare(a.length(), b.length());
  }

  /**
   * Returns true if {@code other} is a version that orders equal to this one, even when written
   * differently ({@code 1.0} and {@code 1.0.0}).
   */
  @Override
  public boolean equals(Object other) {
    if (!(other instanceof Version)) {
      return false;
    }
    Version v = (Version) other;
    if (size != v.size) {
      return false;
    }
    for (int slot = 0; slot < 2 * size; slot++) {
      if (numbers[slot] != v.numbers[slot]
          || !Objects.equals(wide(slot), v.wide(slot))
          || !Objects.equals(string(slot), v.string(slot))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = size;
    for (int slot = 0; slot < 2 * size; slot++) {
      h = 31 * h + Long.hashCode(numbers[slot]);
      h = 31 * h + Objects.hashCode(wide(slot));
      h = 31 * h + Objects.hashCode(string(slot));
    }
    return h;
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
   *
   * @return one spelling shared by all versions equal to this one
   */
  public String canonical() {
    if (size == 0) {
      return "0";
    }
    StringBuilder sb = new StringBuilder(text.length() + 4);
    for (int p = 0; p < size; p++) {
      if (p > 0) {
        sb.append('.');
      }
      appendCanonical(sb, 2 * p);
    }
    return sb.toString();
  }

  /**
   * Appends the one spelling that {@link #parse} reads back as the part whose {@code a} is in
   * {@code slot}. Every piece that can be spelled more than one way is written in full, so that
   * nothing depends on what follows: {@code a} always (a lone {@code pre} is {@code 0pre}), and
   * {@code c} whenever {@code d} follows or {@code b} is empty (the empty {@code b} exists only
   * before a {@code -}, so {@code c} is then written with its sign, {@code -0} for zero).
   */
  private void appendCanonical(StringBuilder sb, int slot) {
    if (wide(slot) == STAR) {
      sb.append('*');
      return;
    }
    appendNumber(sb, slot);
    String b = string(slot);
    if (b == null) {
      return; // parse leaves c at 0 and d absent whenever b is absent
    }
    sb.append(b);
    String d = string(slot + 1);
    if (b.isEmpty()) {
      // parse reads c from the '-' that ended a, so c <= 0 here.
      if (number(slot + 1) == 0) {
        sb.append("-0");
      } else {
        appendNumber(sb, slot + 1);
      }
    } else if (number(slot + 1) != 0 || d != null) {
      appendNumber(sb, slot + 1);
    }
    if (d != null) {
      sb.append(d);
    }
  }

  private void appendNumber(StringBuilder sb, int slot) {
    BigInteger exact = wide(slot);
    if (exact != null) {
      sb.append(exact);
    } else {
      sb.append(number(slot));
    }
  }
}
