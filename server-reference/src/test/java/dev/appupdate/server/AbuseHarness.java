package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * What the abuse suites share: the server under attack in a child JVM, attackers on 127.0.0.2, and
 * a probe on 127.0.0.1 sending normal update checks on fresh connections.
 */
final class AbuseHarness implements AutoCloseable {
  static final InetAddress PROBE;
  static final InetAddress ATTACKER;

  static {
    try {
      PROBE = InetAddress.getByName("127.0.0.1");
      ATTACKER = InetAddress.getByName("127.0.0.2");
    } catch (IOException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The bound the suites state for the server's resident memory, with -Xmx256m. */
  static final long RSS_BOUND_BYTES = 640L * 1024 * 1024;

  final ServerProcess server;
  final int port;
  final Path data;
  private final AtomicLong maxRss = new AtomicLong();
  private final ScheduledExecutorService rssSampler =
      Executors.newSingleThreadScheduledExecutor(daemon("rss"));

  private AbuseHarness(ServerProcess server, int port, Path data) {
    this.server = server;
    this.port = port;
    this.data = data;
    rssSampler.scheduleAtFixedRate(this::sampleRss, 0, 200, TimeUnit.MILLISECONDS);
  }

  static AbuseHarness start(Path dir, String... args) throws Exception {
    Path data = dir.resolve("data");
    List<String> all =
        new ArrayList<>(List.of("--port", "0", "--admin-port", "0", "--data", data.toString()));
    all.addAll(List.of(args));
    ServerProcess p = ServerProcess.start(dir, List.of("-Xmx256m"), all.toArray(new String[0]));
    try {
      return new AbuseHarness(p, p.awaitPort(), data);
    } catch (Exception | Error e) {
      p.close();
      throw e;
    }
  }

  static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  private void sampleRss() {
    try {
      for (String line :
          Files.readAllLines(Path.of("/proc", Long.toString(server.process().pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
          maxRss.accumulateAndGet(kb * 1024, Math::max);
        }
      }
    } catch (IOException | RuntimeException e) {
      // the process is gone, or not on Linux: nothing to sample
    }
  }

  long maxRss() {
    sampleRss();
    return maxRss.get();
  }

  /** Opens a connection to the server from {@code from}. */
  Socket connect(InetAddress from) throws IOException {
    return connect(from, 0);
  }

  Socket connect(InetAddress from, int receiveBuffer) throws IOException {
    Socket s = new Socket();
    if (receiveBuffer > 0) {
      s.setReceiveBufferSize(receiveBuffer);
    }
    s.bind(new InetSocketAddress(from, 0));
    s.connect(new InetSocketAddress(PROBE, port), 5_000);
    s.setSoTimeout(5_000);
    return s;
  }

  /** Sends one request on a fresh connection from {@code from} and reads the answer. */
  RawHttp.Response send(InetAddress from, String head, byte[] body) throws IOException {
    try (Socket s = connect(from)) {
      OutputStream out = s.getOutputStream();
      out.write(RawHttp.head(head));
      out.write(body);
      out.flush();
      return RawHttp.read(s.getInputStream(), false);
    }
  }

  RawHttp.Response post(InetAddress from, String path, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    return send(
        from,
        "POST "
            + path
            + " HTTP/1.1\nHost: x\nContent-Type: application/json\nConnection: close\n"
            + "Content-Length: "
            + body.length,
        body);
  }

  /** Latencies of probe checks in milliseconds, and their statuses. */
  static final class ProbeResult {
    final List<Long> millis = Collections.synchronizedList(new ArrayList<>());
    final List<String> failures = Collections.synchronizedList(new ArrayList<>());

    long percentile(double p) {
      List<Long> sorted;
      synchronized (millis) {
        sorted = new ArrayList<>(millis);
      }
      Collections.sort(sorted);
      if (sorted.isEmpty()) {
        return Long.MAX_VALUE;
      }
      return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }

    @Override
    public String toString() {
      return millis.size()
          + " probes, median "
          + percentile(0.5)
          + " ms, p99 "
          + percentile(0.99)
          + " ms, max "
          + percentile(1.0)
          + " ms, failures "
          + failures;
    }
  }

  /**
   * Runs {@code attack} for {@code duration} while the probe sends an update check on a fresh
   * connection every 100 ms, then stops the attack and checks the probe's figures.
   *
   * @param attack started with a flag that turns false when the attack is to stop
   */
  ProbeResult underAttack(String name, Duration duration, Consumer<AtomicBoolean> attack)
      throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService attacker = Executors.newCachedThreadPool(daemon("attack-" + name));
    Future<?> attackDone = attacker.submit(() -> attack.accept(running));
    ProbeResult result = new ProbeResult();
    ScheduledExecutorService probe = Executors.newSingleThreadScheduledExecutor(daemon("probe"));
    // Lets the attack take hold before the first probe.
    long warmUpMillis = Math.min(3_000, duration.toMillis() / 4);
    probe.scheduleAtFixedRate(
        () -> {
          long start = System.nanoTime();
          try {
            RawHttp.Response r = post(PROBE, "/v1/update", Fixtures.SEED_REQUEST);
            if (r.status() != 200) {
              result.failures.add("status " + r.status());
            }
          } catch (IOException e) {
            result.failures.add(e.toString());
          }
          result.millis.add((System.nanoTime() - start) / 1_000_000);
        },
        warmUpMillis,
        100,
        TimeUnit.MILLISECONDS);
    try {
      probe.awaitTermination(duration.toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      probe.shutdown();
      probe.awaitTermination(10, TimeUnit.SECONDS);
      running.set(false);
      attacker.shutdownNow();
      attackDone.cancel(true);
    }
    System.out.println(
        "abuse " + name + ": " + result + ", server RSS max " + maxRss() / (1024 * 1024) + " MB");
    return result;
  }

  /** The suite's assertions on the probe and the server's memory. */
  void assertServed(ProbeResult r) {
    assertThat(r.failures).as("probe failures").isEmpty();
    assertThat(r.millis).as("probes").hasSizeGreaterThan(10);
    assertThat(r.percentile(0.5)).as("median probe latency (ms) " + r).isLessThan(100);
    assertThat(r.percentile(0.99)).as("p99 probe latency (ms) " + r).isLessThan(1_000);
    assertThat(maxRss()).as("server RSS").isLessThan(RSS_BOUND_BYTES);
    assertThat(server.process().isAlive()).isTrue();
  }

  /** Keeps {@code count} connections from the attacker doing {@code each}, reopening closed ones. */
  static void holdConnections(
      AtomicBoolean running, int count, Duration pace, ConnectionStep each) {
    holdConnections(running, count, pace, each, new AtomicInteger());
  }

  /**
   * Like {@link #holdConnections(AtomicBoolean, int, Duration, ConnectionStep)}, counting in {@code
   * cutOff} the open connections that failed (the server closed them).
   */
  static void holdConnections(
      AtomicBoolean running, int count, Duration pace, ConnectionStep each, AtomicInteger cutOff) {
    List<Socket> sockets = new ArrayList<>(Collections.nCopies(count, (Socket) null));
    List<Long> progress = new ArrayList<>(Collections.nCopies(count, 0L));
    try {
      while (running.get()) {
        long roundStart = System.nanoTime();
        for (int i = 0; i < count && running.get(); i++) {
          try {
            if (sockets.get(i) == null) {
              sockets.set(i, each.open());
              progress.set(i, 0L);
            }
            progress.set(i, each.step(sockets.get(i), progress.get(i)));
          } catch (IOException e) {
            if (sockets.get(i) != null) {
              cutOff.incrementAndGet();
            }
            closeQuietly(sockets.get(i));
            sockets.set(i, null);
          }
        }
        long left = pace.toNanos() - (System.nanoTime() - roundStart);
        if (left > 0) {
          // The attacker's own pacing, not a test's timing.
          TimeUnit.NANOSECONDS.sleep(left);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      sockets.forEach(AbuseHarness::closeQuietly);
    }
  }

  /** One attacking connection: how to open it, and what to do with it each round. */
  interface ConnectionStep {
    Socket open() throws IOException;

    /** Does one round's worth and returns the new progress. */
    long step(Socket s, long progress) throws IOException;
  }

  static void closeQuietly(Socket s) {
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        // nothing to do
      }
    }
  }

  /** Reads whatever is available without blocking for more than a moment. */
  static int drain(Socket s, int max) throws IOException {
    s.setSoTimeout(1);
    InputStream in = s.getInputStream();
    byte[] b = new byte[max];
    try {
      int n = in.read(b);
      if (n < 0) {
        throw new IOException("closed by the server");
      }
      return n;
    } catch (java.net.SocketTimeoutException e) {
      return 0;
    }
  }

  @Override
  public void close() {
    rssSampler.shutdownNow();
    server.close();
  }
}
