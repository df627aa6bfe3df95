package dev.appupdate.bench;

import dev.appupdate.client.patch.ZstdPatches;
import dev.appupdate.protocol.HashFunction;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Measures one zstd patch operation in a fresh JVM, for benchmarks/scripts/patch-sizes.sh, and
 * prints one {@code key=value} line:
 *
 * <ul>
 *   <li>{@code create OLD NEW PATCH [LEVEL]}: {@code create_ms} ({@link ZstdPatches#create}, at
 *       the default level unless given), {@code patch_bytes}, {@code rss_peak_mib};
 *   <li>{@code apply OLD PATCH NEW}: applies the patch twice, streaming into a SHA-512 digest
 *       (nothing is written), checks the result against NEW, and prints {@code apply_ms} (the
 *       first application, which loads the native library) and {@code apply_warm_ms} (the
 *       second), {@code heap_peak_mib} and {@code rss_peak_mib};
 *   <li>{@code baseline}: {@code rss_peak_mib} of a JVM that only loaded the native library, to
 *       subtract from the others.
 * </ul>
 *
 * <p>{@code rss_peak_mib} is the process's peak resident set ({@code VmHWM}, Linux only): the
 * JVM, the heap it touched, the native decoder's window, and the pages of the mapped files that
 * were read.
 */
public final class PatchSizes {
  private static final double MS = 1e6;

  private PatchSizes() {}

  /**
   * Runs one measurement.
   *
   * @param args {@code create OLD NEW PATCH [LEVEL]}, {@code apply OLD PATCH NEW} or {@code
   *     baseline}
   */
  public static void main(String[] args) throws Exception {
    List<String> a = Arrays.asList(args);
    switch (a.isEmpty() ? "" : a.get(0)) {
      case "create" -> {
        long t = System.nanoTime();
        int level = a.size() > 4 ? Integer.parseInt(a.get(4)) : ZstdPatches.DEFAULT_LEVEL;
        ZstdPatches.create(Path.of(a.get(1)), Path.of(a.get(2)), Path.of(a.get(3)), level);
        double ms = (System.nanoTime() - t) / MS;
        System.out.printf(
            Locale.ROOT,
            "create_ms=%.0f patch_bytes=%d rss_peak_mib=%d%n",
            ms,
            Files.size(Path.of(a.get(3))),
            rssPeakMib());
      }
      case "apply" -> {
        Path base = Path.of(a.get(1));
        Path patch = Path.of(a.get(2));
        Path expected = Path.of(a.get(3));
        long size = Files.size(expected);
        // Streamed, so that the expected file adds nothing to the heap or the resident set.
        MessageDigest expectedDigest = HashFunction.SHA512.newDigest();
        try (InputStream in = Files.newInputStream(expected)) {
          in.transferTo(new DigestSink(expectedDigest));
        }
        byte[] want = expectedDigest.digest();
        double[] ms = new double[2];
        for (int i = 0; i < 2; i++) {
          MessageDigest d = HashFunction.SHA512.newDigest();
          long t = System.nanoTime();
          ZstdPatches.apply(base, patch, size, new DigestSink(d));
          ms[i] = (System.nanoTime() - t) / MS;
          if (!MessageDigest.isEqual(d.digest(), want)) {
            throw new IllegalStateException("patch rebuilt other bytes than " + expected);
          }
        }
        System.out.printf(
            Locale.ROOT,
            "apply_ms=%.0f apply_warm_ms=%.0f heap_peak_mib=%d rss_peak_mib=%d%n",
            ms[0],
            ms[1],
            heapPeakMib(),
            rssPeakMib());
      }
      case "baseline" -> {
        // A patch of one byte loads the native library and little else.
        Path tmp = Files.createTempDirectory("patch-baseline");
        Path one = Files.write(tmp.resolve("one"), new byte[] {1});
        Path patch = tmp.resolve("patch");
        ZstdPatches.create(one, one, patch);
        ZstdPatches.apply(one, patch, 1, OutputStream.nullOutputStream());
        for (Path p : List.of(one, patch, tmp)) {
          Files.delete(p);
        }
        System.out.printf(Locale.ROOT, "rss_peak_mib=%d%n", rssPeakMib());
      }
      default -> throw new IllegalArgumentException(
          "usage: create OLD NEW PATCH [LEVEL] | apply OLD PATCH NEW | baseline");
    }
  }

  /** The peak resident set of this process in MiB, from /proc/self/status; -1 elsewhere. */
  static long rssPeakMib() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return -1;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
      }
    }
    return -1;
  }

  private static long heapPeakMib() {
    long peak = 0;
    for (var pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == java.lang.management.MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak / (1024 * 1024);
  }

  /** Hashes what it is given and keeps nothing. */
  private static final class DigestSink extends OutputStream {
    private final MessageDigest digest;

    DigestSink(MessageDigest digest) {
      this.digest = digest;
    }

    @Override
    public void write(int b) {
      digest.update((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      digest.update(b, off, len);
    }
  }
}
