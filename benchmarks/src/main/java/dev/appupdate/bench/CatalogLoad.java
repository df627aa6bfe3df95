package dev.appupdate.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.appupdate.protocol.UpdateRequest;
import dev.appupdate.protocol.catalog.Catalog;
import dev.appupdate.protocol.catalog.Matcher;
import dev.appupdate.protocol.catalog.Release;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.lang.ref.Reference;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Measures what loading a large catalog costs a server at start: the time of {@link
 * Catalog#read} and {@link Matcher#create}, and the memory the result holds. A plain program
 * rather than a JMH benchmark, since a server loads its catalog once, cold.
 *
 * <p>It first writes a catalog of {@link SyntheticCatalog} releases (by default a million over
 * 10,000 products, about 360 MB) into a temporary directory, from a child JVM so that this JVM's
 * heap and resident set hold nothing but the load. Then it prints one line per figure:
 *
 * <ul>
 *   <li>{@code read.*}, {@code create.*}: wall time, CPU time of the loading thread ({@link
 *       ThreadMXBean}), and CPU time of the whole process, which adds the garbage collector's and
 *       the JIT compiler's threads;
 *   <li>{@code heap.retained}: heap in use after {@link System#gc()} with the catalog and matcher
 *       reachable, minus the same before loading. Approximate: {@code System.gc()} is a request,
 *       and the figure includes whatever else the load left reachable (class metadata is not
 *       heap);
 *   <li>{@code heap.peak}: the most heap in use seen just before a garbage collection, the moment
 *       heap use is highest; it depends on the collector and {@code -Xmx}, not on the load alone;
 *   <li>{@code rss.peak}: the process's peak resident set ({@code VmHWM}, Linux only).
 * </ul>
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.appupdate.bench.CatalogLoad
 * java -cp benchmarks/target/benchmarks.jar dev.appupdate.bench.CatalogLoad \
 *     --releases 100000 --products 1000 --keep /tmp/catalog.json
 * }</pre>
 */
public final class CatalogLoad {
  private static final long MIB = 1024 * 1024;

  private CatalogLoad() {}

  /**
   * Generates the catalog, loads it and prints the figures.
   *
   * @param args {@code [--releases N] [--products N] [--keep FILE]}; or {@code --generate FILE
   *     [--releases N] [--products N]} to only write the catalog (what the child JVM runs); or
   *     {@code --generate-with-seed FILE ...} to write it followed by the two releases of the
   *     seed's product {@code your_app}, so that a server loading it answers the seed request with
   *     two offers
   */
  public static void main(String[] args) throws Exception {
    int releases = 1_000_000;
    int products = 10_000;
    Path keep = null;
    Path generate = null;
    List<Release> more = List.of();
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 == args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String value = args[++i];
      switch (flag) {
        case "--releases":
          releases = positive(flag, value);
          break;
        case "--products":
          products = positive(flag, value);
          break;
        case "--keep":
          keep = Path.of(value);
          break;
        case "--generate":
          generate = Path.of(value);
          break;
        case "--generate-with-seed":
          generate = Path.of(value);
          more = Seed.releases();
          break;
        default:
          throw new IllegalArgumentException(
              "unknown flag " + flag + "; use --releases N, --products N, --keep FILE,"
                  + " --generate FILE or --generate-with-seed FILE");
      }
    }
    // Fail on bad counts here, not in the child.
    SyntheticCatalog synthetic = new SyntheticCatalog(releases, products);
    if (generate != null) {
      synthetic.writeJson(generate, more);
      return;
    }
    Path file = keep;
    Path dir = null;
    if (file == null) {
      dir = Files.createTempDirectory("appupdate-catalog-load");
      file = dir.resolve("catalog.json");
    }
    try {
      long start = System.nanoTime();
      generateInChild(file, releases, products);
      printHeader(releases, products, Files.size(file), System.nanoTime() - start);
      load(file, synthetic, releases);
    } finally {
      if (dir != null) {
        Files.deleteIfExists(file);
        Files.delete(dir);
      }
    }
  }

  private static int positive(String flag, String value) {
    try {
      int n = Integer.parseInt(value);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Reported below with the flag's name.
    }
    throw new IllegalArgumentException(flag + " must be a positive integer, got " + value);
  }

  private static void generateInChild(Path file, int releases, int products)
      throws IOException, InterruptedException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElseThrow(() -> new IllegalStateException("cannot tell which java runs this"));
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(CatalogLoad.class.getName());
    command.add("--generate");
    command.add(file.toString());
    command.add("--releases");
    command.add(Integer.toString(releases));
    command.add("--products");
    command.add(Integer.toString(products));
    Process child = new ProcessBuilder(command).inheritIO().start();
    if (!child.waitFor(10, TimeUnit.MINUTES)) {
      child.destroyForcibly();
      throw new IOException("generating " + file + " took over 10 minutes; stopped");
    }
    if (child.exitValue() != 0) {
      throw new IOException("generating " + file + " failed with exit code " + child.exitValue());
    }
  }

  private static void printHeader(int releases, int products, long bytes, long generateNanos) {
    System.out.printf(
        Locale.ROOT,
        "# %s %s (%s), %d processors, max heap %d MiB, GC %s%n",
        System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"),
        System.getProperty("java.vendor"),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() / MIB,
        gcNames());
    System.out.printf(
        Locale.ROOT,
        "# catalog: %d releases over %d products, %d bytes, generated in %.1f s%n",
        releases,
        products,
        bytes,
        generateNanos / 1e9);
  }

  private static String gcNames() {
    List<String> names = new ArrayList<>();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      names.add(gc.getName());
    }
    return String.join(" + ", names);
  }

  private static void load(Path file, SyntheticCatalog synthetic, int releases) throws IOException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    OperatingSystemMXBean os =
        (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long baseline = usedAfterGc(memory);
    HeapWatch peak = HeapWatch.start(0);

    long wall0 = System.nanoTime();
    long cpu0 = threads.getCurrentThreadCpuTime();
    long process0 = os.getProcessCpuTime();
    Catalog catalog = Catalog.read(file);
    long wall1 = System.nanoTime();
    long cpu1 = threads.getCurrentThreadCpuTime();
    long process1 = os.getProcessCpuTime();
    Matcher matcher = Matcher.create(catalog, URI.create(SyntheticCatalog.BASE_URL));
    long wall2 = System.nanoTime();
    long cpu2 = threads.getCurrentThreadCpuTime();
    long process2 = os.getProcessCpuTime();

    if (catalog.size() != releases) {
      throw new IllegalStateException("read " + catalog.size() + " releases, wrote " + releases);
    }
    UpdateRequest request = synthetic.request(new SplittableRandom(1));
    int offers = matcher.match(request).size();
    peak.observe(memory.getHeapMemoryUsage().getUsed());
    long retained = usedAfterGc(memory) - baseline;
    Reference.reachabilityFence(catalog);
    Reference.reachabilityFence(matcher);

    ms("read.wall", wall1 - wall0, "Catalog.read");
    ms("read.cpu", cpu1 - cpu0, "loading thread");
    ms("read.process_cpu", process1 - process0, "all threads: loading, GC, JIT");
    ms("create.wall", wall2 - wall1, "Matcher.create");
    ms("create.cpu", cpu2 - cpu1, "loading thread");
    ms("create.process_cpu", process2 - process1, "all threads: loading, GC, JIT");
    mib("heap.retained", retained, "approximate: used after System.gc(), minus before loading");
    figure("heap.retained_per_release", retained / releases, "bytes", "");
    peak.stop();
    mib("heap.peak", peak.peak(), "highest heap use seen before a GC");
    long rss = peakRss();
    if (rss >= 0) {
      mib("rss.peak", rss, "VmHWM: peak resident set of this JVM");
    }
    System.out.printf(
        Locale.ROOT,
        "# sanity: %s got %d offers from a matcher of %d releases%n",
        request.product(),
        offers,
        matcher.releaseCount());
  }

  private static void ms(String name, long nanos, String note) {
    figure(name, Math.round(nanos / 1e6), "ms", note);
  }

  private static void mib(String name, long bytes, String note) {
    figure(name, Math.round(bytes / (double) MIB), "MiB", note);
  }

  private static void figure(String name, long value, String unit, String note) {
    System.out.printf(
        Locale.ROOT, "%-26s %10d %-5s %s%n", name, value, unit, note.isEmpty() ? "" : "# " + note);
  }

  private static long usedAfterGc(MemoryMXBean memory) {
    // Two rounds: the first may only queue finalizable or weakly reachable objects.
    System.gc();
    System.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }

  /** Returns the peak resident set in bytes, or -1 where /proc does not tell. */
  private static long peakRss() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.isReadable(status)) {
      System.out.println("# rss.peak unavailable: no /proc/self/status on this system");
      return -1;
    }
    for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
      if (line.startsWith("VmHWM:")) {
        String kb = line.substring("VmHWM:".length()).trim().split("\\s+")[0];
        return Long.parseLong(kb) * 1024;
      }
    }
    System.out.println("# rss.peak unavailable: no VmHWM in " + status);
    return -1;
  }
}
