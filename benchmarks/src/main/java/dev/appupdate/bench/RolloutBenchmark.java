package dev.appupdate.bench;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.UpdateRequest;
import dev.appupdate.protocol.catalog.Catalog;
import dev.appupdate.protocol.catalog.Matcher;
import dev.appupdate.protocol.catalog.Release;
import java.net.URI;
import java.util.List;
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
 * The cost of a rollout decision, which the matcher makes for every release in a partial rollout
 * that it considers: a SHA-256 over installation id, product, update type and version. Measured
 * through {@link Matcher#match} of a catalog of one release at 50 percent (the bucket computation
 * is not public API), so the figure also holds a request's fixed matching cost.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RolloutBenchmark {
  private final UpdateRequest[] requests = new UpdateRequest[1024];
  private final Matcher matcher;
  private int next;

  /** Prepares the catalog and requests of random installation ids, so no input repeats soon. */
  public RolloutBenchmark() {
    Release release =
        Release.builder()
            .product("product00042")
            .updateType(SyntheticCatalog.APPLICATION)
            .version("5.9")
            .url("files/app-5.9.zip")
            .hashFunction(HashFunction.SHA512)
            .hashValue("0".repeat(HashFunction.SHA512.hexLength()))
            .size(1)
            .rolloutPercent(50)
            .build();
    matcher = Matcher.create(Catalog.of(List.of(release)), URI.create(SyntheticCatalog.BASE_URL));
    SplittableRandom random = new SplittableRandom(11);
    for (int i = 0; i < requests.length; i++) {
      requests[i] =
          UpdateRequest.builder("product00042", "5.0", "Linux", "en-US")
              .installationId(new UUID(random.nextLong(), random.nextLong()).toString())
              .build();
    }
  }

  /** Matches the next installation against the release in partial rollout. */
  @Benchmark
  public List<AvailableUpdate> match() {
    return matcher.match(requests[next++ & (requests.length - 1)]);
  }
}
