package dev.appupdate.client;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.HashFunction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;

/**
 * Names of the files a download creates in the target directory. The final name comes from the
 * update type and version only, never from a URL: a URL's last segment is chosen by whoever runs
 * the server or the mirror, and could be {@code ..}, a reserved device name or an executable
 * extension.
 */
final class FileNames {
  /** Keeps names well below the 255-byte limit of common file systems, with room for affixes. */
  private static final int MAX_LENGTH = 120;

  /** A dash and 8 hex digits. */
  private static final int SUFFIX_LENGTH = 9;

  /** Names Windows reserves for devices, with or without an extension. */
  private static final Set<String> WINDOWS_DEVICES =
      Set.of(
          "con", "prn", "aux", "nul", "com0", "com1", "com2", "com3", "com4", "com5", "com6",
          "com7", "com8", "com9", "lpt0", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7",
          "lpt8", "lpt9");

  private FileNames() {}

  /**
   * Returns {@code <update_type>-<version>-<hash>}: the update type and version with every
   * character outside {@code [A-Za-z0-9._+-]} replaced by {@code _} (shortened when long), then 8
   * hex digits of the SHA-256 of {@code update_type \0 version}. The hash keeps distinct pairs
   * apart even where the readable part does not: {@code ("dict", "en-1.0")} and {@code ("dict-en",
   * "1.0")}, versions that differ only in replaced characters, or names that differ only in case
   * on a case-insensitive file system. A name whose first dot-separated part is a Windows device
   * name ({@code aux}, {@code nul.txt}, ...) gets a leading {@code _}.
   */
  static String finalName(AvailableUpdate update) {
    return finalName(update.updateType(), update.version());
  }

  /** {@link #finalName(AvailableUpdate)} of an offer of {@code updateType} and {@code version}. */
  static String finalName(String updateType, String version) {
    String raw = updateType + "-" + version;
    StringBuilder sb = new StringBuilder(raw.length() + SUFFIX_LENGTH + 1);
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '+'
              || c == '-';
      sb.append(ok ? c : '_');
    }
    int dot = sb.indexOf(".");
    String first = (dot < 0 ? sb.toString() : sb.substring(0, dot)).toLowerCase(Locale.ROOT);
    if (WINDOWS_DEVICES.contains(first)) {
      sb.insert(0, '_');
    }
    if (sb.length() > MAX_LENGTH - SUFFIX_LENGTH) {
      sb.setLength(MAX_LENGTH - SUFFIX_LENGTH);
    }
    byte[] digest =
        HashFunction.SHA256
            .newDigest()
            .digest(
                (updateType + "\0" + version).getBytes(StandardCharsets.UTF_8));
    // Ending in hex digits also means never ending in a dot, which Windows would drop.
    return sb.append('-').append(HexFormat.of().formatHex(digest, 0, 4)).toString();
  }

  /** The verified patch file of an update while the update is rebuilt from it. */
  static String patchName(String finalName) {
    return "." + finalName + ".patch";
  }

  /** The file a patch is applied into, moved to the final name once verified. */
  static String rebuiltName(String finalName) {
    return "." + finalName + ".rebuilt";
  }

  /** The partial file an interrupted download leaves for resuming. */
  static String partName(String finalName) {
    return "." + finalName + ".part";
  }

  /** The sidecar beside the partial file: which bytes it holds and how to resume them. */
  static String metaName(String finalName) {
    return "." + finalName + ".part.meta";
  }

  /** The file whose lock one download holds from start to end; removed when it ends. */
  static String lockName(String finalName) {
    return "." + finalName + ".lock";
  }
}
