package dev.appupdate.protocol.catalog;

import dev.appupdate.protocol.HashFunction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Sticky rollouts: each installation has, per release, a fixed bucket in [0, 100), and a release
 * with rollout percent {@code p} is offered to the installations whose bucket is below {@code p}.
 * The bucket depends only on the installation id and the release, so every server computes the
 * same one, an installation stays in as a rollout widens, and the installations inside one
 * rollout are not the same as those inside another.
 *
 * <pre>{@code
 * double bucket = Rollout.bucket("3f1c0a9e-5b7d-4c21-9e38-1a2b3c4d5e6f",
 *     "your_app", "my_important_data", "1.0");
 * boolean admitted = bucket < release.rolloutPercent();
 * }</pre>
 */
public final class Rollout {
  private Rollout() {}

  /**
   * Returns the bucket of an installation for a release: the first 8 bytes of SHA-256 over the
   * UTF-8 bytes of {@code installationId + "/" + product + "/" + updateType + "/" + version},
   * read as an unsigned big-endian 64-bit number {@code x}, scaled to [0, 100) as {@code (x >>>
   * 11) * 2^-53 * 100} in IEEE double arithmetic: {@code x / 2^64 * 100} kept to the 53 bits a
   * double holds exactly, so it never rounds up to 100.
   *
   * @param installationId the request's {@code installation_id}
   * @param product the release's product
   * @param updateType the release's update type
   * @param version the release's version exactly as written in the catalog
   * @return a number in [0, 100)
   */
  public static double bucket(
      String installationId, String product, String updateType, String version) {
    Objects.requireNonNull(installationId, "installationId == null");
    Objects.requireNonNull(product, "product == null");
    Objects.requireNonNull(updateType, "updateType == null");
    Objects.requireNonNull(version, "version == null");
    String key = installationId + '/' + product + '/' + updateType + '/' + version;
    byte[] digest = HashFunction.SHA256.newDigest().digest(key.getBytes(StandardCharsets.UTF_8));
    long x = 0;
    for (int i = 0; i < 8; i++) {
      x = (x << 8) | (digest[i] & 0xff);
    }
    return (x >>> 11) * 0x1.0p-53 * 100.0;
  }

  /**
   * Returns true if {@code release} admits the installation: always at 100 percent, never at 0,
   * otherwise when the installation id is given and its bucket is below the percent.
   *
   * @param installationId the request's installation id, or null when it gave none
   */
  public static boolean admits(Release release, String installationId) {
    Objects.requireNonNull(release, "release == null");
    double percent = release.rolloutPercent();
    if (percent >= Release.FULL_ROLLOUT) {
      return true;
    }
    if (percent <= 0 || installationId == null) {
      return false;
    }
    return bucket(installationId, release.product(), release.updateType(), release.version())
        < percent;
  }
}
