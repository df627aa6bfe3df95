package dev.appupdate.bench;

import dev.appupdate.protocol.Version;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * {@link VersionBenchmark#compare} and {@link RolloutBenchmark#match} measured in thread CPU time,
 * for comparing JDKs on a machine shared with other work, where JMH's wall time per operation
 * counts the time the thread waited for a core. Also the parts of a rollout bucket alone. Warms
 * up, then prints the CPU nanoseconds and allocated bytes per operation of several rounds; the
 * lowest CPU figure is the one least disturbed by the other work.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.appupdate.bench.HotPathCpuTime
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -cp benchmarks/target/benchmarks.jar \
 *     dev.appupdate.bench.HotPathCpuTime
 * }</pre>
 */
public final class HotPathCpuTime {
  private static final int ROUNDS = 5;

  private HotPathCpuTime() {}

  /**
   * Runs the measurement.
   *
   * @param args unused
   * @throws Exception if SHA-256 is missing
   */
  public static void main(String[] args) throws Exception {
    Version[] versions = {Version.parse("60.0.1esr"), Version.parse("60.0.2")};
    RolloutBenchmark rollout = new RolloutBenchmark();
    String id = "0f8fad5b-d9cb-469f-a165-70867728950e";
    byte[] key = (id + "/product00042/application/5.9").getBytes(StandardCharsets.UTF_8);
    MessageDigest kept = MessageDigest.getInstance("SHA-256");
    // The parts of a rollout bucket (Rollout.unscaledBucket), each alone.
    Map<String, LongSupplier> parts = new LinkedHashMap<>();
    parts.put("Version.compareTo", new LongSupplier() {
      int i;

      @Override
      public long getAsLong() {
        i++;
        return versions[i & 1].compareTo(versions[(i >> 1) & 1]);
      }
    });
    parts.put("rollout match (RolloutBenchmark)", () -> rollout.match().size());
    parts.put("bucket key: string concatenation", () -> (id + '/' + "product00042" + '/'
        + "application" + '/' + "5.9").length());
    parts.put("bucket key: getBytes(UTF_8)", () -> id.getBytes(StandardCharsets.UTF_8).length);
    parts.put("MessageDigest.getInstance(SHA-256)", () -> {
      try {
        return MessageDigest.getInstance("SHA-256").getDigestLength();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    });
    parts.put("SHA-256 of the key, digest kept", () -> kept.digest(key)[0]);
    CpuTimeRounds.run(
        parts,
        2_000_000,
        ROUNDS,
        name -> name.startsWith("Version") ? 20_000_000 : 1_000_000,
        false,
        "op");
  }
}
