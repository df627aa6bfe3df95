package dev.appupdate.bench;

import dev.appupdate.protocol.UpdateRequest;
import dev.appupdate.protocol.catalog.Catalog;
import dev.appupdate.protocol.catalog.Matcher;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@link MatcherBenchmark}'s measurement in thread CPU time rather than wall time: the same
 * catalogs and requests, each size in the same JVM, in turn, several rounds. On a machine shared
 * with other work, wall time per operation counts the time the thread waited for a core; CPU
 * time does not (cache contention from the other work still counts). Prints one line per round
 * and size, then the ratio of each size to the first, per round.
 *
 * <p>A size may name how many products the requests go to, {@code 1000000@1}: a million releases,
 * all requests to the first product (otherwise they go to all, 100 releases per product). That
 * separates what the catalog's size costs in cache misses from what it costs in work.
 *
 * <pre>{@code
 * java -Xms2g -Xmx2g -cp benchmarks/target/benchmarks.jar dev.appupdate.bench.MatcherCpuTime \
 *     100 1000000
 * }</pre>
 */
public final class MatcherCpuTime {
  private static final int REQUESTS = MatcherBenchmark.REQUESTS;
  private static final int ROUNDS = 5;
  private static final int PASSES = 10;

  private MatcherCpuTime() {}

  /**
   * Runs the measurement.
   *
   * @param args catalog sizes in releases; default 100 and 1000000
   */
  public static void main(String[] args) {
    if (args.length == 0) {
      args = new String[] {"100", "1000000"};
    }
    int n = args.length;
    Matcher[] matchers = new Matcher[n];
    UpdateRequest[][] requests = new UpdateRequest[n][];
    Map<Integer, Matcher> built = new HashMap<>();
    for (int i = 0; i < n; i++) {
      int at = args[i].indexOf('@');
      int releases = Integer.parseInt(at < 0 ? args[i] : args[i].substring(0, at));
      int products = Math.max(1, releases / 100);
      int asked = at < 0 ? products : Integer.parseInt(args[i].substring(at + 1));
      SyntheticCatalog synthetic = new SyntheticCatalog(releases, products);
      // Sizes that differ only in the products asked share one catalog.
      matchers[i] =
          built.computeIfAbsent(
              releases,
              r ->
                  Matcher.create(
                      Catalog.of(synthetic.releases()), URI.create(SyntheticCatalog.BASE_URL)));
      SplittableRandom random = new SplittableRandom(7);
      requests[i] = new UpdateRequest[REQUESTS];
      for (int k = 0; k < REQUESTS; k++) {
        requests[i][k] = synthetic.request(random, asked);
      }
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sink = 0;
    // Warm-up: every size, so that the JIT sees all of them before any is measured.
    for (int pass = 0; pass < 2 * PASSES; pass++) {
      for (int i = 0; i < n; i++) {
        for (UpdateRequest r : requests[i]) {
          sink += matchers[i].match(r).size();
        }
      }
    }
    for (int round = 1; round <= ROUNDS; round++) {
      double first = 0;
      for (int i = 0; i < n; i++) {
        long cpu0 = threads.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        for (int pass = 0; pass < PASSES; pass++) {
          for (UpdateRequest r : requests[i]) {
            sink += matchers[i].match(r).size();
          }
        }
        double ops = (double) PASSES * REQUESTS;
        double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / ops;
        double wall = (System.nanoTime() - wall0) / ops;
        if (i == 0) {
          first = cpu;
        }
        System.out.printf(
            "round %d releases %s: %.0f ns/op CPU, %.0f ns/op wall, %.2fx the first size (CPU)%n",
            round, args[i], cpu, wall, cpu / first);
      }
    }
    System.out.println("# offers counted: " + sink);
  }
}
