package dev.appupdate.protocol.catalog;

import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.Patch;
import dev.appupdate.protocol.Version;
import dev.appupdate.protocol.internal.Fields;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The value rules of a catalog, written once for two callers: the records' constructors, which
 * throw on the first problem, and the catalog reader, which collects every problem of a release.
 * A null value is skipped: the reader passes null for a value it already reported.
 */
final class Rules {
  private Rules() {}

  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  /** Receives one problem: the field's path within the release and a human message. */
  interface Sink {
    void problem(String field, String message);
  }

  /** A sink that throws {@link IllegalArgumentException} "field: message" on the first problem. */
  static final Sink THROW =
      (field, message) -> {
        throw new IllegalArgumentException(field + ": " + message);
      };

  static void release(
      String product,
      String updateType,
      String version,
      String url,
      HashFunction hashFunction,
      String hashValue,
      Long size,
      List<String> mirrors,
      Double rolloutPercent,
      Sink sink) {
    check(sink, "product", product == null ? null : Fields.name(product));
    check(sink, "update_type", updateType == null ? null : Fields.name(updateType));
    check(sink, "version", version == null ? null : Fields.version(version));
    check(sink, "url", url == null ? null : url(url));
    if (hashFunction != null && hashValue != null) {
      check(sink, "hash_value", Fields.hashValue(hashFunction, hashValue));
    }
    check(sink, "size", size == null ? null : Fields.size(size));
    if (mirrors != null) {
      for (int i = 0; i < mirrors.size(); i++) {
        String m = mirrors.get(i);
        String problem = m == null ? null : url(m);
        if (problem != null) {
          // The path only when needed: a large catalog has a mirror in most releases.
          sink.problem("mirrors[" + i + "]", problem);
        }
      }
    }
    check(sink, "rollout_percent", rolloutPercent == null ? null : percent(rolloutPercent));
  }

  /**
   * The values of one patch of a release; {@code prefix} such as {@code patches[0].}. Whether its
   * {@code from} release exists is checked with the whole catalog ({@link Catalog#build}).
   */
  static void patch(
      String prefix,
      String from,
      String format,
      String url,
      HashFunction hashFunction,
      String hashValue,
      Long size,
      Sink sink) {
    check(sink, prefix + "from", from == null ? null : Fields.version(from));
    if (format != null && !Patch.FORMATS.contains(format)) {
      sink.problem(
          prefix + "format",
          "must be a known patch format (" + String.join(", ", new TreeSet<>(Patch.FORMATS))
              + "), got " + Fields.quote(format));
    }
    check(sink, prefix + "url", url == null ? null : url(url));
    if (hashFunction != null && hashValue != null) {
      check(sink, prefix + "hash_value", Fields.hashValue(hashFunction, hashValue));
    }
    check(sink, prefix + "size", size == null ? null : Fields.size(size));
  }

  /**
   * The patches of one release against the release's own version: each from a lower version,
   * and no two with the same {@code from} and format. Versions must be valid.
   */
  static void patches(String version, List<ReleasePatch> patches, Sink sink) {
    if (patches.isEmpty()) {
      // Most releases: no version to parse.
      return;
    }
    Version v = Version.parse(version);
    for (int i = 0; i < patches.size(); i++) {
      ReleasePatch p = patches.get(i);
      Version from = Version.parse(p.from());
      if (from.compareTo(v) >= 0) {
        sink.problem(
            "patches[" + i + "].from",
            "must be a version below the release's " + version + ", got " + Fields.quote(p.from()));
      }
      for (int j = 0; j < i; j++) {
        ReleasePatch q = patches.get(j);
        if (q.format().equals(p.format()) && Version.parse(q.from()).equals(from)) {
          sink.problem(
              "patches[" + i + "]",
              "duplicates patches[" + j + "] (" + p.format() + " from " + q.from() + ")");
          break;
        }
      }
    }
  }

  static void match(
      String prefix,
      List<String> channels,
      List<String> platforms,
      List<String> locales,
      List<String> archs,
      String appVersion,
      String minOsVersion,
      Sink sink) {
    each(sink, prefix + "channels", channels, Rules::channelPattern);
    each(sink, prefix + "platforms", platforms, s -> Fields.text(s, Fields.MAX_NAME_LENGTH));
    each(sink, prefix + "locales", locales, Rules::localePattern);
    each(sink, prefix + "archs", archs, s -> Fields.text(s, Fields.MAX_NAME_LENGTH));
    if (appVersion != null) {
      check(sink, prefix + "app_version", VersionRange.check(appVersion));
    }
    if (minOsVersion != null) {
      check(sink, prefix + "min_os_version", Fields.version(minOsVersion));
    }
  }

  private static void each(
      Sink sink, String field, List<String> values, Function<String, String> rule) {
    if (values == null) {
      return;
    }
    for (int i = 0; i < values.size(); i++) {
      String v = values.get(i);
      if (v != null) {
        check(sink, field + "[" + i + "]", rule.apply(v));
      }
    }
  }

  private static void check(Sink sink, String field, String message) {
    if (message != null) {
      sink.problem(field, message);
    }
  }

  /**
   * An absolute http(s) URL valid as an offer's URL as written ({@link Fields#httpUrl}: printable
   * ASCII, a host that clients can connect to, no user information), or a relative reference: no
   * scheme, no authority, printable ASCII. A relative reference is resolved, and the result
   * checked, by {@link Matcher#create}.
   */
  static String url(String value) {
    return isPlainUrl(value) ? null : uriUrl(value);
  }

  /**
   * True for the shapes nearly every catalog URL has, which {@link #uriUrl} would accept, decided
   * without parsing a {@link URI}: a relative path of unreserved characters and {@code /} (not
   * starting with {@code //}), or {@code http://} or {@code https://}, a DNS name whose last label
   * starts with a letter, and an optional such path. False says nothing: the full check decides.
   */
  static boolean isPlainUrl(String value) {
    int n = value.length();
    if (n == 0 || n > Fields.MAX_URL_LENGTH) {
      return false;
    }
    int i;
    if (value.startsWith("https://")) {
      i = 8;
    } else if (value.startsWith("http://")) {
      i = 7;
    } else {
      return !value.startsWith("//") && isPlainPath(value, 0);
    }
    int labelStart = i;
    int lastLabelStart = i;
    for (; ; i++) {
      char c = i < n ? value.charAt(i) : '/';
      if (c == '.' || c == '/') {
        if (i == labelStart || value.charAt(labelStart) == '-' || value.charAt(i - 1) == '-') {
          return false;
        }
        lastLabelStart = labelStart;
        labelStart = i + 1;
        if (c == '/') {
          break;
        }
      } else if (!isLetterOrDigit(c) && c != '-') {
        return false;
      }
    }
    char first = value.charAt(lastLabelStart);
    return ((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z'))
        && (i >= n || isPlainPath(value, i));
  }

  /** RFC 3986 unreserved characters and {@code /} from {@code start} on. */
  private static boolean isPlainPath(String value, int start) {
    for (int i = start; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c >= 128 || !PLAIN_PATH[c]) {
        return false;
      }
    }
    return true;
  }

  private static boolean isLetterOrDigit(char c) {
    return c < 128 && LETTER_OR_DIGIT[c];
  }

  // Tables rather than chains of comparisons: these loops run over every URL of a large catalog.
  private static final boolean[] LETTER_OR_DIGIT = new boolean[128];
  private static final boolean[] PLAIN_PATH = new boolean[128];

  static {
    for (char c = 0; c < 128; c++) {
      LETTER_OR_DIGIT[c] =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      PLAIN_PATH[c] =
          LETTER_OR_DIGIT[c] || c == '/' || c == '.' || c == '-' || c == '_' || c == '~';
    }
  }

  /** {@link #url} by parsing a {@link URI}, for every value. */
  static String uriUrl(String value) {
    if (value.isEmpty()) {
      return "must not be empty";
    }
    if (value.length() > Fields.MAX_URL_LENGTH) {
      return "must be at most " + Fields.MAX_URL_LENGTH + " characters, got " + value.length();
    }
    String ascii = Fields.printableAscii(value);
    if (ascii != null) {
      return ascii;
    }
    if (value.startsWith("//")) {
      return "must be an absolute http or https URL or a relative path, got the host-relative "
          + Fields.quote(value);
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      return "must be a valid URL (" + e.getReason() + " at index " + e.getIndex() + "), got "
          + Fields.quote(value);
    }
    String scheme = uri.getScheme();
    if (scheme != null
        && !scheme.equalsIgnoreCase("http")
        && !scheme.equalsIgnoreCase("https")) {
      return "must be an absolute http or https URL or a relative path, got scheme "
          + Fields.quote(scheme) + " in " + Fields.quote(value);
    }
    if (scheme != null && uri.getRawAuthority() == null) {
      return "must name a host, got " + Fields.quote(value);
    }
    return Fields.httpUrlParts(uri);
  }

  /**
   * A rollout share in percent: 0 to 100 with at most {@value Rollout#PERCENT_DECIMALS} digits
   * after the decimal point, that is, the double nearest to such a decimal.
   */
  static String percent(double value) {
    if (!(value >= 0 && value <= 100)) {
      return "must be a number from 0 to 100, got " + formatPercent(value);
    }
    if (value == Math.rint(value)) {
      // A whole percent, such as the default 100, is exact without a BigDecimal.
      return null;
    }
    if (Rollout.exactPercent(value).doubleValue() != value) {
      return "must have at most " + Rollout.PERCENT_DECIMALS
          + " digits after the decimal point, got " + formatPercent(value);
    }
    return null;
  }

  /**
   * A rollout share in percent as written in a catalog, checked on its exact decimal value rather
   * than on the double it reads as.
   *
   * @param written the number as written, for messages
   */
  static String percent(BigDecimal value, String written) {
    if (value.signum() < 0 || value.compareTo(HUNDRED) > 0) {
      return "must be a number from 0 to 100, got " + written;
    }
    // The exponent is checked before stripTrailingZeros, whose cost grows with it.
    if (value.scale() - value.precision() >= Rollout.PERCENT_DECIMALS
        || value.stripTrailingZeros().scale() > Rollout.PERCENT_DECIMALS) {
      return value.signum() == 0
          ? null
          : "must have at most " + Rollout.PERCENT_DECIMALS
              + " digits after the decimal point, got " + written;
    }
    return null;
  }

  /** The {@code max_failure_rate} of a halt threshold: from 0 (inclusive) to 1 (exclusive). */
  static String maxFailureRate(double value) {
    if (!(value >= 0 && value < 1)) {
      return "must be a number from 0 (inclusive) to 1 (exclusive), got " + value;
    }
    return null;
  }

  /** The {@code min_reports} of a halt threshold: 1 to {@link HaltThreshold#MAX_MIN_REPORTS}. */
  static String minReports(long value) {
    if (value < 1 || value > HaltThreshold.MAX_MIN_REPORTS) {
      return "must be an integer from 1 to " + HaltThreshold.MAX_MIN_REPORTS + ", got " + value;
    }
    return null;
  }

  /** A channel name, or a name prefix followed by '*', or '*' alone. */
  static String channelPattern(String value) {
    if (value.equals("*")) {
      return null;
    }
    boolean glob = value.endsWith("*");
    String name = glob ? value.substring(0, value.length() - 1) : value;
    String problem = Fields.name(name);
    if (problem != null) {
      return "must be a channel name or a name followed by * (such as beta*), got "
          + Fields.quote(value);
    }
    return null;
  }

  /** {@code *}, a language tag such as {@code en-US}, or a tag followed by {@code -*}. */
  static String localePattern(String value) {
    if (value.equals("*")) {
      return null;
    }
    String tag = value.endsWith("-*") ? value.substring(0, value.length() - 2) : value;
    if (Fields.locale(tag) != null) {
      return "must be a language tag such as de or en-US, a tag followed by -* (such as en-*),"
          + " or *, got " + Fields.quote(value);
    }
    return null;
  }

  /** Formats a percentage without a needless fraction: 25, 12.5, 0.01. */
  static String formatPercent(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return Double.toString(value);
    }
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }
}
