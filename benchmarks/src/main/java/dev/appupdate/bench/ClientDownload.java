package dev.appupdate.bench;

import dev.appupdate.client.CheckResult;
import dev.appupdate.client.DownloadedUpdate;
import dev.appupdate.client.UpdateClient;
import dev.appupdate.protocol.AvailableUpdate;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Checks for updates with the client SDK, then downloads one offered update ({@link
 * UpdateClient#download}) and prints how long the download took, the most heap the JVM used and
 * the most it still used after a collection (the live set), one figure a line ({@code name value
 * unit}). The file is deleted after each round, so every round transfers it again. Run it with a
 * small {@code -Xmx} to show that the heap needed does not depend on the file's size.
 *
 * <pre>{@code
 * java -Xmx64m -cp benchmarks/target/benchmarks.jar dev.appupdate.bench.ClientDownload \
 *     --server http://127.0.0.1:8000/ --product bench --update-type big --dir /tmp/dl
 * }</pre>
 *
 * <p>The wall time covers the whole download call: request, streaming into the partial file while
 * hashing, forcing it to disk, reading it back to verify it once more, and the final move. It is
 * split at the progress report of the last byte into {@code sdk.stream_ms} and {@code
 * sdk.finish_ms}. The check before it is not timed.
 */
public final class ClientDownload {
  private static final double MIB = 1024 * 1024;

  private ClientDownload() {}

  /**
   * Checks, downloads and prints the figures.
   *
   * @param args {@code --server URI --product NAME --update-type TYPE --dir DIR [--rounds N]}
   */
  public static void main(String[] args) throws IOException {
    URI server = null;
    String product = null;
    String updateType = null;
    Path dir = null;
    int rounds = 1;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 == args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String value = args[++i];
      switch (flag) {
        case "--server":
          server = URI.create(value);
          break;
        case "--product":
          product = value;
          break;
        case "--update-type":
          updateType = value;
          break;
        case "--dir":
          dir = Path.of(value);
          break;
        case "--rounds":
          rounds = Integer.parseInt(value);
          break;
        default:
          throw new IllegalArgumentException(
              "unknown flag "
                  + flag
                  + "; use --server, --product, --update-type, --dir and --rounds");
      }
    }
    if (server == null || product == null || updateType == null || dir == null || rounds < 1) {
      throw new IllegalArgumentException(
          "--server, --product, --update-type and --dir are required; --rounds must be >= 1");
    }
    UpdateClient client =
        UpdateClient.builder()
            .serverUri(server)
            .request(UpdateClient.jvmRequest(product, "0").build())
            .build();
    AvailableUpdate update = offer(client.check(), updateType);
    System.out.printf(
        Locale.ROOT,
        "# %s %s, max heap %d MiB, %d bytes from %s%n",
        System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"),
        Math.round(Runtime.getRuntime().maxMemory() / MIB),
        update.size(),
        update.url());
    HeapWatch heap = HeapWatch.start(5);
    try {
      for (int round = 1; round <= rounds; round++) {
        long start = System.nanoTime();
        long[] streamed = {0};
        DownloadedUpdate done =
            client.download(
                update,
                dir,
                progress -> {
                  if (progress.bytesDone() == progress.totalBytes()) {
                    streamed[0] = System.nanoTime();
                  }
                  return true;
                });
        long end = System.nanoTime();
        Files.delete(done.path());
        System.out.printf(
            Locale.ROOT,
            "sdk.wall_ms %.1f ms%nsdk.mib_per_s %.1f MiB/s%n"
                + "sdk.stream_ms %.1f ms # request, then receiving, writing and hashing%n"
                + "sdk.finish_ms %.1f ms # forcing to disk, reading back, verifying, moving%n",
            (end - start) / 1e6,
            update.size() / MIB / ((end - start) / 1e9),
            (streamed[0] - start) / 1e6,
            (end - streamed[0]) / 1e6);
      }
    } finally {
      heap.stop();
    }
    System.out.printf(
        Locale.ROOT,
        "sdk.heap_peak %.1f MiB%nsdk.heap_after_gc_max %.1f MiB%nsdk.gc_count %d collections%n",
        heap.peak() / MIB,
        heap.peakAfterCollection() / MIB,
        collections());
  }

  private static AvailableUpdate offer(CheckResult result, String updateType) {
    for (AvailableUpdate u : result.offers()) {
      if (u.updateType().equals(updateType)) {
        return u;
      }
    }
    throw new IllegalStateException(
        "the server offered no " + updateType + ": " + result.offers() + " " + result.rejected());
  }

  private static long collections() {
    long n = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, gc.getCollectionCount());
    }
    return n;
  }
}
