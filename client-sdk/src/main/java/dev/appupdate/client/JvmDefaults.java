package dev.appupdate.client;

import dev.appupdate.protocol.UpdateRequest;
import java.util.Locale;

/** The platform and locale of this JVM, for {@link UpdateClient#jvmRequest}. */
final class JvmDefaults {
  private JvmDefaults() {}

  /** A request builder with this JVM's platform and locale. */
  static UpdateRequest.Builder request(String product, String version) {
    return UpdateRequest.builder(
        product, version, platform(System.getProperty("os.name")), locale(Locale.getDefault()));
  }

  /**
   * Maps the {@code os.name} system property: {@code Mac OS X}, {@code macOS}, {@code Darwin} to
   * {@code macOS}; {@code Windows ...} to {@code Windows}; {@code Linux} to {@code Linux}; any
   * other name is sent as it is (for example {@code FreeBSD}), and a missing one as {@code
   * unknown}.
   */
  static String platform(String osName) {
    if (osName == null || osName.isBlank()) {
      return "unknown";
    }
    String name = osName.strip();
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.startsWith("mac") || lower.startsWith("darwin")) {
      return "macOS";
    }
    if (lower.startsWith("windows")) {
      return "Windows";
    }
    if (lower.startsWith("linux")) {
      return "Linux";
    }
    String cleaned = Reasons.clean(name);
    return cleaned.length() <= 128 ? cleaned : cleaned.substring(0, 128);
  }

  /**
   * Returns the BCP 47 tag of {@code locale}; when the protocol refuses it (it may be longer than
   * 64 characters), the language alone; failing that {@code und} (undetermined).
   */
  static String locale(Locale locale) {
    String tag = locale.toLanguageTag();
    if (acceptable(tag)) {
      return tag;
    }
    String language = locale.getLanguage();
    return acceptable(language) ? language : "und";
  }

  private static boolean acceptable(String tag) {
    try {
      // The request's own validation is the one rule for locales.
      UpdateRequest.of("probe", "1", "probe", tag);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
