package dev.appupdate.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Checks the arithmetic of the worked rollout example in docs/PROTOCOL.md ("Rollouts"), computed
 * here with MessageDigest directly so the document cannot drift from the formula.
 */
class RolloutBucketExampleTest {
  private static final String KEY =
      "3f1c0a9e-5b7d-4c21-9e38-1a2b3c4d5e6f/your_app/my_important_data/1.0";

  private static byte[] first8Bytes() throws Exception {
    byte[] digest =
        MessageDigest.getInstance("SHA-256").digest(KEY.getBytes(StandardCharsets.UTF_8));
    return Arrays.copyOf(digest, 8);
  }

  private static BigDecimal bucket(BigInteger n) {
    return new BigDecimal(n)
        .multiply(BigDecimal.valueOf(100))
        .divide(new BigDecimal(BigInteger.ONE.shiftLeft(64)), 30, RoundingMode.DOWN);
  }

  @Test
  void documentedExample_digestPrefixAndNumber_matchSha256() throws Exception {
    byte[] prefix = first8Bytes();

    assertThat(HexFormat.of().formatHex(prefix)).isEqualTo("728a685b4cd2cdaf");
    assertThat(new BigInteger(1, prefix)).isEqualTo(new BigInteger("8253524008450051503"));
  }

  @Test
  void documentedExample_bucketToFourDecimals_is44point7424() throws Exception {
    BigDecimal bucket = bucket(new BigInteger(1, first8Bytes()));

    assertThat(bucket.setScale(4, RoundingMode.HALF_EVEN)).isEqualByComparingTo("44.7424");
  }

  @Test
  void documentedExample_admittedAt50ButNotAt40Percent() throws Exception {
    BigInteger n = new BigInteger(1, first8Bytes());
    BigInteger twoTo64 = BigInteger.ONE.shiftLeft(64);

    // The exact comparison the document prescribes: n * 100 < percent * 2^64.
    assertThat(n.multiply(BigInteger.valueOf(100)).compareTo(twoTo64.multiply(BigInteger.valueOf(50))))
        .isNegative();
    assertThat(n.multiply(BigInteger.valueOf(100)).compareTo(twoTo64.multiply(BigInteger.valueOf(40))))
        .isPositive();
    assertThat(bucket(n).compareTo(new BigDecimal("44.74"))).isPositive();
    assertThat(bucket(n).compareTo(new BigDecimal("44.75"))).isNegative();
  }
}
