package dev.appupdate.bench;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.UpdateRequest;
import dev.appupdate.protocol.catalog.Catalog;
import dev.appupdate.protocol.catalog.Matcher;
import java.net.URI;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The matcher's cost per request as the catalog grows from 100 to a million releases, 100 per
 * product (two update types of 50 releases each; see {@link SyntheticCatalog}). The index by
 * product should keep the cost flat; what grows is only the chance that a product's releases
 * are out of the CPU caches. Requests rotate over {@value #REQUESTS} prepared requests from random
 * products and installations, so that no single path through the catalog stays hot. The heap is
 * fixed at 2 GiB so that every catalog size runs with the same collector settings.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
// Longer warmup than the other benchmarks: the first offer of each release builds and caches its
// AvailableUpdate, which at a million releases takes more than one pass over the requests.
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class MatcherBenchmark {
  /** How many different requests a run rotates over; a power of two. */
  static final int REQUESTS = 1 << 16;

  private static final int RELEASES_PER_PRODUCT = 100;

  /** The number of releases in the catalog. */
  @Param({"100", "10000", "1000000"})
  int releases;

  private Matcher matcher;
  private UpdateRequest[] requests;

  /** Builds the catalog, compiles the matcher and prepares the requests. */
  @Setup(Level.Trial)
  public void setUp() {
    SyntheticCatalog synthetic =
        new SyntheticCatalog(releases, Math.max(1, releases / RELEASES_PER_PRODUCT));
    matcher =
        Matcher.create(Catalog.of(synthetic.releases()), URI.create(SyntheticCatalog.BASE_URL));
    SplittableRandom random = new SplittableRandom(7);
    requests = new UpdateRequest[REQUESTS];
    int offered = 0;
    for (int i = 0; i < REQUESTS; i++) {
      requests[i] = synthetic.request(random);
      offered += matcher.match(requests[i]).isEmpty() ? 0 : 1;
    }
    // A catalog that offers nothing would measure only the index lookup.
    if (offered < REQUESTS / 2) {
      throw new IllegalStateException(
          "only " + offered + " of " + REQUESTS + " requests get an offer; the catalog is off");
    }
  }

  /** Which prepared request a benchmark thread sends next. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  /** Matches the next prepared request. */
  @Benchmark
  public List<AvailableUpdate> match(Cursor cursor) {
    return matcher.match(requests[cursor.next++ & (REQUESTS - 1)]);
  }
}
