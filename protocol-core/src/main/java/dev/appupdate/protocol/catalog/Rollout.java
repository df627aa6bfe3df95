package dev.appupdate.protocol.catalog;

import dev.appupdate.protocol.HashFunction;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * Sticky rollouts: each installation has, per release, a fixed number {@code n} in [0, 2^64), and
 * a release with rollout percent {@code p} is offered to the installations with {@code n * 100 <
 * p * 2^64}, compared exactly. Scaled to percent, {@code n} is the installation's bucket in [0,
 * 100). It depends only on the installation id and the release, so every server computes the same
 * one, an installation stays in as a rollout widens, and the installations inside one rollout are
 * not the same as those inside another.
 *
 * <pre>{@code
 * boolean admitted = Rollout.admits(release, "3f1c0a9e-5b7d-4c21-9e38-1a2b3c4d5e6f");
 * double bucket = Rollout.bucket("3f1c0a9e-5b7d-4c21-9e38-1a2b3c4d5e6f",
 *     "your_app", "my_important_data", "1.0"); // 44.742443303114065, for display
 * }</pre>
 */
final class Rollout {
  private Rollout() {}

  /**
   * One digest per thread: {@code MessageDigest.getInstance} costs about a third of a bucket on
   * JDK 25 (twice its cost on JDK 17; docs/PERFORMANCE.md), and {@code digest} resets it.
   */
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(HashFunction.SHA256::newDigest);

  /** The most digits a rollout percent may have after the decimal point. */
  static final int PERCENT_DECIMALS = 6;

  /** 10^(2 + PERCENT_DECIMALS): a percent with its decimals as an integer, per unit. */
  private static final BigInteger PERCENT_UNIT = BigInteger.TEN.pow(2 + PERCENT_DECIMALS);

  /**
   * Returns {@code n} of an installation for a release: the first 8 bytes of SHA-256 over the
   * UTF-8 bytes of {@code installationId + "/" + product + "/" + updateType + "/" + version}, read
   * as an unsigned big-endian 64-bit number (so compare it with {@link Long#compareUnsigned}).
   *
   * @param installationId the request's {@code installation_id}
   * @param product the release's product
   * @param updateType the release's update type
   * @param version the release's version exactly as written in the catalog
   */
  static long unscaledBucket(
      String installationId, String product, String updateType, String version) {
    Objects.requireNonNull(installationId, "installationId == null");
    Objects.requireNonNull(product, "product == null");
    Objects.requireNonNull(updateType, "updateType == null");
    Objects.requireNonNull(version, "version == null");
    String key = installationId + '/' + product + '/' + updateType + '/' + version;
    return first8(SHA256.get().digest(key.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Returns what {@link #unscaledBucket(String, String, String, String)} returns, from the key in
   * two pieces: the installation id's UTF-8 bytes, and {@link #keySuffix} of the release in {@code
   * suffix[from, to)}. The UTF-8 bytes of the concatenation are the concatenation of the pieces'
   * bytes, since the suffix starts with {@code /}.
   */
  static long unscaledBucket(byte[] installationId, byte[] suffix, int from, int to) {
    MessageDigest sha256 = SHA256.get();
    sha256.update(installationId);
    sha256.update(suffix, from, to - from);
    return first8(sha256.digest());
  }

  /** The UTF-8 bytes of {@code "/" + product + "/" + updateType + "/" + version}. */
  static byte[] keySuffix(String product, String updateType, String version) {
    return ('/' + product + '/' + updateType + '/' + version).getBytes(StandardCharsets.UTF_8);
  }

  private static long first8(byte[] digest) {
    long n = 0;
    for (int i = 0; i < 8; i++) {
      n = (n << 8) | (digest[i] & 0xff);
    }
    return n;
  }

  /**
   * Returns the bucket of an installation for a release, for display: {@link #unscaledBucket} as
   * {@code n / 2^64 * 100}, computed as {@code (n >>> 11) * 2^-53 * 100} in IEEE double arithmetic
   * ({@code n} kept to the 53 bits a double holds exactly, so it never rounds up to 100). Whether a
   * release admits the installation is decided on {@code n} exactly, by {@link #admits}: near the
   * rollout percent, the rounded bucket can fall on the other side of it.
   *
   * @param installationId the request's {@code installation_id}
   * @param product the release's product
   * @param updateType the release's update type
   * @param version the release's version exactly as written in the catalog
   * @return a number in [0, 100)
   */
  static double bucket(
      String installationId, String product, String updateType, String version) {
    long n = unscaledBucket(installationId, product, updateType, version);
    return (n >>> 11) * 0x1.0p-53 * 100.0;
  }

  /**
   * Returns true if {@code release} admits the installation: always at 100 percent, never at 0,
   * otherwise when the installation id is given and {@code n * 100 < p * 2^64} exactly, for {@code
   * n} its {@link #unscaledBucket} and {@code p} the rollout percent. A {@link Matcher} decides the
   * same with the comparison prepared once per release; this method prepares it on every call.
   *
   * @param installationId the request's installation id, or null when it gave none
   */
  static boolean admits(Release release, String installationId) {
    Objects.requireNonNull(release, "release == null");
    double percent = release.rolloutPercent();
    if (percent >= Release.FULL_ROLLOUT) {
      return true;
    }
    if (installationId == null) {
      return false;
    }
    long n =
        unscaledBucket(installationId, release.product(), release.updateType(), release.version());
    return admitted(n, threshold(percent));
  }

  /** Returns true if {@code n} is below {@code threshold}, both unsigned. */
  static boolean admitted(long n, long threshold) {
    return Long.compareUnsigned(n, threshold) < 0;
  }

  /**
   * Returns the unsigned 64-bit threshold {@code T = ceil(p * 2^64 / 100)} of a percent {@code p}
   * below 100, so that for every {@code n}, {@code n * 100 < p * 2^64} exactly when {@code n < T}:
   * 0 for 0 percent, 2^63 for 50. {@code p} is the percent's decimal value ({@link #exactPercent}),
   * not the double's binary one.
   *
   * @param percent a valid rollout percent ({@link Rules#percent(double)}) below 100
   */
  static long threshold(double percent) {
    BigInteger scaled = exactPercent(percent).unscaledValue();
    // ceil(scaled / 10^8 * 2^64), below 2^64 since scaled < 10^8; longValue keeps its 64 bits.
    return scaled
        .shiftLeft(64)
        .add(PERCENT_UNIT.subtract(BigInteger.ONE))
        .divide(PERCENT_UNIT)
        .longValue();
  }

  /**
   * Returns the decimal a valid rollout percent stands for: the one with at most {@value
   * #PERCENT_DECIMALS} digits after the decimal point that the double is nearest to, which is the
   * percent as the catalog wrote it.
   */
  static BigDecimal exactPercent(double percent) {
    return new BigDecimal(percent).setScale(PERCENT_DECIMALS, RoundingMode.HALF_EVEN);
  }

  /** Returns {@code n / 2^64 * 100} exactly, for explanations. */
  static BigDecimal exactBucket(long n) {
    return new BigDecimal(new BigInteger(Long.toUnsignedString(n)))
        .multiply(BigDecimal.valueOf(100))
        .divide(new BigDecimal(BigInteger.ONE.shiftLeft(64)));
  }
}
