package dev.appupdate.bench;

import dev.appupdate.protocol.HashFunction;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The ceiling of download-and-verify: plain {@link MessageDigest} over bytes already in memory,
 * in the 64 KiB chunks a download is hashed in. Reported per chunk; MiB/s = 65536 / score in
 * microseconds / 1.048576. The client SDK's pipeline is compared against this figure.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DigestBenchmark {
  private static final int CHUNK = 64 * 1024;
  private static final int CHUNKS = 16;

  /** The hash function, by its protocol name. */
  @Param({"sha256", "sha384", "sha512"})
  String function;

  private MessageDigest digest;
  private final byte[] bytes = new byte[CHUNK * CHUNKS];

  /** Fills a megabyte with random bytes and creates the digest. */
  @Setup
  public void setUp() {
    new SplittableRandom(5).nextBytes(bytes);
    digest = HashFunction.fromWireName(function).newDigest();
  }

  /** Hashes one megabyte in 64 KiB updates and finishes the digest; the score is per chunk. */
  @Benchmark
  @OperationsPerInvocation(CHUNKS)
  public byte[] digestMegabyte() {
    for (int i = 0; i < CHUNKS; i++) {
      digest.update(bytes, i * CHUNK, CHUNK);
    }
    return digest.digest();
  }
}
