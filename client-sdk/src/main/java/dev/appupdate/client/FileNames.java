package dev.appupdate.client;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.HashFunction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Names of the files a download creates in the target directory. The final name comes from the
 * update type and version only, never from a URL: a URL's last segment is chosen by whoever runs
 * the server or the mirror, and could be {@code ..}, a reserved device name or an executable
 * extension.
 */
final class FileNames {
  /** Keeps names well below the 255-byte limit of common file systems, with room for affixes. */
  private static final int MAX_LENGTH = 120;

  private FileNames() {}

  /**
   * Returns {@code <update_type>-<version>} with every character outside {@code [A-Za-z0-9._+-]}
   * replaced by {@code _}. When anything had to be replaced or shortened, an 8-digit hash of the
   * original pair is appended so that distinct versions keep distinct names.
   */
  static String finalName(AvailableUpdate update) {
    String raw = update.updateType() + "-" + update.version();
    StringBuilder sb = new StringBuilder(raw.length());
    boolean changed = false;
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
      changed |= !ok;
    }
    // Windows drops a trailing dot, which would make two names collide.
    if (sb.charAt(sb.length() - 1) == '.') {
      sb.setCharAt(sb.length() - 1, '_');
      changed = true;
    }
    if (sb.length() > MAX_LENGTH) {
      sb.setLength(MAX_LENGTH - 9);
      changed = true;
    }
    if (changed) {
      byte[] digest =
          HashFunction.SHA256
              .newDigest()
              .digest(
                  (update.updateType() + "\0" + update.version()).getBytes(StandardCharsets.UTF_8));
      sb.append('-').append(HexFormat.of().formatHex(digest, 0, 4));
    }
    return sb.toString();
  }

  /** The partial file an interrupted download leaves for resuming. */
  static String partName(String finalName) {
    return "." + finalName + ".part";
  }

  /** The sidecar beside the partial file: which bytes it holds and how to resume them. */
  static String metaName(String finalName) {
    return "." + finalName + ".part.meta";
  }
}
