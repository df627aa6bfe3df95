package dev.appupdate.bench;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;

/**
 * Runs named operations in rounds and prints each one's thread CPU time and allocated bytes per
 * operation: the measurement of {@link HotPathCpuTime} and {@link CheckCpuTime}, for a machine
 * shared with other work, where wall time counts the time a thread waited for a core.
 */
final class CpuTimeRounds {
  private CpuTimeRounds() {}

  /**
   * Runs each part {@code warmUp} times, then {@code rounds} rounds of {@code ops} calls of each,
   * printing per round and part its CPU time per call (nanoseconds, or microseconds with {@code
   * micros}) and bytes allocated per call, each call named {@code per}.
   */
  static void run(
      Map<String, LongSupplier> parts,
      int warmUp,
      int rounds,
      ToIntFunction<String> ops,
      boolean micros,
      String per) {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long sink = 0;
    for (LongSupplier part : parts.values()) {
      for (int i = 0; i < warmUp; i++) {
        sink += part.getAsLong();
      }
    }
    String jdk = System.getProperty("java.version");
    for (int round = 1; round <= rounds; round++) {
      for (Map.Entry<String, LongSupplier> part : parts.entrySet()) {
        int n = ops.applyAsInt(part.getKey());
        LongSupplier op = part.getValue();
        long bytes0 = threads.getCurrentThreadAllocatedBytes();
        long cpu0 = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
          sink += op.getAsLong();
        }
        long cpu = threads.getCurrentThreadCpuTime() - cpu0;
        long bytes = threads.getCurrentThreadAllocatedBytes() - bytes0;
        System.out.printf(
            micros
                ? "jdk %s round %d: %s %.2f us CPU, %.0f B allocated per %s%n"
                : "jdk %s round %d: %s %.1f ns CPU, %.0f B allocated per %s%n",
            jdk,
            round,
            part.getKey(),
            cpu / (micros ? 1000.0 : 1.0) / n,
            bytes / (double) n,
            per);
      }
    }
    // Printed so that the JIT cannot drop the operations as unused.
    System.out.println("# sink " + sink);
  }
}
