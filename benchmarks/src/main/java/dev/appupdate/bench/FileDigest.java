package dev.appupdate.bench;

import dev.appupdate.protocol.HashFunction;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The ceiling of download-and-verify for a file: plain {@link MessageDigest} SHA-512 over a file,
 * read in 64 KiB chunks (from the page cache once the file was read before), printing the digest,
 * the wall time and the throughput, one figure a line ({@code name value unit}).
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.appupdate.bench.FileDigest /tmp/big.bin --rounds 3
 * }</pre>
 */
public final class FileDigest {
  private static final int CHUNK = 64 * 1024;
  private static final double MIB = 1024 * 1024;

  private FileDigest() {}

  /**
   * Hashes the file and prints the figures.
   *
   * @param args {@code FILE [--rounds N]}
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 1 && !(args.length == 3 && args[1].equals("--rounds"))) {
      throw new IllegalArgumentException("use FILE [--rounds N]");
    }
    Path file = Path.of(args[0]);
    int rounds = args.length == 3 ? Integer.parseInt(args[2]) : 1;
    byte[] buf = new byte[CHUNK];
    MessageDigest digest = HashFunction.SHA512.newDigest();
    for (int round = 1; round <= rounds; round++) {
      long start = System.nanoTime();
      long size = 0;
      try (InputStream in = Files.newInputStream(file)) {
        for (int n; (n = in.read(buf)) >= 0; size += n) {
          digest.update(buf, 0, n);
        }
      }
      byte[] hash = digest.digest();
      long nanos = System.nanoTime() - start;
      System.out.printf(
          Locale.ROOT,
          "digest.wall_ms %.1f ms%ndigest.mib_per_s %.1f MiB/s%ndigest.sha512 %s hex%n",
          nanos / 1e6,
          size / MIB / (nanos / 1e9),
          HexFormat.of().formatHex(hash));
    }
  }
}
