package dev.appupdate.protocol.catalog;

import dev.appupdate.protocol.Version;
import dev.appupdate.protocol.internal.Fields;
import java.util.ArrayList;
import java.util.List;

/**
 * A compiled {@code app_version} range: space-separated comparators that must all hold. Each
 * comparator is {@code <v}, {@code <=v}, {@code >v}, {@code >=v}, {@code =v}, a bare {@code v}
 * (equality, by {@link Version} ordering, so {@code 1.0} equals {@code 1}), or a prefix {@code
 * p.*}: the version's first parts equal the parts of {@code p} ({@code 1.*} holds for {@code 1},
 * {@code 1.0pre1} and {@code 1.99.3}, not for {@code 2.0pre1}). Immutable.
 *
 * <p>Strict, because a range written in another syntax (npm's {@code ^1.0}, {@code 1.x}, {@code
 * >=1.0 || <0.5}, {@code 1.0 - 2.0}) would otherwise load and quietly match nothing: every
 * version starts with a digit, or a sign and a digit; {@code *} appears only as the last part of a
 * bare prefix; no part is {@code x}; and no token holds {@code ^ ~ ! | ,} or a backquote.
 */
final class VersionRange {
  private static final int LT = 0;
  private static final int LE = 1;
  private static final int GT = 2;
  private static final int GE = 3;
  private static final int EQ = 4;
  private static final int PREFIX = 5;

  private final String text;
  private final int[] ops;
  private final Version[] versions;
  /** For a {@link #PREFIX} comparator, how many dot-separated parts its version has. */
  private final int[] prefixParts;

  private VersionRange(String text, int[] ops, Version[] versions, int[] prefixParts) {
    this.text = text;
    this.ops = ops;
    this.versions = versions;
    this.prefixParts = prefixParts;
  }

  /**
   * Compiles a range.
   *
   * @throws IllegalArgumentException with a message that completes "app_version: ..."
   */
  static VersionRange parse(String text) {
    List<String> tokens = tokens(text);
    if (tokens.isEmpty()) {
      throw new IllegalArgumentException(
          "must hold at least one comparator, such as \">=1.0 <2.0\", \"=1.2\" or \"1.*\"");
    }
    int n = tokens.size();
    int[] ops = new int[n];
    Version[] versions = new Version[n];
    int[] prefixParts = new int[n];
    for (int i = 0; i < n; i++) {
      String token = tokens.get(i);
      if (token.equals("-") || indexOfAny(token, FOREIGN) >= 0) {
        throw notAComparator(token);
      }
      int op;
      String v;
      if (token.startsWith(">=") || token.startsWith("<=")) {
        op = token.charAt(0) == '>' ? GE : LE;
        v = token.substring(2);
      } else if (token.startsWith(">") || token.startsWith("<") || token.startsWith("=")) {
        op = token.charAt(0) == '>' ? GT : token.charAt(0) == '<' ? LT : EQ;
        v = token.substring(1);
      } else if (token.endsWith(".*")) {
        op = PREFIX;
        v = token.substring(0, token.length() - 2);
        if (v.isEmpty()) {
          throw new IllegalArgumentException(
              Fields.quote(token) + " has no version before .*, such as 1.*");
        }
        prefixParts[i] = parts(v);
      } else {
        op = EQ;
        v = token;
      }
      if (v.isEmpty()) {
        throw new IllegalArgumentException(
            "comparator " + Fields.quote(token) + " has no version; write it without a space,"
                + " such as " + Fields.quote(token + "1.0"));
      }
      if (v.equals("*")) {
        throw new IllegalArgumentException(
            Fields.quote(token) + " is not a range; leave out app_version to match every version");
      }
      if (indexOfAny(v, "<>=") >= 0) {
        throw notAComparator(token);
      }
      if (!startsWithNumber(v)) {
        throw new IllegalArgumentException(
            Fields.quote(token) + ": the version must start with a digit, such as 1.0, got "
                + Fields.quote(v));
      }
      if (v.indexOf('*') >= 0) {
        throw new IllegalArgumentException(
            Fields.quote(token) + ": * is allowed only as the last part of a prefix without an"
                + " operator, such as 1.*");
      }
      if (hasPart(v, "x") || hasPart(v, "X")) {
        throw new IllegalArgumentException(
            Fields.quote(token) + ": x is no wildcard here; write a prefix such as 1.*");
      }
      try {
        versions[i] = Version.parse(v);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(Fields.quote(token) + ": " + e.getMessage(), e);
      }
      ops[i] = op;
    }
    return new VersionRange(text, ops, versions, prefixParts);
  }

  /** Characters of other range syntaxes (npm, Maven, Python), which a comparator never holds. */
  private static final String FOREIGN = "^~!|,`";

  private static IllegalArgumentException notAComparator(String token) {
    return new IllegalArgumentException(
        Fields.quote(token) + " is not a comparator; use <, <=, >, >=, = or nothing before a"
            + " version, or a prefix such as 1.*");
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /** A digit, or a sign followed by a digit. */
  private static boolean startsWithNumber(String v) {
    int i = v.charAt(0) == '+' || v.charAt(0) == '-' ? 1 : 0;
    return i < v.length() && v.charAt(i) >= '0' && v.charAt(i) <= '9';
  }

  /** Returns true if one of the dot-separated parts of {@code v} is exactly {@code part}. */
  private static boolean hasPart(String v, String part) {
    int start = 0;
    while (start <= v.length()) {
      int dot = v.indexOf('.', start);
      int end = dot < 0 ? v.length() : dot;
      if (v.regionMatches(start, part, 0, part.length()) && end - start == part.length()) {
        return true;
      }
      start = end + 1;
    }
    return false;
  }

  /** Returns null when {@code text} is a valid range, else the message {@link #parse} throws. */
  static String check(String text) {
    try {
      parse(text);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  private static List<String> tokens(String text) {
    List<String> tokens = new ArrayList<>(2);
    int i = 0;
    int n = text.length();
    while (i < n) {
      while (i < n && text.charAt(i) == ' ') {
        i++;
      }
      int start = i;
      while (i < n && text.charAt(i) != ' ') {
        i++;
      }
      if (i > start) {
        tokens.add(text.substring(start, i));
      }
    }
    return tokens;
  }

  private static int parts(String version) {
    int count = 1;
    for (int i = 0; i < version.length(); i++) {
      if (version.charAt(i) == '.') {
        count++;
      }
    }
    return count;
  }

  /** Returns true if every comparator holds for the query's application version. */
  boolean contains(Query query) {
    Version v = query.appVersion();
    for (int i = 0; i < ops.length; i++) {
      boolean holds;
      switch (ops[i]) {
        case LT:
          holds = v.compareTo(versions[i]) < 0;
          break;
        case LE:
          holds = v.compareTo(versions[i]) <= 0;
          break;
        case GT:
          holds = v.compareTo(versions[i]) > 0;
          break;
        case GE:
          holds = v.compareTo(versions[i]) >= 0;
          break;
        case EQ:
          holds = v.compareTo(versions[i]) == 0;
          break;
        default:
          holds = query.appVersionPrefix(prefixParts[i]).compareTo(versions[i]) == 0;
          break;
      }
      if (!holds) {
        return false;
      }
    }
    return true;
  }

  /** Returns the range as written in the catalog. */
  @Override
  public String toString() {
    return text;
  }
}
