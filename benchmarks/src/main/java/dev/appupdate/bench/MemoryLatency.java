package dev.appupdate.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;

/**
 * The latency of one dependent load that misses the caches, in thread CPU time: a random cyclic
 * chain through an {@code int[]} of the given size, followed one link at a time, so that no load
 * can start before the previous one ended. The machine exposes no hardware counters to count
 * cache misses directly; this gives the cost of one, to set against what a request costs.
 *
 * <pre>{@code
 * java -Xms2g -Xmx2g -cp benchmarks/target/benchmarks.jar dev.appupdate.bench.MemoryLatency \
 *     16384 262144 4194304 134217728
 * }</pre>
 */
public final class MemoryLatency {
  private static final int ROUNDS = 3;
  private static final int STEPS = 20_000_000;

  private MemoryLatency() {}

  /**
   * Runs the measurement.
   *
   * @param args array sizes in bytes; default 32 KiB, 1 MiB, 16 MiB and 512 MiB
   */
  public static void main(String[] args) {
    if (args.length == 0) {
      args = new String[] {"32768", "1048576", "16777216", "536870912"};
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sink = 0;
    for (String arg : args) {
      int n = (int) (Long.parseLong(arg) / Integer.BYTES);
      // One cycle through all slots in random order (Sattolo), so every load depends on the last.
      int[] next = new int[n];
      for (int i = 0; i < n; i++) {
        next[i] = i;
      }
      SplittableRandom random = new SplittableRandom(11);
      for (int i = n - 1; i > 0; i--) {
        int j = random.nextInt(i);
        int t = next[i];
        next[i] = next[j];
        next[j] = t;
      }
      int at = 0;
      for (int i = 0; i < STEPS; i++) {
        at = next[at];
      }
      for (int round = 1; round <= ROUNDS; round++) {
        long cpu0 = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < STEPS; i++) {
          at = next[at];
        }
        double ns = (threads.getCurrentThreadCpuTime() - cpu0) / (double) STEPS;
        System.out.printf("round %d: %s bytes, %.1f ns CPU per dependent load%n", round, arg, ns);
      }
      sink += at;
    }
    System.out.println("# sink " + sink);
  }
}
