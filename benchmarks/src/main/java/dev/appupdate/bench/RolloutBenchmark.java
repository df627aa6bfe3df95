package dev.appupdate.bench;

import dev.appupdate.protocol.catalog.Rollout;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of a rollout bucket, which the matcher computes for every release in a partial
 * rollout that it considers: a SHA-256 over installation id, product, update type and version.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RolloutBenchmark {
  private final String[] installationIds = new String[1024];
  private int next;

  /** Prepares random installation ids, so that no input repeats within a few calls. */
  public RolloutBenchmark() {
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < installationIds.length; i++) {
      installationIds[i] = new UUID(random.nextLong(), random.nextLong()).toString();
    }
  }

  /** Computes the bucket of the next installation for a typical release. */
  @Benchmark
  public double bucket() {
    String id = installationIds[next++ & (installationIds.length - 1)];
    return Rollout.bucket(id, "product00042", SyntheticCatalog.APPLICATION, "5.9");
  }
}
