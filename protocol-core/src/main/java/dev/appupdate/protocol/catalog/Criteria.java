package dev.appupdate.protocol.catalog;

import dev.appupdate.protocol.UpdateRequest;
import dev.appupdate.protocol.Version;
import dev.appupdate.protocol.internal.Fields;
import java.util.List;
import java.util.Map;

/**
 * A {@link Match} compiled for matching: globs split from exact names, the version range parsed.
 * Checking a request allocates nothing. Immutable.
 */
final class Criteria {
  /**
   * The most characters of catalog text (a match list, a range) one reason quotes. With the
   * request's own values (a version or os_version of at most 256 characters, a name of at most
   * 128) a reason stays well below the protocol's 1,024-character limit on text.
   */
  static final int MAX_QUOTED = 400;

  static final int MATCHES = 0;
  static final int CHANNEL = 1;
  static final int PLATFORM = 2;
  static final int LOCALE = 3;
  static final int ARCH = 4;
  static final int APP_VERSION = 5;
  static final int OS_VERSION = 6;

  private final Match match;
  private final String[] channels;
  private final boolean[] channelIsPrefix;
  private final String[] platforms;
  private final String[] locales;
  private final boolean[] localeIsPrefix;
  private final boolean anyLocale;
  private final String[] archs;
  private final VersionRange appVersion;
  private final Version minOsVersion;

  /**
   * @param ranges compiled ranges by text, shared across a catalog, since most releases of a
   *     product repeat the same few ranges
   */
  Criteria(Match match, Map<String, VersionRange> ranges) {
    this.match = match;
    int n = match.channels().size();
    channels = new String[n];
    channelIsPrefix = new boolean[n];
    for (int i = 0; i < n; i++) {
      String c = match.channels().get(i);
      channelIsPrefix[i] = c.endsWith("*");
      channels[i] = channelIsPrefix[i] ? c.substring(0, c.length() - 1) : c;
    }
    platforms = match.platforms().toArray(new String[0]);
    n = match.locales().size();
    locales = new String[n];
    localeIsPrefix = new boolean[n];
    boolean any = false;
    for (int i = 0; i < n; i++) {
      String l = match.locales().get(i);
      any |= l.equals("*");
      localeIsPrefix[i] = l.endsWith("-*");
      locales[i] = localeIsPrefix[i] ? l.substring(0, l.length() - 2) : l;
    }
    anyLocale = n == 0 || any;
    archs = match.archs().toArray(new String[0]);
    appVersion =
        match.appVersion() == null
            ? null
            : ranges.computeIfAbsent(match.appVersion(), VersionRange::parse);
    minOsVersion = match.minOsVersion() == null ? null : Version.parse(match.minOsVersion());
  }

  /** Returns {@link #MATCHES}, or the code of the first key the request fails. */
  int check(Query query) {
    UpdateRequest r = query.request();
    if (channels.length > 0 && !channel(r.channel())) {
      return CHANNEL;
    }
    if (platforms.length > 0 && !anyIgnoreCase(platforms, r.platform())) {
      return PLATFORM;
    }
    if (!anyLocale && !locale(r.locale())) {
      return LOCALE;
    }
    if (archs.length > 0 && (r.arch() == null || !anyIgnoreCase(archs, r.arch()))) {
      return ARCH;
    }
    if (appVersion != null && !appVersion.contains(query)) {
      return APP_VERSION;
    }
    if (minOsVersion != null
        && (query.osVersion() == null || query.osVersion().compareTo(minOsVersion) < 0)) {
      return OS_VERSION;
    }
    return MATCHES;
  }

  private boolean channel(String channel) {
    for (int i = 0; i < channels.length; i++) {
      if (channelIsPrefix[i] ? channel.startsWith(channels[i]) : channel.equals(channels[i])) {
        return true;
      }
    }
    return false;
  }

  private boolean locale(String tag) {
    for (int i = 0; i < locales.length; i++) {
      String l = locales[i];
      if (tag.equalsIgnoreCase(l)) {
        return true;
      }
      if (localeIsPrefix[i]
          && tag.length() > l.length()
          && tag.charAt(l.length()) == '-'
          && tag.regionMatches(true, 0, l, 0, l.length())) {
        return true;
      }
    }
    return false;
  }

  private static boolean anyIgnoreCase(String[] values, String value) {
    for (String v : values) {
      if (v.equalsIgnoreCase(value)) {
        return true;
      }
    }
    return false;
  }

  /** Explains a code {@link #check} returned, for example {@code channel beta not in [release]}. */
  String reason(int code, Query query) {
    UpdateRequest r = query.request();
    switch (code) {
      case CHANNEL:
        return "channel " + r.channel() + " not in " + list(match.channels());
      case PLATFORM:
        return "platform " + r.platform() + " not in " + list(match.platforms());
      case LOCALE:
        return "locale " + r.locale() + " not in " + list(match.locales());
      case ARCH:
        return r.arch() == null
            ? "no arch given; release needs one of " + list(match.archs())
            : "arch " + r.arch() + " not in " + list(match.archs());
      case APP_VERSION:
        return "app_version " + r.version() + " outside "
            + Fields.clean(match.appVersion(), MAX_QUOTED);
      case OS_VERSION:
        return r.osVersion() == null
            ? "no os_version given; release needs min_os_version " + match.minOsVersion()
            : "os_version " + r.osVersion() + " below min_os_version " + match.minOsVersion();
      default:
        throw new IllegalArgumentException("no reason for code " + code);
    }
  }

  /**
   * Writes {@code values} as {@code [a, b, c]}, or, once that would pass {@value #MAX_QUOTED}
   * characters, as {@code [a, b, ... and 57 more]}: an explanation's reason must stay within the
   * 1,024 characters a decoder accepts as text, however long a release's match lists are. The
   * first value is always written (at most 129 characters, by the catalog's rules).
   */
  static String list(List<String> values) {
    StringBuilder sb = new StringBuilder("[");
    int n = values.size();
    for (int i = 0; i < n; i++) {
      String v = values.get(i);
      if (i > 0) {
        if (sb.length() + ", ".length() + v.length() > MAX_QUOTED) {
          return sb.append(", ... and ").append(n - i).append(" more]").toString();
        }
        sb.append(", ");
      }
      sb.append(v);
    }
    return sb.append(']').toString();
  }
}
