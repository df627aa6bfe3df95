package dev.appupdate.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.appupdate.client.CheckResult;
import dev.appupdate.client.DownloadedUpdate;
import dev.appupdate.client.UpdateClient;
import dev.appupdate.protocol.AvailableUpdate;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

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
 * hashing, checking size and digest, forcing the file to disk and the final move. The time spent in
 * {@code FileChannel.force} is taken from JDK Flight Recorder's {@code jdk.FileForce} events (a
 * recording of that event alone, over all rounds, read after the last one) and reported apart,
 * {@code sdk.force_ms}, with the number of forces, {@code sdk.forces}; {@code sdk.mib_per_s} is
 * the rate of download and verify, the wall time without the force, and {@code
 * sdk.wall_mib_per_s} the rate of the whole call. {@code sdk.stream_ms} runs to the progress
 * report of the last byte; {@code sdk.rest_ms} is what follows it besides the force (the digest
 * check, the last writes, the move). {@code sdk.thread_cpu_ms} is the CPU time of the downloading
 * thread, which hashes: when it is well below the wall time, that thread waited for data or for
 * the disk; {@code sdk.process_cpu_ms} that of the whole JVM (HTTP client, writer, GC, JIT).
 * The check before the download is not timed.
 */
public final class ClientDownload {
  private static final double MIB = 1024 * 1024;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final OperatingSystemMXBean PROCESS =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

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
    List<Round> done = new ArrayList<>();
    HeapWatch heap = HeapWatch.start(5);
    // One recording for all rounds, read after the last: reading it between rounds would have the
    // JIT compile the reader while the next round runs.
    try (Recording forces = new Recording()) {
      forces.enable("jdk.FileForce").withThreshold(Duration.ZERO);
      forces.start();
      for (int round = 1; round <= rounds; round++) {
        Round r = new Round();
        r.cpuStart = THREADS.getCurrentThreadCpuTime();
        r.processCpuStart = PROCESS.getProcessCpuTime();
        r.startInstant = Instant.now();
        r.start = System.nanoTime();
        DownloadedUpdate result =
            client.download(
                update,
                dir,
                progress -> {
                  if (progress.bytesDone() == progress.totalBytes()) {
                    r.streamed = System.nanoTime();
                  }
                  return true;
                });
        r.end = System.nanoTime();
        r.endInstant = Instant.now();
        r.cpu = THREADS.getCurrentThreadCpuTime() - r.cpuStart;
        r.processCpu = PROCESS.getProcessCpuTime() - r.processCpuStart;
        Files.delete(result.path());
        done.add(r);
      }
      forces.stop();
      assignForces(forceEvents(forces), done);
    } finally {
      heap.stop();
    }
    for (Round r : done) {
      long wall = r.end - r.start;
      System.out.printf(
          Locale.ROOT,
          "sdk.wall_ms %.1f ms # the whole call%n"
              + "sdk.mib_per_s %.1f MiB/s # download and verify: the whole call without the force%n"
              + "sdk.wall_mib_per_s %.1f MiB/s # the whole call%n"
              + "sdk.force_ms %.1f ms%n"
              + "sdk.forces %d%n"
              + "sdk.stream_ms %.1f ms # request, then receiving, writing and hashing%n"
              + "sdk.rest_ms %.1f ms # after the last byte, besides the force: digest, writes, move%n"
              + "sdk.thread_cpu_ms %.1f ms # CPU time of the downloading (hashing) thread%n"
              + "sdk.process_cpu_ms %.1f ms # CPU time of the whole JVM%n",
          wall / 1e6,
          update.size() / MIB / ((wall - r.forceNanos) / 1e9),
          update.size() / MIB / (wall / 1e9),
          r.forceNanos / 1e6,
          r.forces,
          (r.streamed - r.start) / 1e6,
          (r.end - r.streamed - r.forceNanos) / 1e6,
          r.cpu / 1e6,
          r.processCpu / 1e6);
    }
    System.out.printf(
        Locale.ROOT,
        "sdk.heap_peak %.1f MiB%nsdk.heap_after_gc_max %.1f MiB%nsdk.gc_count %d collections%n",
        heap.peak() / MIB,
        heap.peakAfterCollection() / MIB,
        collections());
  }

  /** The measurements of one download. */
  private static final class Round {
    long cpuStart;
    long processCpuStart;
    Instant startInstant;
    Instant endInstant;
    long start;
    volatile long streamed;
    long end;
    long cpu;
    long processCpu;
    long forceNanos;
    int forces;
  }

  /**
   * Adds each force to the round during which it started. The recording's clock and {@link
   * Instant#now()} agree to well under a millisecond, and a force ends a round's download, many
   * milliseconds after it started.
   */
  private static void assignForces(List<RecordedEvent> events, List<Round> rounds) {
    for (RecordedEvent e : events) {
      for (Round r : rounds) {
        if (!e.getStartTime().isBefore(r.startInstant) && e.getStartTime().isBefore(r.endInstant)) {
          r.forceNanos += e.getDuration().toNanos();
          r.forces++;
          break;
        }
      }
    }
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

  /**
   * The {@code jdk.FileForce} events of a stopped recording. The dump can hold
   * events of other recordings too (one started with {@code -XX:StartFlightRecording} for a
   * profile, say): they are skipped.
   */
  private static List<RecordedEvent> forceEvents(Recording recording) throws IOException {
    Path file = Files.createTempFile("client-download", ".jfr");
    try {
      recording.dump(file);
      List<RecordedEvent> forces = new ArrayList<>();
      for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
        if (e.getEventType().getName().equals("jdk.FileForce")) {
          forces.add(e);
        }
      }
      return forces;
    } finally {
      Files.delete(file);
    }
  }

  private static long collections() {
    long n = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, gc.getCollectionCount());
    }
    return n;
  }
}
