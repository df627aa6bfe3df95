package dev.appupdate.protocol.catalog;

import dev.appupdate.protocol.UpdateRequest;
import dev.appupdate.protocol.Version;
import java.nio.charset.StandardCharsets;

/**
 * One update request prepared for matching: its versions parsed once rather than once per
 * release. Confined to the thread answering the request.
 */
final class Query {
  private static final Version ZERO = Version.parse("0");

  private final UpdateRequest request;
  private final Version appVersion;
  private final Version osVersion;
  private Version[] prefixes;
  private byte[] installationIdBytes;

  Query(UpdateRequest request) {
    this.request = request;
    this.appVersion = Version.parse(request.version());
    this.osVersion = request.osVersion() == null ? null : Version.parse(request.osVersion());
  }

  UpdateRequest request() {
    return request;
  }

  /** Returns the UTF-8 bytes of the installation id, or null when the request gave none. */
  byte[] installationIdBytes() {
    if (installationIdBytes == null && request.installationId() != null) {
      installationIdBytes = request.installationId().getBytes(StandardCharsets.UTF_8);
    }
    return installationIdBytes;
  }

  Version appVersion() {
    return appVersion;
  }

  /** Returns the operating system version, or null when the request gave none. */
  Version osVersion() {
    return osVersion;
  }

  /**
   * Returns the application version cut to its first {@code parts} dot-separated parts; a version
   * with fewer parts is returned whole, since missing parts are 0.
   */
  Version appVersionPrefix(int parts) {
    if (prefixes == null || prefixes.length <= parts) {
      Version[] grown = new Version[Math.max(parts + 1, 4)];
      if (prefixes != null) {
        System.arraycopy(prefixes, 0, grown, 0, prefixes.length);
      }
      prefixes = grown;
    }
    Version cached = prefixes[parts];
    if (cached == null) {
      String text = request.version();
      int end = -1;
      for (int i = 0; i < parts; i++) {
        end = text.indexOf('.', end + 1);
        if (end < 0) {
          break;
        }
      }
      // A version that starts with '.' has an empty, so zero, first part: no text to parse.
      cached = end < 0 ? appVersion : end == 0 ? ZERO : Version.parse(text.substring(0, end));
      prefixes[parts] = cached;
    }
    return cached;
  }
}
